"""The image-caption figure (spec 1.4-1.5), read from a coco_style sweep's run folders (never trains).

* top-1 vs image style strength, one line per objective (mean and std over seeds), with the paper's
  COCO numbers as dotted reference lines in the same colours and the majority-class baseline in grey;
* summary.csv: mean, std, n seeds and 95% interval per (data, objective, style strength), next to
  the paper's number for that cell.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from alignpredict.evaluation.aggregate import load_runs, summarise  # noqa: E402
from alignpredict.utils.io import save_figure, write_csv  # noqa: E402

# Paper's COCO Top-1 (%) by image style strength s (0 / 1 / 3 style groups), spec 1.5.
PAPER_TOP1: dict[str, dict[float, float]] = {
    "ca": {0.0: 47.09, 0.2: 48.24, 0.5: 46.03},
    "cp_rev": {0.0: 46.07, 0.2: 48.59, 0.5: 49.33},
    "cp": {0.0: 56.90, 0.2: 55.53, 0.5: 49.39},
}
OBJECTIVE_STYLE = {
    "ca": ("#0072B2", "o", "CA"),
    "cp_rev": ("#009E73", "^", "CP T->I"),
    "cp": ("#D55E00", "s", "CP I->T"),
}
SUMMARY_KEYS = ("data", "objective", "style_strength")


def summarise_style_sweep(runs: pd.DataFrame) -> pd.DataFrame:
    """Per (data, objective, style strength): probe top-1 in % over seeds, plus the paper's COCO number."""
    unknown = sorted(set(runs["objective"]) - set(OBJECTIVE_STYLE)) if "objective" in runs else []
    if unknown:
        raise ValueError(
            f"the caption figure knows objectives {sorted(OBJECTIVE_STYLE)}, got {unknown}; is this a coco_style sweep?"
        )
    runs = runs.assign(top1=100.0 * runs["probe_acc"])
    summary = summarise(runs, SUMMARY_KEYS, metric="top1")
    summary["paper_top1"] = [
        PAPER_TOP1[obj].get(float(s)) for obj, s in zip(summary["objective"], summary["style_strength"])
    ]
    return summary


def plot_style_sweep(summary: pd.DataFrame, majority: dict[str, float]) -> Figure:
    """Top-1 vs style strength, one panel per dataset; ours solid with std bars, the paper's dotted."""
    datasets = sorted(summary["data"].unique())
    fig, axes = plt.subplots(1, len(datasets), figsize=(4.8 * len(datasets), 3.8), squeeze=False)
    for ax, dataset in zip(axes[0], datasets):
        rows = summary[summary["data"] == dataset]
        for objective, (colour, marker, label) in OBJECTIVE_STYLE.items():
            ours = rows[rows["objective"] == objective].sort_values("style_strength")
            if not ours.empty:
                ax.errorbar(
                    ours["style_strength"],
                    ours["mean"],
                    yerr=ours["std"].fillna(0.0),
                    color=colour,
                    marker=marker,
                    capsize=3,
                    label=f"{label} (n={int(ours['n'].min())})",
                )
            paper = sorted(PAPER_TOP1[objective].items())
            ax.plot(
                [s for s, _ in paper],
                [v for _, v in paper],
                linestyle=":",
                marker=marker,
                color=colour,
                alpha=0.5,
                markerfacecolor="none",
                label=f"{label}, paper (COCO)",
            )
        if dataset in majority:
            ax.axhline(100.0 * majority[dataset], color="grey", linewidth=1, linestyle="--", label="majority class")
        ax.set_xticks(sorted(set(summary["style_strength"]) | {0.0, 0.2, 0.5}))
        ax.set_xlabel("image style strength s (0 / 1 / 3 style groups)")
        ax.set_ylabel("linear-probe top-1 (%)")
        ax.set_title(f"image-caption pairs: {dataset}", fontsize=10)
        ax.grid(alpha=0.3)
    axes[0][-1].legend(fontsize=7, loc="center left", bbox_to_anchor=(1.02, 0.5))
    fig.tight_layout()
    return fig


def make_caption_figures(sweep_dir: str | Path, out_dir: str | Path, sweep_id: str | None = None) -> dict[str, Path]:
    """Read a coco_style sweep and write summary.csv and top1_vs_style.{png,pdf} into `out_dir`."""
    runs = load_runs(sweep_dir, sweep_id)
    missing = [key for key in (*SUMMARY_KEYS, "probe_acc", "majority_baseline") if key not in runs]
    if missing:
        raise ValueError(f"runs under {sweep_dir} lack {missing}; were they trained on caption data (data=captions)?")
    summary = summarise_style_sweep(runs)
    majority = runs.groupby("data")["majority_baseline"].mean().to_dict()
    out = Path(out_dir)
    written: dict[str, Path] = {}
    write_csv(out / "summary.csv", summary, float_format="%.6g")
    written["summary"] = out / "summary.csv"
    fig = plot_style_sweep(summary, majority)
    for suffix in ("png", "pdf"):
        written[f"top1_{suffix}"] = save_figure(fig, out / f"top1_vs_style.{suffix}", dpi=150, bbox_inches="tight")
    plt.close(fig)
    return written
