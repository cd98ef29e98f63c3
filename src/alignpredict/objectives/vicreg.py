"""VICReg (Bardes et al. 2022) on two views' projections, with the variance-term convention made explicit.

Implementations disagree on one factor: the official code and lightly average the two views' variance
hinges ("mean"); solo-learn and the paper's own code add them ("sum", twice as strong). The paper's
runs used "sum", so that is our default; both are exposed in config.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import torch
import torch.nn.functional as F

from alignpredict.objectives.alignment import AlignmentObjective

VarianceReduction = Literal["mean", "sum"]


def _variance_hinge(z: torch.Tensor, eps: float) -> torch.Tensor:
    """Mean over dimensions of relu(1 - std); std from the unbiased variance."""
    std = torch.sqrt(z.var(dim=0) + eps)
    return F.relu(1.0 - std).mean()


def _off_diagonal_covariance(z: torch.Tensor) -> torch.Tensor:
    """Sum of squared off-diagonal entries of the (n-1)-normalised covariance, divided by the dimension."""
    n, dim = z.shape
    centred = z - z.mean(dim=0)
    cov = centred.T @ centred / (n - 1)
    off_diagonal = cov - torch.diag(torch.diagonal(cov))
    return off_diagonal.pow(2).sum() / dim


def vicreg_loss(
    z_a: torch.Tensor,
    z_b: torch.Tensor,
    sim_coeff: float = 25.0,
    std_coeff: float = 25.0,
    cov_coeff: float = 1.0,
    variance_reduction: VarianceReduction = "sum",
    eps: float = 1e-4,
) -> dict[str, torch.Tensor]:
    """Weighted invariance + variance + covariance terms; returns the total as "loss" and each raw term."""
    if z_a.shape != z_b.shape or z_a.ndim != 2:
        raise ValueError(
            f"VICReg needs two (batch, dim) tensors of the same shape, got {tuple(z_a.shape)} and {tuple(z_b.shape)}"
        )
    if z_a.shape[0] < 2:
        raise ValueError("VICReg needs a batch of at least 2 items to estimate variances; raise batch_size")
    if variance_reduction not in ("mean", "sum"):
        raise ValueError(f"variance_reduction must be 'mean' or 'sum', got {variance_reduction!r}")
    invariance = F.mse_loss(z_a, z_b)
    variance = _variance_hinge(z_a, eps) + _variance_hinge(z_b, eps)
    if variance_reduction == "mean":
        variance = variance / 2
    covariance = _off_diagonal_covariance(z_a) + _off_diagonal_covariance(z_b)
    loss = sim_coeff * invariance + std_coeff * variance + cov_coeff * covariance
    return {"loss": loss, "invariance": invariance, "variance": variance, "covariance": covariance}


class VICReg(AlignmentObjective):
    """CA with VICReg between the projections (the paper's CA); its coefficients are its hyperparameters."""

    def __init__(
        self,
        sim_coeff: float = 25.0,
        std_coeff: float = 25.0,
        cov_coeff: float = 1.0,
        variance_reduction: VarianceReduction = "sum",
        eps: float = 1e-4,
        **common: Any,
    ) -> None:
        super().__init__(**common)
        if variance_reduction not in ("mean", "sum"):
            raise ValueError(f"variance_reduction must be 'mean' or 'sum', got {variance_reduction!r}")
        self.coefficients: Mapping[str, Any] = dict(
            sim_coeff=sim_coeff,
            std_coeff=std_coeff,
            cov_coeff=cov_coeff,
            variance_reduction=variance_reduction,
            eps=eps,
        )

    def align(self, p_x: torch.Tensor, p_y: torch.Tensor) -> dict[str, torch.Tensor]:
        return vicreg_loss(p_x, p_y, **self.coefficients)
