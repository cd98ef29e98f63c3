"""The paper-style diagnostics figure: per spectrum, sorted singular values as bars coloured signal /
nuisance, the per-component label R^2 on a twin axis, the nuisance floor, and Delta-hat in the title.
Every colour, line and shade has an entry in the panel's key; the title states the sample and resampling scale."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from alignpredict.diagnose.report import DiagnosticReport
from alignpredict.diagnose.spectra import SPECTRA, SPECTRUM_TITLES

SIGNAL_COLOUR = "#2e8b57"
NUISANCE_COLOUR = "#c0504d"
R2_COLOUR = "#1f6f8b"


def _delta_text(delta: float, interval: tuple[float, float] | None, truth: float | None = None) -> str:
    """Delta-hat, its interval and, where known, the true Delta; a truth outside the interval is flagged."""
    text = rf"$\hat\Delta$ = {delta:.3g}"
    if interval is not None:
        text += f" [{interval[0]:.3g}, {interval[1]:.3g}]"
    if truth is not None:
        inside = interval is None or interval[0] <= truth <= interval[1]
        text += rf", true $\Delta$ = {truth:.3g}" + ("" if inside else " (outside)")
    return text


def spectrum_key(r2_label: str = r"cross-validated label $R^2$") -> list:
    """Key entries for every colour, shade and line `draw_spectrum` uses (one key per figure, below the panels,
    so that it never hides a bar)."""
    return [
        Patch(color=SIGNAL_COLOUR, alpha=0.85, label="signal component (bar; light shade behind it)"),
        Patch(color=NUISANCE_COLOUR, alpha=0.85, label="nuisance component (bar; light shade behind it)"),
        Line2D([], [], ls="--", color="black", lw=1, label="nuisance floor (largest nuisance value)"),
        Line2D([], [], color=R2_COLOUR, marker="o", ms=3, lw=1.2, label=f"{r2_label} (right axis)"),
        Line2D([], [], color=R2_COLOUR, ls=":", lw=1, label=r"signal gate on $R^2$ (right axis)"),
    ]


def add_spectrum_key(figure: Figure, r2_label: str = r"cross-validated label $R^2$") -> None:
    figure.legend(handles=spectrum_key(r2_label), loc="outside lower center", ncol=3, fontsize=8, frameon=False)


def draw_spectrum(
    axis, split, title: str, max_components: int = 50, r2_label: str = r"cross-validated label $R^2$"
) -> None:
    """One spectrum on `axis`: signal/nuisance bars and shading, nuisance floor (its value in the title), label
    R^2 on a twin axis. The figure's key comes from `add_spectrum_key`."""
    shown = min(max_components, split.values.size)
    index = np.arange(1, shown + 1)
    signal = split.signal[:shown]
    colours = np.where(signal, SIGNAL_COLOUR, NUISANCE_COLOUR)
    for position, is_signal in zip(index, signal):
        axis.axvspan(
            position - 0.5, position + 0.5, color=SIGNAL_COLOUR if is_signal else NUISANCE_COLOUR, alpha=0.08, lw=0
        )
    axis.bar(index, split.values[:shown], color=colours, alpha=0.85, width=0.8)
    if np.isfinite(split.floor):
        axis.axhline(split.floor, ls="--", color="black", lw=1)
        title += f", floor {split.floor:.3g}"
    axis.set_xlabel("component (sorted by held-out singular value)")
    axis.set_ylabel("singular value")
    axis.set_xlim(0.5, shown + 0.5)
    axis.xaxis.set_major_locator(MaxNLocator(integer=True))
    twin = axis.twinx()
    twin.plot(index, split.r2[:shown], color=R2_COLOUR, marker="o", ms=3, lw=1.2)
    twin.axhline(max(split.threshold, 0.0), ls=":", color=R2_COLOUR, lw=1)
    twin.set_ylabel(r2_label, color=R2_COLOUR)
    axis.set_title(title, fontsize=10)


def diagnostics_figure(
    report: DiagnosticReport, max_components: int = 50, truth: dict[str, float] | None = None
) -> Figure:
    """One panel per spectrum (CCA, A x->y, A y->x), first `max_components` components shown; `truth`
    (delta_ca, delta_cp, delta_cp_reverse), when known, is printed beside each interval."""
    figure = Figure(figsize=(5.2 * len(SPECTRA), 4.7), layout="constrained")
    axes = figure.subplots(1, len(SPECTRA))
    interval_names = {"ca": "delta_ca", "cp_xy": "delta_cp", "cp_yx": "delta_cp_reverse"}
    for axis, name in zip(axes, SPECTRA):
        split = report.spectra[name]
        known = (truth or {}).get(interval_names[name])
        interval = report.intervals.get(interval_names[name])
        title = f"{SPECTRUM_TITLES[name]}: #signal {split.n_signal}\n{_delta_text(split.delta, interval, known)}"
        draw_spectrum(axis, split, title, max_components)
    add_spectrum_key(figure)
    figure.suptitle(
        f"Regime: {report.regime} (signal recovery: {report.recovery_advice})  |  recommendation: "
        f"{report.recommendation}\n{scale_text(report)}",
        fontsize=10,
    )
    return figure


def scale_text(report: DiagnosticReport) -> str:
    """What the figure was computed on: pairs, labelled rows, the subsamples behind the intervals."""
    text = f"n = {report.n_rows:,} pairs ({report.n_labelled:,} labelled)"
    resamples = report.resamples
    if resamples is None:
        return text + ", no intervals (n_resamples = 0)"
    level = float(report.settings.get("interval_level", 0.95))
    return (
        text + f"; {level:.0%} intervals and regime shares from {resamples.n_resamples} subsamples of "
        f"{resamples.subsample_rows:,} rows"
    )
