"""The astro phase diagnostic (spec 2.6): the data-driven diagnostic on each instrument's test-split features
(x = LAMOST, y = photometry, label = logg) and the paper's 2x2 figure (Kepler/TESS x CCA/A spectra)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

import numpy as np
from matplotlib.figure import Figure

from alignpredict.data.astro.features import load_feature_split
from alignpredict.diagnose.api import diagnose
from alignpredict.diagnose.report import DiagnosticReport

PANELS = (("ca", "CCA spectrum", "delta_ca"), ("cp_xy", "A spectrum (LAMOST -> photometry)", "delta_cp"))
SIGNAL_COLOUR = "#2e8b57"
NUISANCE_COLOUR = "#c0504d"
R2_COLOUR = "#1f6f8b"


def diagnose_instrument(feature_dir: str | Path, photometry: str, split: str = "test",
                        max_rows: int | None = None, seed: int = 0, **options: Any) -> DiagnosticReport:
    """Diagnose one cache's split: LAMOST features as x, the instrument's as y, logg as the shared label.

    `max_rows` keeps a seeded random subset (the paper's TESS diagnostic had only 153 stars)."""
    data = load_feature_split(feature_dir, split, ("lamost", photometry), required_labels=("logg",))
    rows = np.arange(len(data))
    if max_rows is not None and max_rows < rows.size:
        rows = np.sort(np.random.default_rng(seed).choice(rows, size=max_rows, replace=False))
    logg = data.meta["logg"].to_numpy(dtype=float)[rows]
    return diagnose(data.features["lamost"][rows], data.features[photometry][rows], logg, seed=seed, **options)


def _interval_text(report: DiagnosticReport, key: str) -> str:
    interval = report.intervals.get(key)
    return "" if interval is None else f" [{interval[0]:.2f}, {interval[1]:.2f}]"


def astro_diagnostics_figure(reports: Mapping[str, DiagnosticReport], max_components: int = 50) -> Figure:
    """Rows: instruments; columns: CCA and A spectra. Bars = singular values (signal green, nuisance red),
    dashed line = nuisance floor, blue dots = per-component cross-validated logg R^2."""
    figure = Figure(figsize=(11, 3.6 * len(reports)), layout="constrained")
    axes = np.atleast_2d(figure.subplots(len(reports), len(PANELS), squeeze=False))
    for row, (instrument, report) in zip(axes, reports.items()):
        for axis, (name, title, delta_key) in zip(row, PANELS):
            split = report.spectra[name]
            shown = min(max_components, split.values.size)
            index = np.arange(1, shown + 1)
            axis.bar(index, split.values[:shown], width=0.8,
                     color=np.where(split.signal[:shown], SIGNAL_COLOUR, NUISANCE_COLOUR))
            if np.isfinite(split.floor):
                axis.axhline(split.floor, ls="--", color="black", lw=1, label=f"nuisance floor {split.floor:.2f}")
                axis.legend(fontsize=8, loc="upper right")
            axis.set_xlim(0.5, shown + 0.5)
            axis.set_ylabel("singular value")
            axis.set_xlabel("component")
            twin = axis.twinx()
            twin.plot(index, split.r2[:shown], "o", color=R2_COLOUR, ms=3)
            twin.set_ylabel("logg R^2", color=R2_COLOUR)
            axis.set_title(f"{instrument.upper()}-like {title}: #signal {split.n_signal}, "
                           f"Delta-hat {getattr(report, delta_key):.2f}{_interval_text(report, delta_key)}", fontsize=9)
    regimes = ", ".join(f"{name.upper()}-like {report.regime}" for name, report in reports.items())
    figure.suptitle(f"Astro phase diagnostics: {regimes}", fontsize=11)
    return figure
