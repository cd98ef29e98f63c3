"""verify's outputs: per dataset a table, a figure and a JSON verdict; over datasets the aggregate table."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from alignpredict.utils.io import atomic_path, save_figure, write_csv, write_json, write_text
from alignpredict.verify.agreement import (
    agreement_summary,
    best_option_rows,
    calibration,
    direction_cells,
    objective_cells,
    option_scores,
    score_matrix,
    training_summary,
)
from alignpredict.verify.core import VerifyResult

VIEW_OF = {"ca_x": "x", "ca_y": "y", "cp_xy": "x", "cp_yx": "y", "pca_x": "x", "pca_y": "y", "ae_x": "x", "ae_y": "y"}
LABELS = {
    "ca_x": "CA (x encoder)",
    "ca_y": "CA (y encoder)",
    "cp_xy": "CP x->y",
    "cp_yx": "CP y->x",
    "pca_x": "PCA-k x",
    "pca_y": "PCA-k y",
    "ae_x": "autoencoder x",
    "ae_y": "autoencoder y",
}


def _fmt(value: object) -> str:
    if isinstance(value, (float, np.floating)):
        return "-" if np.isnan(value) else f"{value:.3g}"
    return str(value)


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def markdown_table(rows: list[dict], percent: tuple[str, ...] = ()) -> list[str]:
    if not rows:
        return ["(none)"]
    header = list(rows[0])

    def show(key: str, value: object) -> str:
        if key in percent and isinstance(value, (float, np.floating)) and not np.isnan(value):
            return f"{value:.0%}"
        return _fmt(value)

    return [
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
        *["| " + " | ".join(show(key, row.get(key, float("nan"))) for key in header) + " |" for row in rows],
    ]


def verdict_dict(result: VerifyResult) -> dict:
    """Each split's diagnostic verdict and the training outcome it is compared with."""
    options = option_scores(score_matrix(result), result.ks)
    return {
        "dataset": result.name,
        "label_kind": result.kind,
        "n_rows": result.n_rows,
        "dims": list(result.dims),
        "ks": list(result.ks),
        "cpu_seconds": result.cpu_seconds,
        "training_option_means": options.mean().to_dict(),
        "splits": [
            {
                "split": split.split,
                "recommendation": split.report.recommendation,
                "recommendation_confidence": split.report.recommendation_confidence,
                "regime": split.report.regime,
                "confidence": split.report.confidence,
                "recovery_advice": split.report.recovery_advice,
                "delta_ca": split.report.delta_ca,
                "delta_cp": split.report.delta_cp,
                "delta_cp_reverse": split.report.delta_cp_reverse,
                "intervals": split.report.intervals,
                "direction": split.report.direction,
            }
            for split in result.splits
        ],
    }


def dataset_markdown(result: VerifyResult) -> str:
    summary = training_summary(result)
    table = []
    for name in [*LABELS, "raw_x", "raw_y"]:
        part = summary[summary["representation"] == name]
        if part.empty:
            continue
        row = {"representation": LABELS.get(name, f"raw {name[-1]} (all features)")}
        for _, entry in part.iterrows():
            row[f"k={entry['k']}" if entry["k"] else "all"] = (
                f"{entry['mean']:.3f} [{entry['low']:.3f}, {entry['high']:.3f}]"
            )
        table.append(row)
    columns = sorted({key for row in table for key in row if key != "representation"}, key=lambda c: (c == "all", c))
    table = [{"representation": row["representation"], **{c: row.get(c, "") for c in columns}} for row in table]
    options = best_option_rows(result)
    first = result.splits[0].report
    lines = [
        f"## {result.name}",
        "",
        f"{result.n_rows} rows, dims {result.dims[0]} + {result.dims[1]}, {result.kind} labels; "
        f"{len(result.splits)} splits. Training: held-out probe "
        f"{'accuracy' if result.kind == 'classes' else 'R^2'}, mean [95 % interval over splits]:",
        "",
        *markdown_table(table),
        "",
        f"Training's best option: **{options['training_best'].iloc[0]}**. Diagnostic (split 0): recommendation "
        f"**{first.recommendation}** ({_pct(first.recommendation_confidence)} of resamples); regime {first.regime} "
        f"({_pct(first.confidence)}), signal recovery: {first.recovery_advice}. Recommendation agrees with training in "
        f"{int(options['agrees'].sum())} of {len(options)} splits.",
        "",
    ]
    return "\n".join(lines)


