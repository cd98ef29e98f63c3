"""Optional PCA per modality, with the dimension tied to the number of rows: sample canonical correlations
of p + q dimensions from n rows are inflated roughly like sqrt(p/n) + sqrt(q/n), so small samples must
not keep many dimensions."""

from __future__ import annotations

import numpy as np
import scipy.linalg

_ROW_CHUNK = 8192
_RELATIVE_RANK_TOL = 1e-10


def pca_dimension(n_rows: int, n_features: int, max_dim: int | None, rows_per_dim: int) -> int:
    """min(features, max_dim, n_rows // rows_per_dim); an error when that leaves nothing."""
    cap = n_rows // rows_per_dim
    if cap < 1:
        raise ValueError(
            f"{n_rows} rows are too few: the PCA keeps n_rows // rows_per_dim = 0 dimensions "
            f"(rows_per_dim={rows_per_dim}); give more paired rows or lower rows_per_dim"
        )
    limit = n_features if max_dim is None else min(n_features, max_dim)
    return int(min(limit, cap))


def centred_covariance(features: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and covariance (divided by n) in float64, accumulated over row chunks to avoid a centred copy."""
    n, d = features.shape
    mean = np.zeros(d)
    for start in range(0, n, _ROW_CHUNK):
        mean += features[start : start + _ROW_CHUNK].sum(axis=0, dtype=np.float64)
    mean /= n
    gram = np.zeros((d, d))
    for start in range(0, n, _ROW_CHUNK):
        chunk = features[start : start + _ROW_CHUNK].astype(np.float64) - mean
        gram += chunk.T @ chunk
    return mean, gram / n


def reduce_dimension(features: np.ndarray, dim: int) -> np.ndarray:
    """Centred scores on the top `dim` principal axes (numerically null axes dropped); no whitening, so the
    target scale that the CP spectrum depends on is kept."""
    mean, covariance = centred_covariance(features)
    if dim >= features.shape[1]:
        return features.astype(np.float64) - mean
    size = covariance.shape[0]
    eigenvalues, eigenvectors = scipy.linalg.eigh(covariance, subset_by_index=[size - dim, size - 1])
    order = np.argsort(eigenvalues)[::-1]
    order = order[eigenvalues[order] > _RELATIVE_RANK_TOL * eigenvalues[order[0]]]
    axes = eigenvectors[:, order]
    scores = np.empty((features.shape[0], axes.shape[1]))
    for start in range(0, features.shape[0], _ROW_CHUNK):
        scores[start : start + _ROW_CHUNK] = (features[start : start + _ROW_CHUNK] - mean) @ axes
    return scores
