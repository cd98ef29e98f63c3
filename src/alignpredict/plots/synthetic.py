"""Figures of the synthetic-vision experiments, read from a sweep's run folders (never trains).

* accuracy vs nu_max: one panel per dataset, one colour per noise level, each objective in its own line
  style and marker (CA solid, CP dashed, ...: the objective's drawing), the supervised ceiling grey
  (averaged over noise levels), mean and 95% interval over seeds;
* the UMAP strip: each self-supervised objective x aligned (smallest jitter) / misaligned (largest jitter);
* summary.csv: the aggregated numbers behind the figure.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from alignpredict.evaluation.aggregate import load_runs, summarise  # noqa: E402
from alignpredict.plots.objectives import families, objective_drawings  # noqa: E402
from alignpredict.utils.io import save_figure, write_csv  # noqa: E402

OKABE_ITO = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7")
CLASS_CMAPS = ("Blues", "Greens", "Reds", "Purples", "Oranges", "Greys")
SUMMARY_KEYS = ("data", "objective", "nu_max", "noise")


def draw_embedding(
    ax: Axes, embedding: np.ndarray, labels: np.ndarray, pos_x: np.ndarray | None, title: str = ""
) -> None:
    """Scatter coloured by class (one colormap each), shaded by horizontal position when known."""
    if pos_x is None:
        shade = np.full(len(labels), 0.7)
    else:
        span = np.ptp(pos_x) or 1.0
        shade = 0.2 + 0.8 * (pos_x - pos_x.min()) / span
    for cls in np.unique(labels):
        mask = labels == cls
        cmap = plt.get_cmap(CLASS_CMAPS[int(cls) % len(CLASS_CMAPS)])
        ax.scatter(embedding[mask, 0], embedding[mask, 1], c=cmap(shade[mask]), s=3, linewidths=0, label=f"class {cls}")
    ax.set_title(title, fontsize=9)
    ax.set_xticks([])
    ax.set_yticks([])


def _band(ax: Axes, rows: pd.DataFrame, colour: str, style: str, marker: str, label: str) -> None:
    rows = rows.sort_values("nu_max")
    ax.plot(rows["nu_max"], rows["mean"], linestyle=style, marker=marker, color=colour, label=label, markersize=4)
    if rows["ci_low"].notna().any():
        ax.fill_between(rows["nu_max"], rows["ci_low"], rows["ci_high"], color=colour, alpha=0.15, linewidth=0)


def plot_accuracy_vs_nu(runs: pd.DataFrame) -> Figure:
    """Probe accuracy vs nu_max per dataset: each objective per noise level, the supervised ceiling."""
    datasets = sorted(runs["data"].unique())
    drawings, family = objective_drawings(runs), families(runs)
    fig, axes = plt.subplots(1, len(datasets), figsize=(4.5 * len(datasets), 3.6), squeeze=False, sharey=True)
    noises = sorted(runs["noise"].unique())
    for ax, dataset in zip(axes[0], datasets):
        subset = runs[runs["data"] == dataset]
        table = summarise(subset, by=SUMMARY_KEYS)
        for noise, colour in zip(noises, OKABE_ITO):
            for objective, drawing in drawings.items():
                rows = table[(table["objective"] == objective) & (table["noise"] == noise)]
                if len(rows) and family[objective] != "supervised":
                    label = f"{drawing.label}, noise {noise:g}"
                    _band(ax, rows, colour, drawing.linestyle, drawing.marker, label)
        for objective, drawing in drawings.items():
            ceiling = subset[subset["objective"] == objective]
            if len(ceiling) and family[objective] == "supervised":
                label = f"{drawing.label} (mean over noise)"
                _band(ax, summarise(ceiling, by=("nu_max",)), "0.4", drawing.linestyle, drawing.marker, label)
        if "num_classes" in subset:
            ax.axhline(1.0 / subset["num_classes"].iloc[0], color="0.75", linewidth=0.8, label="chance")
        ax.set_title(dataset)
        ax.set_xlabel(r"$\nu_{max}$ (= 1 - jitter)")
        ax.set_ylim(0.2, 1.02)
        ax.grid(alpha=0.3)
    axes[0][0].set_ylabel("probe top-1 (probe_test)")
    axes[0][-1].legend(fontsize=7, loc="lower left", bbox_to_anchor=(1.02, 0.0))
    fig.tight_layout()
    return fig


def umap_panels(runs: pd.DataFrame, noise: float) -> list[tuple[str, Path]]:
    """(title, embedding.npz) for CA/CP x aligned/misaligned at the noise level nearest `noise`, first seed and
    dataset."""
    with_embedding = runs[[Path(d, "embedding.npz").is_file() for d in runs["run_dir"]]]
    if with_embedding.empty:
        return []
    drawings, family = objective_drawings(with_embedding), families(with_embedding)
    chosen = with_embedding[with_embedding["data"] == sorted(with_embedding["data"].unique())[0]]
    nearest = chosen["noise"].iloc[int(np.argmin(np.abs(chosen["noise"].to_numpy() - noise)))]
    chosen = chosen[chosen["noise"] == nearest]
    chosen = chosen[chosen["seed"] == chosen["seed"].min()]
    panels = []
    for objective, drawing in drawings.items():
        if family[objective] == "supervised":
            continue
        for jitter, regime in ((chosen["jitter"].min(), "aligned"), (chosen["jitter"].max(), "misaligned")):
            row = chosen[(chosen["objective"] == objective) & (chosen["jitter"] == jitter)]
            if len(row):
                title = f"{drawing.label}, {regime} (jitter {jitter:g}, noise {nearest:g})"
                panels.append((title, Path(row["run_dir"].iloc[0], "embedding.npz")))
    return panels


def plot_umap_strip(panels: Sequence[tuple[str, Path]]) -> Figure:
    """One row of saved UMAP embeddings, drawn in the same style as each run's own PNG."""
    fig, axes = plt.subplots(1, len(panels), figsize=(3.2 * len(panels), 3.4), squeeze=False)
    for ax, (title, path) in zip(axes[0], panels):
        with np.load(path) as saved:
            pos_x = saved["pos_x"] if "pos_x" in saved else None
            draw_embedding(ax, saved["embedding"], saved["labels"], pos_x, title=title)
    fig.tight_layout()
    return fig


