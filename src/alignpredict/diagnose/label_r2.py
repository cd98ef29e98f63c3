"""Cross-validated label R^2 of each component's 1-D score, and a permutation null for it.

Each label column is regressed (least squares with intercept) on one score at a time; SS_res and SS_tot
(about the test-fold mean) are pooled over folds and over label columns, so one-hot class labels give
the share of class-indicator variance a component explains. Everything is sufficient statistics and
matrix products, so all components and all label shuffles are done at once."""

from __future__ import annotations

import numpy as np

_MAX_BATCH_ENTRIES = 4_000_000


def fold_assignment(n_rows: int, n_folds: int, rng: np.random.Generator) -> np.ndarray:
    """Fold index of each row, from a seeded shuffle (sizes differ by at most one)."""
    return rng.permutation(np.arange(n_rows) % n_folds)


def _residual_and_total(scores: np.ndarray, targets: np.ndarray, folds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pooled out-of-fold SS_res (components x target columns) and SS_tot (target columns)."""
    residual = np.zeros((scores.shape[1], targets.shape[1]))
    total = np.zeros(targets.shape[1])
    for fold in np.unique(folds):
        test = folds == fold
        z_train, t_train = scores[~test], targets[~test]
        z_mean, t_mean = z_train.mean(axis=0), t_train.mean(axis=0)
        zc = z_train - z_mean
        slope = (zc.T @ (t_train - t_mean)) / np.maximum((zc**2).sum(axis=0), 1e-300)[:, None]
        z_test, t_test = scores[test] - z_mean, targets[test] - t_mean
        cross = z_test.T @ t_test
        residual += (t_test**2).sum(axis=0) - 2 * slope * cross + slope**2 * (z_test**2).sum(axis=0)[:, None]
        total += ((targets[test] - targets[test].mean(axis=0)) ** 2).sum(axis=0)
    return residual, total


def crossval_r2(scores: np.ndarray, targets: np.ndarray, folds: np.ndarray) -> np.ndarray:
    """Per-component R^2 pooled over folds and target columns (can be negative: worse than the mean)."""
    residual, total = _residual_and_total(scores, targets, folds)
    return 1.0 - residual.sum(axis=1) / total.sum()


def permutation_max_r2(
    scores: np.ndarray,
    targets: np.ndarray,
    folds: np.ndarray,
    n_permutations: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """(n_permutations,): the largest R^2 over all components when the label rows are shuffled, i.e. the
    null of "the best component anywhere", whose upper quantile is a family-wise gate."""
    n, m = targets.shape
    per_batch = max(1, _MAX_BATCH_ENTRIES // (n * m))
    maxima = np.empty(n_permutations)
    for start in range(0, n_permutations, per_batch):
        count = min(per_batch, n_permutations - start)
        order = np.argsort(rng.random((count, n)), axis=1)
        shuffled = targets[order].transpose(1, 0, 2).reshape(n, count * m)
        residual, total = _residual_and_total(scores, shuffled, folds)
        r2 = 1.0 - residual.reshape(-1, count, m).sum(axis=2) / total.reshape(count, m).sum(axis=1)
        maxima[start : start + count] = r2.max(axis=0)
    return maxima
