"""The astro phase diagnostic (spec 2.6): the data-driven diagnostic on each instrument's test-split features
(x = LAMOST, y = photometry, label = logg) and the paper's 2x2 figure (Kepler/TESS x CCA/A spectra)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from alignpredict.data.astro.features import load_feature_split
from alignpredict.diagnose.api import diagnose
from alignpredict.diagnose.figure import draw_spectrum
from alignpredict.diagnose.report import DiagnosticReport

PANELS = (("ca", "CCA spectrum", "delta_ca"), ("cp_xy", "A spectrum (LAMOST -> photometry)", "delta_cp"))


def diagnose_instrument(
    feature_dir: str | Path,
    photometry: str,
    split: str = "test",
    max_rows: int | None = None,
    seed: int = 0,
    **options: Any,
) -> DiagnosticReport:
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
            draw_spectrum(
                axis,
                report.spectra[name],
                f"{instrument.upper()}-like {title}\n#signal {report.spectra[name].n_signal}, "
                f"Delta-hat {getattr(report, delta_key):.2f}{_interval_text(report, delta_key)}",
                max_components,
                r2_label="logg R^2",
            )
    regimes = ", ".join(f"{name.upper()}-like {report.regime}" for name, report in reports.items())
    figure.suptitle(f"Astro phase diagnostics: {regimes}", fontsize=11)
    return figure
