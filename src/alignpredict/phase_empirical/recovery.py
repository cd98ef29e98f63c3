"""How much of the true signal a learned representation holds, without leaning on a weak probe.

recovery = cross-validated R^2 of the best linear read-out of the signal s from the representation (held-out
rows, K folds, pooled over the k signal coordinates), divided by the most any read-out from the source modality
can reach, kappa^2 / (kappa^2 + gamma_source) (the R^2 of s from the source's own signal coordinates; the
nonlinear map is injective, so it is the ceiling in both modes). 1: the representation holds the whole signal
subspace; 0: none of it. In linear mode the encoder's subspace is also compared with the truth directly.
"""

from __future__ import annotations

import numpy as np
import torch

RIDGE = 1e-6  # relative ridge on the standardised design: a guard for a collapsed (constant) representation


def _standardise(features: torch.Tensor) -> torch.Tensor:
    centred = features - features.mean(dim=-2, keepdim=True)
    return centred / (centred.std(dim=-2, keepdim=True) + 1e-8)


def cv_r2(features: torch.Tensor, target: torch.Tensor, folds: int) -> torch.Tensor:
    """Pooled K-fold R^2 of a linear (with intercept) read-out of target (sets, rows, t) from features
    (sets, rows, f), one value per set; folds are contiguous blocks of the (exchangeable) rows."""
    features = _standardise(features.double())
    target = target.double()
    sets, rows, width = features.shape
    design = torch.cat([features, torch.ones(sets, rows, 1, dtype=features.dtype)], dim=-1)
    eye = torch.eye(width + 1, dtype=features.dtype) * RIDGE * rows
    edges = np.linspace(0, rows, folds + 1).astype(int)
    sse = torch.zeros(sets, dtype=features.dtype)
    for low, high in zip(edges[:-1], edges[1:]):
        train = torch.ones(rows, dtype=torch.bool)
        train[low:high] = False
        a, b = design[:, train], target[:, train]
        beta = torch.linalg.solve(a.transpose(1, 2) @ a + eye, a.transpose(1, 2) @ b)
        sse += ((design[:, low:high] @ beta - target[:, low:high]) ** 2).sum(dim=(1, 2))
    sst = ((target - target.mean(dim=1, keepdim=True)) ** 2).sum(dim=(1, 2))
    return 1.0 - sse / sst


def ceiling(kappa: np.ndarray, gamma_source: np.ndarray) -> np.ndarray:
    """Population R^2 of s from the source modality's signal coordinates s + noise."""
    kappa2 = np.asarray(kappa, dtype=float) ** 2
    return kappa2 / (kappa2 + np.asarray(gamma_source, dtype=float))


def recovery(
    features: torch.Tensor, signal: torch.Tensor, kappa: np.ndarray, gamma_source: np.ndarray, folds: int
) -> np.ndarray:
    """cv_r2 over its ceiling (see the module docstring), per set."""
    return cv_r2(features, signal, folds).numpy() / ceiling(kappa, gamma_source)


def subspace_distance(inputs: torch.Tensor, features: torch.Tensor, truth: torch.Tensor) -> np.ndarray:
    """1 - mean cos^2 of the principal angles between the truth (sets, d, k) and the row space of the best
    linear fit of the features from the inputs (sets, n, d): the linear-mode encoder's subspace."""
    inputs = inputs.double() - inputs.double().mean(dim=1, keepdim=True)
    features = features.double() - features.double().mean(dim=1, keepdim=True)
    weights = torch.linalg.lstsq(inputs, features).solution  # (sets, d, k)
    basis, _ = torch.linalg.qr(weights)
    overlap = basis.transpose(1, 2) @ truth.double()
    return (1.0 - overlap.pow(2).sum(dim=(1, 2)) / truth.shape[-1]).numpy()
