"""CCA and A-spectra (both prediction directions) with held-out singular values.

Directions are fitted on some rows and their singular values measured on the others (cross-fitting: each
of K folds is measured once with directions fitted on the other K - 1). In-sample canonical correlations
of many nuisance directions are inflated by finite n (roughly by sqrt(p/n) + sqrt(q/n)); a held-out value
of a fixed direction is not, which keeps Delta-hat honest."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment

from alignpredict.theory.solvers import inverse_sqrt

SPECTRA: tuple[str, ...] = ("ca", "cp_xy", "cp_yx")
SPECTRUM_TITLES: dict[str, str] = {"ca": "CCA (C)", "cp_xy": "A, x -> y", "cp_yx": "A, y -> x"}


@dataclass(frozen=True)
class Directions:
    """Weights mapping centred features to one score per component (columns)."""

    ca_x: np.ndarray  # x canonical weights Sxx^{-1/2} p_j
    ca_y: np.ndarray  # y canonical weights Syy^{-1/2} q_j
    cp_xy: np.ndarray  # source (x) weights Sxx^{-1/2} v_j of A = Syx Sxx^{-1/2}
    cp_yx: np.ndarray  # source (y) weights Syy^{-1/2} v_j of A' = Sxy Syy^{-1/2}


def _relative_inverse_sqrt(covariance: np.ndarray, ridge: float) -> np.ndarray:
    """(S + ridge * mean eigenvalue * I)^{-1/2}: a ridge relative to the features' scale."""
    return inverse_sqrt(covariance, ridge * max(float(np.trace(covariance)) / covariance.shape[0], 1e-300))


def _right_vectors(matrix: np.ndarray, count: int) -> np.ndarray:
    return np.linalg.svd(matrix, full_matrices=False)[2][:count].T


@dataclass(frozen=True)
class Moments:
    """Centred second moments (divided by n) of paired rows: all the spectra need."""

    sxx: np.ndarray
    syy: np.ndarray
    sxy: np.ndarray
    n_rows: int


@dataclass(frozen=True)
class RowSums:
    """Uncentred sums over a block of paired rows [x, y]. Blocks add, so the fit and held-out moments of
    every cross-fitting fold come from one O(n d^2) pass over the rows."""

    count: int
    total: np.ndarray  # column sums
    gram: np.ndarray  # [x, y]^T [x, y]
    x_dim: int

    def __add__(self, other: RowSums) -> RowSums:
        return RowSums(self.count + other.count, self.total + other.total, self.gram + other.gram, self.x_dim)

    def __sub__(self, other: RowSums) -> RowSums:
        return RowSums(self.count - other.count, self.total - other.total, self.gram - other.gram, self.x_dim)

    def moments(self) -> Moments:
        mean = self.total / self.count
        covariance = self.gram / self.count - np.outer(mean, mean)
        p = self.x_dim
        return Moments(sxx=covariance[:p, :p], syy=covariance[p:, p:], sxy=covariance[:p, p:], n_rows=self.count)


def fold_sums(x: np.ndarray, y: np.ndarray, folds: np.ndarray, n_folds: int) -> list[RowSums]:
    """RowSums of the rows of each fold (folds: fold index per row). The features are the centred PCA
    scores, so the uncentred grams lose no precision."""
    joint = np.hstack([x, y])
    sums = []
    for fold in range(n_folds):
        block = joint[folds == fold]
        sums.append(RowSums(block.shape[0], block.sum(axis=0), block.T @ block, x.shape[1]))
    return sums


def fit_directions(fit: Moments, ridge: float) -> Directions:
    """Centred ridge CCA and the two one-sided whitened couplings A, from the fit rows' moments."""
    wx, wy = _relative_inverse_sqrt(fit.sxx, ridge), _relative_inverse_sqrt(fit.syy, ridge)
    count = min(fit.sxx.shape[0], fit.syy.shape[0])
    p, _, qt = np.linalg.svd(wx @ fit.sxy @ wy, full_matrices=False)
    return Directions(
        ca_x=wx @ p[:, :count],
        ca_y=wy @ qt[:count].T,
        cp_xy=wx @ _right_vectors(fit.sxy.T @ wx, count),
        cp_yx=wy @ _right_vectors(fit.sxy @ wy, count),
    )


