"""Figures of the synthetic-vision experiments, read from a sweep's run folders (never trains).

* accuracy vs nu_max: one column per dataset and one row per probe the runs report (ours: converged
  logistic; the authors' 50-step probe), one colour per noise level, each objective in its own line style
  and marker (CA solid, CP dashed, ...: the objective's drawing), the supervised ceiling grey (averaged
  over noise levels), mean and 95% interval over seeds (clipped to [0, 1]); the scale in the title;
* the probe curve (runs with probe.curve_every): accuracy vs epoch per objective and jitter;
* the UMAP strip: each self-supervised objective x aligned (smallest jitter) / misaligned (largest jitter),
  with a key for colour (shape class) and shade (horizontal position);
* summary.csv: the aggregated numbers behind the figures (one block per probe); table.md: the same as a
  markdown table next to the paper's numbers; probe_curves.csv: every run's probe_curve.csv rows.
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

from alignpredict.evaluation.aggregate import CURVE_FILE, load_runs, summarise  # noqa: E402
from alignpredict.evaluation.stereo_table import stereo_table  # noqa: E402
from alignpredict.plots.embedding import add_embedding_key, draw_embedding  # noqa: E402
from alignpredict.plots.objectives import families, objective_drawings  # noqa: E402
from alignpredict.plots.run_facts import PROBE_LABELS, probe_columns  # noqa: E402
from alignpredict.plots.scale import sweep_scale  # noqa: E402
from alignpredict.utils.io import save_figure, write_csv, write_text  # noqa: E402

OKABE_ITO = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7")
SUMMARY_KEYS = ("data", "objective", "nu_max", "noise")


def _band(
    ax: Axes, rows: pd.DataFrame, colour: str, style: str, marker: str, label: str, along: str = "nu_max"
) -> None:
    rows = rows.sort_values(along)
    x = rows[along]
    ax.plot(x, rows["mean"], linestyle=style, marker=marker, color=colour, label=label, markersize=4)
    if rows["ci_low"].notna().any():  # an accuracy interval never leaves [0, 1]
        low, high = rows["ci_low"].clip(0.0, 1.0), rows["ci_high"].clip(0.0, 1.0)
        ax.fill_between(x, low, high, color=colour, alpha=0.15, linewidth=0)


def plot_accuracy_vs_nu(runs: pd.DataFrame) -> Figure:
    """Probe accuracy vs nu_max per dataset (columns) and probe (rows): each objective per noise level, the
    supervised ceiling, chance; the scale in the title."""
    datasets = sorted(runs["data"].unique())
    probes = probe_columns(runs)
    drawings, family = objective_drawings(runs), families(runs)
    fig, axes = plt.subplots(
        len(probes), len(datasets), figsize=(4.5 * len(datasets), 3.4 * len(probes)), squeeze=False, sharey=True
    )
    noises = sorted(runs["noise"].unique())
    for row, probe in enumerate(probes):
        for ax, dataset in zip(axes[row], datasets):
            subset = runs[runs["data"] == dataset]
            table = summarise(subset, by=SUMMARY_KEYS, metric=probe)
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
                    block = summarise(ceiling, by=("nu_max",), metric=probe)
                    _band(ax, block, "0.4", drawing.linestyle, drawing.marker, label)
            if "num_classes" in subset:
                ax.axhline(1.0 / subset["num_classes"].iloc[0], color="0.75", linewidth=0.8, label="chance")
            ax.set_title(f"{dataset}: {PROBE_LABELS.get(probe, 'probe')}", fontsize=9)
            ax.set_xlabel(r"$\nu_{max}$ (= 1 - jitter)")
            ax.set_ylim(0.2, 1.02)
            ax.grid(alpha=0.3)
        axes[row][0].set_ylabel("probe top-1 (probe_test)")
    axes[0][-1].legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.02, 1.0))
    fig.suptitle(f"Stereo images: mean and 95% interval over seeds\n{sweep_scale(runs)}", fontsize=9)
    fig.tight_layout()
    return fig


def load_curves(runs: pd.DataFrame) -> pd.DataFrame:
    """The runs' probe_curve.csv rows, each with its run's data, objective, jitter, noise and seed."""
    frames = []
    for _, run in runs.iterrows():
        path = Path(run["run_dir"], CURVE_FILE)
        if path.is_file():
            frame = pd.read_csv(path)
            for key in ("data", "objective", "jitter", "noise", "seed"):
                frame[key] = run[key]
            frames.append(frame)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def plot_probe_curves(runs: pd.DataFrame, curves: pd.DataFrame) -> Figure:
    """Probe accuracy vs epoch: one column per dataset, one row per probe; colour = jitter, line = objective;
    mean and 95% interval over seeds."""
    datasets = sorted(curves["data"].unique())
    probes = [probe for probe in PROBE_LABELS if probe in curves] or ["probe_acc"]
    drawings, family = objective_drawings(runs), families(runs)
    jitters = sorted(curves["jitter"].unique())
    fig, axes = plt.subplots(
        len(probes), len(datasets), figsize=(4.5 * len(datasets), 3.2 * len(probes)), squeeze=False, sharey=True
    )
    for row, probe in enumerate(probes):
        for ax, dataset in zip(axes[row], datasets):
            subset = curves[curves["data"] == dataset]
            table = summarise(subset, by=("epoch", "objective", "jitter"), metric=probe)
            for jitter, colour in zip(jitters, OKABE_ITO):
                for objective, drawing in drawings.items():
                    rows = table[(table["objective"] == objective) & (table["jitter"] == jitter)]
                    if len(rows) and family[objective] != "supervised":
                        label = f"{drawing.label}, jitter {jitter:g}"
                        _band(ax, rows, colour, drawing.linestyle, "", label, along="epoch")
            ax.set_title(f"{dataset}: {PROBE_LABELS.get(probe, 'probe')}", fontsize=9)
            ax.set_xlabel("epochs trained")
            ax.set_ylim(0.2, 1.02)
            ax.grid(alpha=0.3)
        axes[row][0].set_ylabel("probe top-1 (probe_test)")
    axes[0][-1].legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.02, 1.0))
    seeds = curves["seed"].nunique()
    fig.suptitle(f"Probe accuracy vs training length (mean and 95% interval over {seeds} seeds)", fontsize=10)
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


def plot_umap_strip(panels: Sequence[tuple[str, Path]], scale: str = "") -> Figure:
    """One row of saved UMAP embeddings, drawn in the same style as each run's own PNG, with one key below."""
    fig, axes = plt.subplots(1, len(panels), figsize=(3.2 * len(panels), 4.4), squeeze=False)
    classes: set[int] = set()
    shaded, names = False, None
    for ax, (title, path) in zip(axes[0], panels):
        with np.load(path) as saved:
            pos_x = saved["pos_x"] if "pos_x" in saved else None
            names = [str(n) for n in saved["class_names"]] if "class_names" in saved else names
            draw_embedding(ax, saved["embedding"], saved["labels"], pos_x, title=title, class_names=names)
            classes |= {int(c) for c in np.unique(saved["labels"])}
            shaded |= pos_x is not None
    if scale:
        fig.suptitle(f"UMAP of probe_test features\n{scale}", fontsize=9)
    fig.tight_layout(rect=(0, 0.2, 1, 1))
    add_embedding_key(fig, sorted(classes), shaded, names)
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
    """Write summary.csv, table.md, accuracy_vs_nu.png (+ pdf), probe_curve.png (+ probe_curves.csv) when runs
    probed per epoch and, when embeddings exist, umap_strip.png; return their paths."""
    runs = load_runs(sweep_dir, sweep_id)
    out = Path(out_dir)
    written: dict[str, Path] = {}
    blocks = [summarise(runs, by=SUMMARY_KEYS, metric=probe) for probe in probe_columns(runs)]
    summary = pd.concat(blocks, ignore_index=True)
    write_csv(out / "summary.csv", summary, float_format="%.6g")
    written["summary"] = out / "summary.csv"
    written["table"] = write_text(out / "table.md", f"Scale: {sweep_scale(runs)}\n\n{stereo_table(summary)}")
    fig = plot_accuracy_vs_nu(runs)
    for suffix in ("png", "pdf"):
        written[f"accuracy_{suffix}"] = save_figure(fig, out / f"accuracy_vs_nu.{suffix}", dpi=150, bbox_inches="tight")
    plt.close(fig)
    curves = load_curves(runs)
    if not curves.empty:
        write_csv(out / "probe_curves.csv", curves, float_format="%.6g")
        fig = plot_probe_curves(runs, curves)
        written["probe_curve"] = save_figure(fig, out / "probe_curve.png", dpi=150, bbox_inches="tight")
        plt.close(fig)
    panels = umap_panels(runs, umap_noise)
    if panels:
        fig = plot_umap_strip(panels, sweep_scale(runs[runs["seed"] == runs["seed"].min()]))
        written["umap_strip"] = save_figure(fig, out / "umap_strip.png", dpi=150, bbox_inches="tight")
        plt.close(fig)
    return written