def run(cfg: Any) -> dict[str, Path]:
    """scripts/plot.py: the figures and summary of one sweep folder, their paths printed."""
    written = make_synthetic_figures(cfg.sweep_dir, cfg.out_dir, cfg.sweep_id, cfg.umap_noise)
    for name, path in written.items():
        print(f"{name}: {path}")
    return written


def make_synthetic_figures(
    sweep_dir: str | Path, out_dir: str | Path, sweep_id: str | None = None, umap_noise: float = 0.5
) -> dict[str, Path]:
    """Write summary.csv, accuracy_vs_nu.png (+ pdf) and, when embeddings exist, umap_strip.png; return their paths."""
    runs = load_runs(sweep_dir, sweep_id)
    out = Path(out_dir)
    written: dict[str, Path] = {}
    summary = summarise(runs, by=SUMMARY_KEYS)
    write_csv(out / "summary.csv", summary, float_format="%.6g")
    written["summary"] = out / "summary.csv"
    fig = plot_accuracy_vs_nu(runs)
    for suffix in ("png", "pdf"):
        written[f"accuracy_{suffix}"] = save_figure(fig, out / f"accuracy_vs_nu.{suffix}", dpi=150, bbox_inches="tight")
    plt.close(fig)
    panels = umap_panels(runs, umap_noise)
    if panels:
        fig = plot_umap_strip(panels)
        written["umap_strip"] = save_figure(fig, out / "umap_strip.png", dpi=150, bbox_inches="tight")
        plt.close(fig)
    return written
