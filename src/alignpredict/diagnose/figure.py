"""The paper-style diagnostics figure: per spectrum, sorted singular values as bars coloured signal /
nuisance, the per-component label R^2 on a twin axis, the nuisance floor, and Delta-hat in the title."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
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


def draw_spectrum(
    axis, split, title: str, max_components: int = 50, r2_label: str = r"cross-validated label $R^2$"
) -> None:
    """One spectrum on `axis`: signal/nuisance bars and shading, nuisance floor, label R^2 on a twin axis."""
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
        axis.axhline(split.floor, ls="--", color="black", lw=1, label=f"nuisance floor {split.floor:.3g}")
    axis.set_xlabel("component (sorted by held-out singular value)")
    axis.set_ylabel("singular value")
    axis.set_xlim(0.5, shown + 0.5)
    axis.xaxis.set_major_locator(MaxNLocator(integer=True))
    twin = axis.twinx()
    twin.plot(index, split.r2[:shown], color=R2_COLOUR, marker="o", ms=3, lw=1.2)
    twin.axhline(max(split.threshold, 0.0), ls=":", color=R2_COLOUR, lw=1)
    twin.set_ylabel(r2_label, color=R2_COLOUR)
    axis.set_title(title, fontsize=10)
    axis.legend(
        handles=[
            Patch(color=SIGNAL_COLOUR, label="signal"),
            Patch(color=NUISANCE_COLOUR, label="nuisance"),
            *axis.get_legend_handles_labels()[0],
        ],
        fontsize=8,
        loc="upper right",
    )


def diagnostics_figure(
    report: DiagnosticReport, max_components: int = 50, truth: dict[str, float] | None = None
) -> Figure:
    """One panel per spectrum (CCA, A x->y, A y->x), first `max_components` components shown; `truth`
    (delta_ca, delta_cp, delta_cp_reverse), when known, is printed beside each interval."""
    figure = Figure(figsize=(5.2 * len(SPECTRA), 4.2), layout="constrained")
    axes = figure.subplots(1, len(SPECTRA))
    interval_names = {"ca": "delta_ca", "cp_xy": "delta_cp", "cp_yx": "delta_cp_reverse"}
    for axis, name in zip(axes, SPECTRA):
        split = report.spectra[name]
        known = (truth or {}).get(interval_names[name])
        interval = report.intervals.get(interval_names[name])
        title = f"{SPECTRUM_TITLES[name]}: #signal {split.n_signal}\n{_delta_text(split.delta, interval, known)}"
        draw_spectrum(axis, split, title, max_components)
    figure.suptitle(
        f"Regime: {report.regime} (signal recovery: {report.recovery_advice})  |  recommendation: "
        f"{report.recommendation}",
        fontsize=10,
    )
    return figure
