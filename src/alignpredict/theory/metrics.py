"""Ground-truth-aligned scores of a linear encoder: subspace distance, per-direction recovery, test MSE."""

from __future__ import annotations

import numpy as np

RECOVERY_THRESHOLD = 0.8


def row_space(encoder: np.ndarray) -> np.ndarray:
    """Orthonormal basis (d, k) of the encoder's row space: what the features Wx can see of x."""
    if encoder.ndim != 2:
        raise ValueError(f"encoder must be a (k, d) matrix, got shape {encoder.shape}")
    _, _, vt = np.linalg.svd(encoder, full_matrices=False)
    return vt.T


def _check_bases(basis: np.ndarray, truth: np.ndarray) -> None:
    if basis.shape[0] != truth.shape[0]:
        raise ValueError(f"subspaces live in different dimensions: {basis.shape[0]} vs {truth.shape[0]}")


def subspace_distance(encoder: np.ndarray, truth: np.ndarray) -> float:
    """1 - (1/k) sum cos^2 of the principal angles between the encoder row space and the truth (d, k)."""
    basis = row_space(encoder)
    _check_bases(basis, truth)
    overlap = basis.T @ truth
    return float(1.0 - np.sum(overlap**2) / truth.shape[1])


def projector_distance(encoder: np.ndarray, truth: np.ndarray) -> float:
    """||P_hat - P||_F / sqrt(2k) for equal ranks, i.e. the square root of the subspace distance."""
    return float(np.sqrt(max(subspace_distance(encoder, truth), 0.0)))


def recovered_directions(encoder: np.ndarray, truth: np.ndarray, threshold: float = RECOVERY_THRESHOLD) -> np.ndarray:
    """Boolean per truth column u_i: recovered when ||U_hat^T u_i||^2 >= threshold."""
    basis = row_space(encoder)
    _check_bases(basis, truth)
    return np.sum((basis.T @ truth) ** 2, axis=0) >= threshold


def mean_squared_error(prediction: np.ndarray, target: np.ndarray) -> float:
    """Mean over samples of the squared error norm (total MSE against y, signal MSE against Q_y[:, :k] s)."""
    if prediction.shape != target.shape:
        raise ValueError(f"prediction and target shapes differ: {prediction.shape} vs {target.shape}")
    return float(np.mean(np.sum((prediction - target) ** 2, axis=1)))
