"""Deep CCA loss: minus the sum of the top-k canonical correlations between two views' projections.

As in the paper's baseline: ridge-regularised covariances, float64 maths, inverse square roots from an
eigendecomposition that drops near-zero eigenvalues, and correlations as square roots of the
eigenvalues of T^T T + ridge * I with T the whitened cross-covariance.
"""

from __future__ import annotations

from typing import Any

import torch

from alignpredict.objectives.alignment import AlignmentObjective


def _inverse_sqrt(matrix: torch.Tensor, eigen_floor: float) -> torch.Tensor:
    """Symmetric inverse square root, keeping only eigen-directions above the floor (the others get weight 0,
    selected on the device rather than by a data-dependent slice)."""
    values, vectors = torch.linalg.eigh(matrix)
    keep = values > eigen_floor
    weights = torch.where(keep, values.clamp_min(eigen_floor).rsqrt(), torch.zeros_like(values))
    return (vectors * weights) @ vectors.T


def deepcca_loss(
    h_x: torch.Tensor, h_y: torch.Tensor, top_k: int | None = None, ridge: float = 1e-3, eigen_floor: float = 1e-9
) -> dict[str, torch.Tensor]:
    """Returns {"loss": -sum of top-k correlations, "correlation": that sum}, in the inputs' dtype."""
    if h_x.ndim != 2 or h_y.ndim != 2 or h_x.shape[0] != h_y.shape[0]:
        raise ValueError(
            f"DeepCCA needs (batch, dim) tensors with equal batch, got {tuple(h_x.shape)} and {tuple(h_y.shape)}"
        )
    n = h_x.shape[0]
    if n < 2:
        raise ValueError("DeepCCA needs a batch of at least 2 items; raise batch_size")
    x = h_x.double() - h_x.double().mean(dim=0)
    y = h_y.double() - h_y.double().mean(dim=0)
    eye_x = torch.eye(x.shape[1], dtype=x.dtype, device=x.device)
    eye_y = torch.eye(y.shape[1], dtype=y.dtype, device=y.device)
    s_xx = x.T @ x / (n - 1) + ridge * eye_x
    s_yy = y.T @ y / (n - 1) + ridge * eye_y
    s_xy = x.T @ y / (n - 1)
    whitened = _inverse_sqrt(s_xx, eigen_floor) @ s_xy @ _inverse_sqrt(s_yy, eigen_floor)
    gram = whitened.T @ whitened + ridge * eye_y
    correlations = torch.linalg.eigvalsh(gram).clamp_min(0).sqrt()
    k = correlations.numel() if top_k is None else min(top_k, correlations.numel())
    total = correlations.topk(k).values.sum().to(h_x.dtype)
    return {"loss": -total, "correlation": total}


class DeepCCA(AlignmentObjective):
    """The DeepCCA baseline: maximise the sum of the top-k canonical correlations of the projections."""

    def __init__(self, top_k: int | None = None, ridge: float = 1e-3, eigen_floor: float = 1e-9, **common: Any) -> None:
        super().__init__(**common)
        if top_k is not None and top_k < 1:
            raise ValueError(f"top_k must be null (all correlations) or >= 1, got {top_k}")
        self.top_k, self.ridge, self.eigen_floor = top_k, ridge, eigen_floor

    def align(self, p_x: torch.Tensor, p_y: torch.Tensor) -> dict[str, torch.Tensor]:
        return deepcca_loss(p_x, p_y, top_k=self.top_k, ridge=self.ridge, eigen_floor=self.eigen_floor)