def _quadratic(weights: np.ndarray, covariance: np.ndarray) -> np.ndarray:
    """w_j^T S w_j for every column j, floored just above 0: moments from accumulated sums can be slightly
    indefinite, and a direction with no variance on these rows must give a zero statistic, not NaN."""
    values = np.einsum("ij,ij->j", weights, covariance @ weights)
    return np.maximum(values, 1e-300)


def _one_sided_squares(
    weights: np.ndarray, s_source: np.ndarray, s_target: np.ndarray, s_target_source: np.ndarray, n_rows: int
) -> np.ndarray:
    """||Cov(target, z_j)||^2 / var(z_j) for the score z_j = source . w_j, debiased (E||Cov-hat||^2 exceeds
    ||Cov||^2 by about tr(S_target) var(z) / n) and not clipped, so that averages over folds stay unbiased."""
    covariance = s_target_source @ weights
    return (covariance**2).sum(axis=0) / _quadratic(weights, s_source) - np.trace(s_target) / n_rows


def heldout_statistics(directions: Directions, held_out: Moments) -> dict[str, np.ndarray]:
    """Per component, a statistic measured on rows not used to fit the directions that is unbiased for a
    fixed direction: the correlation (CCA) or the debiased squared singular value (A). Average these over
    folds, then convert with singular_value: square roots and clipping are not linear."""
    m = held_out
    cross = np.einsum("ij,ij->j", directions.ca_x, m.sxy @ directions.ca_y)
    scale = np.sqrt(_quadratic(directions.ca_x, m.sxx)) * np.sqrt(_quadratic(directions.ca_y, m.syy))
    return {
        "ca": cross / scale,
        "cp_xy": _one_sided_squares(directions.cp_xy, m.sxx, m.syy, m.sxy.T, m.n_rows),
        "cp_yx": _one_sided_squares(directions.cp_yx, m.syy, m.sxx, m.sxy, m.n_rows),
    }


def singular_value(name: str, statistic: np.ndarray | float) -> np.ndarray | float:
    """A (fold-averaged) held-out statistic of spectrum `name` as a singular value."""
    if name == "ca":
        return np.clip(statistic, 0.0, 1.0)
    return np.sqrt(np.clip(statistic, 0.0, None))


def label_scores(directions: Directions, x: np.ndarray, y: np.ndarray) -> dict[str, np.ndarray]:
    """One score per component for the label R^2. A: the source-side score (what a CP encoder sees).
    CCA is symmetric, so its score is the mean of the x and y canonical scores, the natural estimate of
    the shared latent that both sides carry."""
    return {
        "ca": 0.5 * (x @ directions.ca_x + y @ directions.ca_y),
        "cp_xy": x @ directions.cp_xy,
        "cp_yx": y @ directions.cp_yx,
    }


# Per spectrum, the source-side weights that define a component and the covariance of that side (CCA
# components are matched on their x side: its y side follows from it).
SCORE_WEIGHTS: dict[str, tuple[str, str]] = {
    "ca": ("ca_x", "sxx"),
    "cp_xy": ("cp_xy", "sxx"),
    "cp_yx": ("cp_yx", "syy"),
}


def match_components(reference: Directions, other: Directions, moments_all: Moments) -> dict[str, np.ndarray]:
    """Per spectrum, the order of `other`'s components that pairs each with the `reference` component whose
    score it correlates with most (an assignment, so each is used once). Folds fitted on overlapping rows
    give nearly the same directions, but near-degenerate ones (weak signal among many nuisance values)
    swap ranks from fold to fold; averaging by rank would blend them."""
    orders = {}
    for name, (weights_name, covariance_name) in SCORE_WEIGHTS.items():
        a, b = getattr(reference, weights_name), getattr(other, weights_name)
        covariance = getattr(moments_all, covariance_name)
        cross = a.T @ covariance @ b
        scale = np.outer(np.sqrt(_quadratic(a, covariance)), np.sqrt(_quadratic(b, covariance)))
        orders[name] = linear_sum_assignment(-np.nan_to_num(np.abs(cross / scale)))[1]
    return orders
