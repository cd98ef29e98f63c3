"""Subsample (without replacement) intervals for the Delta-hats and the share of subsamples in each regime.

Without replacement because duplicated rows inflate canonical correlations and leak across CV folds.
Each subsample keeps the same share of labelled and of unlabelled rows, so every one has labels. The
intervals describe a sample of the subsample size, so they are wider (more cautious) than the full
sample's own uncertainty."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from alignpredict.diagnose.estimate import estimate_spectra
from alignpredict.diagnose.recommend import X_TO_Y, Y_TO_X, choose_direction
from alignpredict.diagnose.settings import DiagnoseSettings
from alignpredict.theory.regimes import REGIMES, classify_regime

NO_DIRECTION = "none"
DELTA_NAMES: dict[str, str] = {"ca": "delta_ca", "cp_xy": "delta_cp", "cp_yx": "delta_cp_reverse"}


@dataclass(frozen=True)
class ResampleSummary:
    """Percentile intervals per Delta-hat, and the fraction of subsamples per regime and per CP direction."""

    n_resamples: int
    subsample_rows: int
    deltas: dict[str, np.ndarray]  # per Delta name, the value in each subsample
    intervals: dict[str, tuple[float, float]]
    regime_fractions: dict[str, float]
    direction_fractions: dict[str, float]

    def to_dict(self) -> dict:
        return {
            "n_resamples": self.n_resamples,
            "subsample_rows": self.subsample_rows,
            "intervals": {name: list(bounds) for name, bounds in self.intervals.items()},
            "regime_fractions": self.regime_fractions,
            "direction_fractions": self.direction_fractions,
        }


def _subsample(
    n_rows: int, label_rows: np.ndarray, fraction: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """(row indices, positions of the kept labelled rows among them and in label_rows order)."""
    unlabelled = np.setdiff1d(np.arange(n_rows), label_rows, assume_unique=True)
    keep_labels = np.sort(rng.choice(label_rows.size, int(round(fraction * label_rows.size)), replace=False))
    keep_rest = rng.choice(unlabelled, int(round(fraction * unlabelled.size)), replace=False)
    return np.concatenate([label_rows[keep_labels], keep_rest]), keep_labels


def _percentile_interval(values: np.ndarray, level: float) -> tuple[float, float]:
    """Central interval; an order-statistic quantile so infinite Delta-hats (no nuisance) give inf, not NaN."""
    tail = (1.0 - level) / 2.0
    low, high = np.quantile(values, [tail, 1.0 - tail], method="inverted_cdf")
    return float(low), float(high)


def resample_deltas(
    x: np.ndarray,
    y: np.ndarray,
    label_rows: np.ndarray,
    targets: np.ndarray,
    settings: DiagnoseSettings,
    rng: np.random.Generator,
) -> ResampleSummary:
    """Rerun the estimate on n_resamples (>= 1) subsamples (the PCA of the full sample is reused)."""
    deltas = {name: np.empty(settings.n_resamples) for name in DELTA_NAMES.values()}
    regimes, directions = [], []
    rows = 0
    for index in range(settings.n_resamples):
        subset, kept = _subsample(x.shape[0], label_rows, settings.resample_fraction, rng)
        rows = subset.size
        splits = estimate_spectra(x[subset], y[subset], np.arange(kept.size), targets[kept], settings, rng)
        for spectrum, name in DELTA_NAMES.items():
            deltas[name][index] = splits[spectrum].delta
        regimes.append(classify_regime(deltas["delta_ca"][index], deltas["delta_cp"][index]))
        direction = choose_direction(deltas["delta_cp"][index], deltas["delta_cp_reverse"][index])
        directions.append(direction or NO_DIRECTION)
    count = settings.n_resamples
    return ResampleSummary(
        n_resamples=settings.n_resamples,
        subsample_rows=rows,
        deltas=deltas,
        intervals={name: _percentile_interval(values, settings.interval_level) for name, values in deltas.items()},
        regime_fractions={regime: regimes.count(regime) / count for regime in REGIMES},
        direction_fractions={d: directions.count(d) / count for d in (X_TO_Y, Y_TO_X, NO_DIRECTION)},
    )