def dataset_figure(result: VerifyResult) -> Figure:
    summary = training_summary(result)
    figure = Figure(figsize=(7.5, 4.2), layout="constrained")
    axis = figure.subplots()
    styles = {"ca": "-", "cp": "--", "pca": ":", "ae": "-."}
    for name, label in LABELS.items():
        part = summary[summary["representation"] == name]
        if part.empty:
            continue
        colour = "tab:blue" if VIEW_OF[name] == "x" else "tab:orange"  # the view the representation reads
        axis.errorbar(
            part["k"],
            part["mean"],
            yerr=[part["mean"] - part["low"], part["high"] - part["mean"]],
            ls=styles[name.split("_")[0]],
            color=colour,
            marker="o",
            ms=3,
            capsize=2,
            label=label,
        )
    for name, colour in (("raw_x", "tab:blue"), ("raw_y", "tab:orange")):
        part = summary[summary["representation"] == name]
        if not part.empty:
            axis.axhline(float(part["mean"].iloc[0]), color=colour, lw=0.8, alpha=0.6, label=f"raw {name[-1]}")
    axis.set_xlabel("representation size k")
    axis.set_ylabel("held-out accuracy" if result.kind == "classes" else r"held-out $R^2$")
    report = result.splits[0].report
    scale = (
        f"{result.n_rows:,} pairs (x {result.dims[0]}-d, y {result.dims[1]}-d), {len(result.splits)} random "
        "train / test splits; bars: 95 % interval over the splits"
    )
    axis.set_title(f"{result.name}: diagnostic says {report.recommendation}\n{scale}", fontsize=9)
    axis.legend(fontsize=7, ncols=2)
    return figure


def write_dataset(result: VerifyResult, out: Path) -> None:
    """table.md, scores.csv, verdict.json, figure.png, and result.pkl (to re-aggregate without rerunning)."""
    folder = out / result.name
    with atomic_path(folder / "result.pkl") as tmp:
        tmp.write_bytes(pickle.dumps(result))
    write_text(folder / "table.md", dataset_markdown(result))
    write_csv(folder / "scores.csv", pd.DataFrame(result.score_table()))
    write_json(folder / "verdict.json", verdict_dict(result))
    save_figure(dataset_figure(result), folder / "figure.png", dpi=110)


def aggregate_markdown(results: list[VerifyResult], command: str) -> tuple[str, dict[str, pd.DataFrame]]:
    objectives = pd.concat([objective_cells(r) for r in results], ignore_index=True)
    directions = pd.concat([direction_cells(r) for r in results], ignore_index=True)
    options = pd.concat([best_option_rows(r) for r in results], ignore_index=True)
    per_dataset = []
    for result in results:
        part = options[options["dataset"] == result.name]
        means = option_scores(score_matrix(result), result.ks).mean()
        per_dataset.append(
            {
                "dataset": result.name,
                "rows": result.n_rows,
                "training best": part["training_best"].iloc[0],
                "best score": float(means.max()),
                "recommended (splits)": ", ".join(f"{k} x{v}" for k, v in part["recommended"].value_counts().items()),
                "agree": f"{int(part['agrees'].sum())}/{len(part)}",
                "CPU s": round(result.cpu_seconds, 1),
            }
        )
    majority = [options[options["dataset"] == r.name]["agrees"].mean() >= 0.5 for r in results]
    lines = [
        f"Generated by `{command}`.",
        "",
        "### Aggregate agreement of the diagnostic with training",
        "",
        *markdown_table(
            agreement_summary(objectives, directions, options),
            ("agree", "agree (confident)", "agree (confident, training clear)", "constant answer"),
        ),
        "",
        f"Datasets whose recommendation names the best option (tie within training's interval counts) in most "
        f"splits: {sum(majority)} of {len(results)} ({np.mean(majority):.0%}).",
        "",
        "### Calibration: confidence (share of resamples) against agreement",
        "",
        *markdown_table(calibration(objectives, options), ("agree",)),
        "",
        "### Per dataset",
        "",
        *markdown_table(per_dataset),
        "",
        "### Training per dataset",
        "",
        *[dataset_markdown(result).replace("## ", "#### ", 1) for result in results],
    ]
    frames = {"objective_cells": objectives, "direction_cells": directions, "options": options}
    return "\n".join(lines), frames


def write_aggregate(results: list[VerifyResult], out: Path, command: str, docs_table: str | None) -> str:
    markdown, frames = aggregate_markdown(results, command)
    write_text(out / "aggregate.md", markdown)
    for name, frame in frames.items():
        write_csv(out / f"{name}.csv", frame)
    if docs_table:
        write_text(Path(docs_table), keep_findings(Path(docs_table), markdown))
    return markdown


FINDINGS_MARKER = "<!-- findings: written by hand, kept when the tables above are regenerated -->"


def keep_findings(path: Path, generated: str) -> str:
    """The generated tables, then the hand-written part of an existing file (after FINDINGS_MARKER)."""
    title = "# The diagnostic on real data: predict, then verify\n\n"
    if path.exists() and FINDINGS_MARKER in path.read_text():
        return title + generated + "\n" + FINDINGS_MARKER + path.read_text().split(FINDINGS_MARKER, 1)[1]
    return title + generated
