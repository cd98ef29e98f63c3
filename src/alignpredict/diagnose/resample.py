"""Intervals for the full-sample Delta-hats, and the share of resamples in each regime, from subsamples.

Subsamples are drawn without replacement (duplicated rows would inflate canonical correlations and leak
across CV folds), each keeping the same share f = m / n of labelled and of unlabelled rows. Two facts turn
their Delta-hats T_m into statements about the full-sample estimator T_n and the truth:

- Spread: for a smooth estimator, subsampling without replacement gives Var(T_m - T_n | data) ~
  (1/m - 1/n) sigma^2, against Var(T_n) ~ sigma^2 / n; so deviations are rescaled by 1 / sqrt(1/f - 1)
  (exactly 1 at f = 1/2, where the half-sample spread *is* the full sample's).
- Bias: the Delta-hats are biased low at finite n (direction noise lowers the signal's held-out values;
  the nuisance floor, a maximum over many noisy values, sits high). With a bias ~ C n^-a, the median
  subsample value lies C n^-a ((1/f)^a - 1) below T_n, so T_n's own bias is that gap / ((1/f)^a - 1).
  BIAS_EXPONENT a = 0.75 lies between direction noise (a = 1) and a maximum of noisy values (a = 1/2);
  on the README example the measured rate was n^-0.78 for both Delta_CA and Delta_CP (y -> x).

The bias estimate is itself noisy (the gap between the subsample median and T_n varies from data set to
data set about as much as T_n does, because the floor and the signal selection are not smooth functions
of the data), so the replicates' spread is widened by sqrt(1 + c^2), c = 1 / ((1/f)^a - 1) the factor
that turns the gap into the bias. Both act on log Delta (the ratios are scale-free and skewed). Each
subsample gives a bias-corrected replicate  log T_n - bias + (log T_m,j - median_j log T_m,j) * scale;
the intervals are the replicates'
central quantiles and the regime / direction shares are counted over the replicates, so the confidence
is the share of resamples that a full-size, debiased sample would put in the reported regime. A subsample
value of 0 or infinity (no signal, no nuisance) stays so; where the full-sample Delta-hat is 0 or
infinite, or most subsample values are, the replicates are the plain subsample values. Coverage on
spiked cases with a known answer: docs/diagnostic_coverage.md (scripts/diagnostic_coverage.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from alignpredict.diagnose.estimate import estimate_spectra
from alignpredict.diagnose.recommend import X_TO_Y, Y_TO_X, choose_direction
from alignpredict.diagnose.settings import DiagnoseSettings
from alignpredict.diagnose.split import ComponentSplit
from alignpredict.theory.regimes import REGIMES, classify_regime

NO_DIRECTION = "none"
DELTA_NAMES: dict[str, str] = {"ca": "delta_ca", "cp_xy": "delta_cp", "cp_yx": "delta_cp_reverse"}
BIAS_EXPONENT = 0.75


@dataclass(frozen=True)
class ResampleSummary:
    """Per Delta: subsample values, bias-corrected replicates, their interval and the corrected estimate;
    the share of replicates per regime and per CP direction; how often sparse columns had to be dropped."""

    n_resamples: int
    subsample_rows: int
    deltas: dict[str, np.ndarray]  # per Delta name, the plain value in each subsample
    replicates: dict[str, np.ndarray]  # per Delta name, the bias-corrected, rescaled replicate
    corrected: dict[str, float]  # per Delta name, the bias-corrected full-sample estimate
    intervals: dict[str, tuple[float, float]]
    regime_fractions: dict[str, float]
    direction_fractions: dict[str, float]
    sparse_subsamples: int = 0  # subsamples in which some column was (nearly) constant and left out
    benefit_samples: tuple[dict[str, float], ...] = ()  # per subsample, the representation probe scores

    def to_dict(self) -> dict:
        return {
            "n_resamples": self.n_resamples,
            "subsample_rows": self.subsample_rows,
            "method": "half-sampling without replacement, bias-corrected and rescaled to the full sample (log scale)",
            "bias_exponent": BIAS_EXPONENT,
            "corrected": self.corrected,
            "intervals": {name: list(bounds) for name, bounds in self.intervals.items()},
            "regime_fractions": self.regime_fractions,
            "direction_fractions": self.direction_fractions,
            "sparse_subsamples": self.sparse_subsamples,
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


def corrected_replicates(full: float, values: np.ndarray, fraction: float) -> tuple[float, np.ndarray]:
    """(bias-corrected estimate, replicates) of one Delta from its full-sample value and subsample values
    drawn at `fraction` of the rows (see the module docstring); plain values where logs are undefined."""
    finite = np.isfinite(values) & (values > 0)
    if not (np.isfinite(full) and full > 0) or finite.mean() <= 0.5:
        return float(full), values.copy()
    logs = np.log(np.where(finite, values, 1.0))
    centre = float(np.median(np.where(finite, logs, np.where(values > 0, np.inf, -np.inf))))
    log_full = float(np.log(full))
    factor = 1.0 / ((1.0 / fraction) ** BIAS_EXPONENT - 1.0)
    bias = (centre - log_full) * factor
    # the bias estimate is a difference of two estimates each about as noisy as T_n: add its variance
    scale = np.sqrt(1.0 + factor**2) / np.sqrt(1.0 / fraction - 1.0)
    corrected = log_full - bias
    replicates = np.where(finite, np.exp(corrected + (logs - centre) * scale), values)
    return float(np.exp(corrected)), replicates


def summarise(
    full: dict[str, ComponentSplit],
    deltas: dict[str, np.ndarray],
    settings: DiagnoseSettings,
    rows: int,
    sparse: int,
    benefit_samples: tuple[dict[str, float], ...] = (),
) -> ResampleSummary:
    """Corrected replicates, intervals and regime / direction shares from the subsample Deltas."""
    corrected, replicates = {}, {}
    for spectrum, name in DELTA_NAMES.items():
        corrected[name], replicates[name] = corrected_replicates(
            full[spectrum].delta, deltas[name], settings.resample_fraction
        )
    regimes = [classify_regime(ca, cp) for ca, cp in zip(replicates["delta_ca"], replicates["delta_cp"])]
    directions = [
        choose_direction(xy, yx) or NO_DIRECTION
        for xy, yx in zip(replicates["delta_cp"], replicates["delta_cp_reverse"])
    ]
    count = settings.n_resamples
    return ResampleSummary(
        n_resamples=count,
        subsample_rows=rows,
        deltas=deltas,
        replicates=replicates,
        corrected=corrected,
        intervals={name: _percentile_interval(values, settings.interval_level) for name, values in replicates.items()},
        regime_fractions={regime: regimes.count(regime) / count for regime in REGIMES},
        direction_fractions={d: directions.count(d) / count for d in (X_TO_Y, Y_TO_X, NO_DIRECTION)},
        sparse_subsamples=sparse,
        benefit_samples=benefit_samples,
    )


def resample_deltas(
    x: np.ndarray,
    y: np.ndarray,
    label_rows: np.ndarray,
    targets: np.ndarray,
    settings: DiagnoseSettings,
    rng: np.random.Generator,
    full: dict[str, ComponentSplit],
    benefit: Callable[..., dict[str, float]] | None = None,
) -> ResampleSummary:
    """Rerun the estimate on n_resamples (>= 1) subsamples (the PCA of the full sample is reused) and
    summarise them against the full-sample spectra `full`; `benefit(x, y, label_rows, targets, moments)`,
    when given, scores the representations on each subsample too (reusing its moments where available)."""
    deltas = {name: np.empty(settings.n_resamples) for name in DELTA_NAMES.values()}
    rows, sparse = 0, 0
    benefit_samples = []
    for index in range(settings.n_resamples):
        subset, kept = _subsample(x.shape[0], label_rows, settings.resample_fraction, rng)
        rows = subset.size
        log: list[tuple[int, int]] = []
        moments: list = []
        splits = estimate_spectra(
            x[subset], y[subset], np.arange(kept.size), targets[kept], settings, rng, log, moments
        )
        sparse += int(sum(log[0]) > 0)
        for spectrum, name in DELTA_NAMES.items():
            deltas[name][index] = splits[spectrum].delta
        if benefit is not None:
            scores = benefit(x[subset], y[subset], np.arange(kept.size), targets[kept], moments[0] if moments else None)
            benefit_samples.append(scores)
    return summarise(full, deltas, settings, rows, sparse, tuple(benefit_samples))
