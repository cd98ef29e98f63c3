"""One pass of the diagnostic on one sample: cross-fitted directions, held-out spectra, label R^2, gate,
Delta-hats. The full report runs it once on all rows and again on each subsample for the intervals."""

from __future__ import annotations

import numpy as np

from alignpredict.diagnose.label_r2 import crossval_r2, fold_assignment, permutation_max_r2
from alignpredict.diagnose.settings import DiagnoseSettings
from alignpredict.diagnose.sparse import sparse_column_mask
from alignpredict.diagnose.spectra import (
    SPECTRA,
    Directions,
    Moments,
    fit_directions,
    fold_sums,
    heldout_statistics,
    label_scores,
    match_components,
    singular_value,
)
from alignpredict.diagnose.split import ComponentSplit, signal_mask, split_components


def _stacked_scores(directions: Directions, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Label-row scores of all three spectra side by side, for one R^2 pass over every component."""
    scores = label_scores(directions, x, y)
    return np.hstack([scores[name] for name in SPECTRA])


def _nuisance_floor(name: str, nuisance: np.ndarray, aligned: np.ndarray) -> float:
    """Cross-validated nuisance floor from per-fold held-out statistics `aligned` (folds x components, matched).

    The largest of many noisy held-out values is biased upwards (about 2 standard errors with 50 nuisance
    components), so each fold's floor is the nuisance component that the *other* folds rank highest,
    measured on this fold; the folds' values are averaged. Selecting on independent folds removes the bias,
    and selecting on held-out values (not fit-sample ones) still finds a real nuisance direction when the
    top fitted directions are overfit noise that does not replicate (weak cross-covariance, small n)."""
    columns = np.flatnonzero(nuisance)
    n_folds = aligned.shape[0]
    floors = []
    for fold in range(n_folds):
        others = np.delete(aligned[:, columns], fold, axis=0).mean(axis=0)
        floors.append(aligned[fold, columns[int(np.argmax(others))]])
    return float(singular_value(name, np.mean(floors)))


def _trimmed_max(values: np.ndarray) -> float:
    """The second-largest value (the largest when there are fewer than three)."""
    ordered = np.sort(values)[::-1]
    return float(ordered[1] if len(ordered) >= 3 else ordered[0])


def estimate_spectra(
    x: np.ndarray,
    y: np.ndarray,
    label_rows: np.ndarray,
    targets: np.ndarray,
    settings: DiagnoseSettings,
    rng: np.random.Generator,
    column_log: list[tuple[int, int]] | None = None,
    moments_out: list[Moments] | None = None,
) -> dict[str, ComponentSplit]:
    """Signal/nuisance split of the CCA spectrum and of both A-spectra.

    All rows (labelled or not) fit the directions and measure the singular values, by K-fold cross-fitting:
    fold f is measured with directions fitted on the other folds, so directions use (K-1)/K of the rows
    (direction noise, not measurement noise, is what blurs weak signal at large d / n) while every row is
    measured once. Each fold's components are paired with the first fold's (match_components) and their
    held-out statistics and label R^2 averaged; the nuisance floor is a cross-validated maximum
    (_nuisance_floor), without the upward bias of the largest noisy value. Labels only decide which components
    are signal, through one family-wise permutation gate over all three spectra (so labels unrelated to the
    features give no signal anywhere, at level alpha); its null uses the first fold's scores, which is
    conservative for fold-averaged R^2 (an average of K correlated R^2 spreads less under the null than one).
    Columns that are (nearly) constant on some fold's rows are left out of this sample (sparse_column_mask);
    their counts are appended to `column_log` when given, and the sample's moments to `moments_out` when
    no column was left out (the practical comparison reuses them)."""
    n_folds = settings.cross_fit_folds
    folds = fold_assignment(x.shape[0], n_folds, rng)
    sums = fold_sums(x, y, folds, n_folds)
    keep_x, keep_y = sparse_column_mask(sums, x.shape[1])
    if not (keep_x.any() and keep_y.any()):
        side = "x" if not keep_x.any() else "y"
        raise ValueError(
            f"every column of {side} is (nearly) constant on some cross-fitting fold's rows: the features are "
            "too sparse for this many rows; give more rows or denser features"
        )
    if column_log is not None:
        column_log.append((int((~keep_x).sum()), int((~keep_y).sum())))
    if not (keep_x.all() and keep_y.all()):
        x, y = x[:, keep_x], y[:, keep_y]
        sums = fold_sums(x, y, folds, n_folds)
    everything = sum(sums[1:], sums[0])
    moments_all = everything.moments()
    if moments_out is not None and keep_x.all() and keep_y.all():  # the sample's moments, for reuse
        moments_out.append(moments_all)
    fits = [fit_directions((everything - held_out).moments(), settings.ridge) for held_out in sums]
    label_folds = fold_assignment(len(label_rows), settings.cv_folds, rng)
    x_labelled, y_labelled = x[label_rows], y[label_rows]
    stacked = [_stacked_scores(directions, x_labelled, y_labelled) for directions in fits]
    statistics: dict[str, np.ndarray] = {}
    r2: dict[str, np.ndarray] = {}
    aligned: dict[str, list[np.ndarray]] = {name: [] for name in SPECTRA}
    for directions, held_out, scores in zip(fits, sums, stacked):
        orders = match_components(fits[0], directions, moments_all)
        fold_statistics = heldout_statistics(directions, held_out.moments())
        fold_r2 = np.split(crossval_r2(scores, targets, label_folds), len(SPECTRA))
        for name, spectrum_r2 in zip(SPECTRA, fold_r2):
            aligned[name].append(fold_statistics[name][orders[name]])
            r2[name] = r2.get(name, 0.0) + spectrum_r2[orders[name]] / n_folds
    for name in SPECTRA:
        statistics[name] = np.mean(aligned[name], axis=0)
    null_maxima = permutation_max_r2(stacked[0], targets, label_folds, settings.n_permutations, rng)
    threshold = float(np.quantile(null_maxima, 1.0 - settings.alpha))
    splits = {}
    for name in SPECTRA:
        nuisance = ~signal_mask(r2[name], threshold, settings.signal_share)
        values = singular_value(name, statistics[name])
        floor = None
        if nuisance.any():  # never below the second-largest nuisance value (a trimmed maximum, robust to one
            # noisy component): a cross-validated floor near 0 would otherwise hide clearly larger nuisance
            floor = max(_nuisance_floor(name, nuisance, np.asarray(aligned[name])), _trimmed_max(values[nuisance]))
        splits[name] = split_components(values, r2[name], threshold, settings.signal_share, floor)
    return splits
