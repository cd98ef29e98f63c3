"""The image-caption figure (docs/captions.md), read from a coco_style sweep's run folders (never trains).

* top-1 vs image style strength, one row per probe the runs report (ours, the authors'), one line per
  objective (mean and std over seeds), with the paper's COCO numbers as dotted reference lines in the same
  colours and the majority-class baseline in grey; the scale in the title;
* summary.csv: mean, std, n seeds and 95% interval per (probe, data, objective, style strength), next to
  the paper's number for that cell.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from alignpredict.evaluation.aggregate import load_runs, summarise  # noqa: E402
from alignpredict.objectives.base import Drawing  # noqa: E402
from alignpredict.plots.objectives import objective_drawings  # noqa: E402
from alignpredict.plots.run_facts import PROBE_LABELS, probe_columns  # noqa: E402
from alignpredict.plots.scale import sweep_scale  # noqa: E402
from alignpredict.utils.io import save_figure, write_csv  # noqa: E402

# The paper's COCO top-1 (%) by image style strength s (0 / 1 / 3 style groups), per objective name.
PAPER_TOP1: dict[str, dict[float, float]] = {
    "ca": {0.0: 47.09, 0.2: 48.24, 0.5: 46.03},
    "cp_rev": {0.0: 46.07, 0.2: 48.59, 0.5: 49.33},
    "cp": {0.0: 56.90, 0.2: 55.53, 0.5: 49.39},
}
SUMMARY_KEYS = ("data", "objective", "style_strength")


def summarise_style_sweep(runs: pd.DataFrame) -> pd.DataFrame:
    """Per (probe, data, objective, style strength): probe top-1 in % over seeds, plus the paper's COCO number."""
    blocks = []
    for probe in probe_columns(runs):
        block = summarise(runs.assign(top1=100.0 * runs[probe]), SUMMARY_KEYS, metric="top1")
        blocks.append(block.assign(probe=probe))
    summary = pd.concat(blocks, ignore_index=True)
    summary["paper_top1"] = [
        PAPER_TOP1.get(obj, {}).get(float(s)) for obj, s in zip(summary["objective"], summary["style_strength"])
    ]
    return summary


def legend_label(drawing: Drawing, row: pd.Series) -> str:
    """The objective's label, with its direction in the data's own modality names ("CP (I->T)")."""
    direction = str(row.get("direction", "none"))
    if direction == "none":
        return drawing.label
    source, target = direction.split("->")
    return f"{drawing.label} ({row[f'{source}_name']}->{row[f'{target}_name']})"


def plot_style_sweep(summary: pd.DataFrame, runs: pd.DataFrame, majority: dict[str, float]) -> Figure:
    """Top-1 vs style strength, one panel per dataset and probe; ours solid with std bars, the paper's dotted."""
    datasets = sorted(summary["data"].unique())
    probes = list(dict.fromkeys(summary["probe"]))
    drawings = objective_drawings(runs)
    first_run = runs.drop_duplicates("objective").set_index("objective")
    columns = [(dataset, probe) for dataset in datasets for probe in probes]  # one row of panels
    fig, axes = plt.subplots(1, len(columns), figsize=(4.6 * len(columns), 3.8), squeeze=False, sharey=True)
    panels = [(ax, dataset, probe) for ax, (dataset, probe) in zip(axes[0], columns)]
    for ax, dataset, probe in panels:
        rows = summary[(summary["data"] == dataset) & (summary["probe"] == probe)]
        for objective, drawing in drawings.items():
            label = legend_label(drawing, first_run.loc[objective])
            ours = rows[rows["objective"] == objective].sort_values("style_strength")
            if not ours.empty:
                ax.errorbar(
                    ours["style_strength"],
                    ours["mean"],
                    yerr=ours["std"].fillna(0.0),
                    color=drawing.color,
                    marker=drawing.marker,
                    capsize=3,
                    label=f"{label} (n={int(ours['n'].min())})",
                )
            paper = sorted(PAPER_TOP1.get(objective, {}).items())
            if paper:
                ax.plot(
                    [s for s, _ in paper],
                    [v for _, v in paper],
                    linestyle=":",
                    marker=drawing.marker,
                    color=drawing.color,
                    alpha=0.5,
                    markerfacecolor="none",
                    label=f"{label}, paper (COCO)",
                )
        if dataset in majority:
            ax.axhline(100.0 * majority[dataset], color="grey", linewidth=1, linestyle="--", label="majority class")
        ax.set_xticks(sorted(set(summary["style_strength"]) | {0.0, 0.2, 0.5}))
        ax.set_xlabel("image style strength s (0 / 1 / 3 style groups)")
        ax.set_ylabel("linear-probe top-1 (%)")
        ax.set_title(f"{dataset}: {PROBE_LABELS.get(probe, 'probe')}", fontsize=9)
        ax.grid(alpha=0.3)
    axes[0][-1].legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.02, 1.0))
    fig.suptitle(f"Image-caption pairs, ours (solid): mean ± std over seeds\n{sweep_scale(runs)}", fontsize=9)
    fig.tight_layout()
    return fig


def run(cfg: Any) -> dict[str, Path]:
    """scripts/plot_captions.py: the caption figure and summary of one sweep folder, their paths printed."""
    written = make_caption_figures(cfg.sweep_dir, cfg.out_dir, cfg.sweep_id)
    for name, path in written.items():
        print(f"{name}: {path}")
    return written


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
    fig = plot_style_sweep(summary, runs, majority)
    for suffix in ("png", "pdf"):
        written[f"top1_{suffix}"] = save_figure(fig, out / f"top1_vs_style.{suffix}", dpi=150, bbox_inches="tight")
    plt.close(fig)
    return written
