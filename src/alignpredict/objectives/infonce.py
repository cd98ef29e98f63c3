"""InfoNCE (CLIP-style contrastive alignment): the practitioner's alternative to VICReg for CA.

Paired projections are positives, every other pair in the batch a negative; logits are cosine similarities
over a temperature, and the loss is the mean of the x->y and y->x cross-entropies.
"""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from alignpredict.objectives.alignment import AlignmentObjective


def infonce_loss(z_a: torch.Tensor, z_b: torch.Tensor, temperature: float) -> torch.Tensor:
    """Symmetric InfoNCE of (..., batch, dim) projections; leading dims are independent runs, returned as (...)."""
    if z_a.shape != z_b.shape or z_a.ndim < 2 or z_a.shape[-2] < 2:
        raise ValueError(
            f"InfoNCE needs two (..., batch >= 2, dim) tensors of one shape, got {tuple(z_a.shape)} "
            f"and {tuple(z_b.shape)}"
        )
    logits = torch.matmul(F.normalize(z_a, dim=-1), F.normalize(z_b, dim=-1).transpose(-1, -2)) / temperature
    batch = logits.shape[-1]
    flat = logits.reshape(-1, batch, batch)
    target = torch.arange(batch, device=logits.device).expand(flat.shape[0], batch).reshape(-1)
    forward = F.cross_entropy(flat.reshape(-1, batch), target, reduction="none")
    backward = F.cross_entropy(flat.transpose(1, 2).reshape(-1, batch), target, reduction="none")
    return ((forward + backward).reshape(flat.shape[0], batch).mean(dim=1) / 2).reshape(logits.shape[:-2])


class InfoNCE(AlignmentObjective):
    """CA with a symmetric InfoNCE loss between the projections, at a fixed temperature."""

    def __init__(self, temperature: float = 0.1, **common: Any) -> None:
        super().__init__(**common)
        if not temperature > 0:
            raise ValueError(f"temperature must be > 0, got {temperature}")
        self.temperature = float(temperature)

    def align(self, p_x: torch.Tensor, p_y: torch.Tensor) -> dict[str, torch.Tensor]:
        loss = infonce_loss(p_x, p_y, self.temperature)
        return {"loss": loss, "infonce": loss}
