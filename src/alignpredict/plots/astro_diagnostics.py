"""The astro phase diagnostic (docs/protocols/astro.md, "Phase diagnostic"): the data-driven diagnostic on each
instrument's test-split features (x = LAMOST, y = photometry, label = logg) and the paper's 2x2 figure
(Kepler/TESS x CCA/A spectra)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from alignpredict.data.astro.features import load_feature_split
from alignpredict.diagnose.api import diagnose
from alignpredict.diagnose.figure import add_spectrum_key, draw_spectrum
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


INSTRUMENT_NAMES = {"kepler": "Kepler", "tess": "TESS"}
FACTS_KEY = "alignpredict:astro_diagnostics"  # PNG text chunk holding the numbers the figure shows (JSON)


def _interval_text(report: DiagnosticReport, key: str) -> str:
    interval = report.intervals.get(key)
    return "" if interval is None else f" [{interval[0]:.2f}, {interval[1]:.2f}]"


def instrument_name(instrument: str) -> str:
    return INSTRUMENT_NAMES.get(instrument, instrument)


def regime_shares(fractions: Mapping[str, float], smallest: float = 0.005) -> str:
    """'Both 58 %, CA only 42 %': the regimes of the subsamples, most frequent first (shares under 0.5 % left out)."""
    ranked = sorted(fractions.items(), key=lambda item: -item[1])
    return ", ".join(f"{regime} {share:.0%}".replace("%", " %") for regime, share in ranked if share >= smallest)


def instrument_line(instrument: str, facts: Mapping[str, Any]) -> str:
    """One instrument's verdict as the figure and the README caption state it: the full-sample regime, then how
    the subsamples split, with the scale (pairs, subsamples)."""
    line = f"{instrument_name(instrument)}-like ({facts['n_rows']:,} test pairs): {facts['regime']} on the full sample"
    if facts.get("n_resamples"):
        line += (
            f"; in {facts['n_resamples']} subsamples of {facts['subsample_rows']:,}: "
            f"{regime_shares(facts['regime_fractions'])}"
        )
    return line


def _number(value: float | str | None) -> str:
    """Two decimals; JSON round trips store inf as "inf" and NaN as None."""
    return "n/a" if value is None else f"{float(value):.2f}"


def _delta(value: float | str | None, interval: Sequence[float | str | None] | None) -> str:
    shown = _number(value)
    return shown if interval is None else f"{shown} [{_number(interval[0])}, {_number(interval[1])}]"


def caption_text(facts: Mapping[str, Mapping[str, Any]]) -> str:
    """The numbers of the README caption (and of astro_diagnostics_caption.md), built from the facts the figure
    was drawn from; a test checks that the README quotes exactly this for the published figure."""
    parts = []
    for instrument, fact in facts.items():
        intervals = fact.get("intervals", {})
        parts.append(
            f"{instrument_line(instrument, fact)} "
            f"(Δ̂_CA {_delta(fact['delta_ca'], intervals.get('delta_ca'))}, "
            f"Δ̂_CP {_delta(fact['delta_cp'], intervals.get('delta_cp'))})."
        )
    return " ".join(parts)


def astro_diagnostics_figure(reports: Mapping[str, DiagnosticReport], max_components: int = 50) -> Figure:
    """Rows: instruments; columns: CCA and A spectra. Bars = singular values (signal green, nuisance red),
    dashed line = nuisance floor, blue dots = per-component cross-validated logg R^2, all in the key below the
    panels. The title gives each
    instrument's full-sample regime next to how its subsamples split, so the figure reads alone."""
    figure = Figure(figsize=(11, 3.6 * len(reports) + 1.0), layout="constrained")
    axes = np.atleast_2d(figure.subplots(len(reports), len(PANELS), squeeze=False))
    for row, (instrument, report) in zip(axes, reports.items()):
        for axis, (name, title, delta_key) in zip(row, PANELS):
            subscript = "CA" if delta_key == "delta_ca" else "CP"
            draw_spectrum(
                axis,
                report.spectra[name],
                f"{instrument_name(instrument)}-like {title}\n#signal {report.spectra[name].n_signal}, "
                rf"$\hat\Delta_{{{subscript}}}$ = {getattr(report, delta_key):.2f}{_interval_text(report, delta_key)}",
                max_components,
                r2_label=r"$\log g$ $R^2$",
            )
    add_spectrum_key(figure, r2_label=r"$\log g$ $R^2$")
    lines = [instrument_line(name, report_facts(report)) for name, report in reports.items()]
    figure.suptitle(
        "Astro phase diagnostics (test split; x = LAMOST, y = photometry)\n" + "\n".join(lines), fontsize=10
    )
    return figure


def report_facts(report: DiagnosticReport) -> dict[str, Any]:
    """The numbers of one instrument's diagnostic that the figure, astro_diagnostics.json and the caption share."""
    resamples = report.resamples
    return {
        "n_rows": report.n_rows,
        "regime": report.regime,
        "delta_ca": report.delta_ca,
        "delta_cp": report.delta_cp,
        "delta_cp_reverse": report.delta_cp_reverse,
        "intervals": {key: list(value) for key, value in report.intervals.items()},
        "regime_fractions": report.regime_fractions,
        "n_resamples": 0 if resamples is None else resamples.n_resamples,
        "subsample_rows": 0 if resamples is None else resamples.subsample_rows,
        "n_signal_ca": report.spectra["ca"].n_signal,
        "n_signal_cp": report.spectra["cp_xy"].n_signal,
        "floor_ca": report.spectra["ca"].floor,
        "floor_cp": report.spectra["cp_xy"].floor,
    }
