"""Small heads on top of an encoder: the CA/DeepCCA projector and the linear classification head."""

from __future__ import annotations

import torch
from torch import nn


class Projector(nn.Module):
    """Linear -> (BatchNorm) -> ReLU -> Linear; the paper's head is 128 -> 128 -> 32 without BatchNorm."""

    def __init__(
        self, latent_dim: int = 128, hidden_dim: int = 128, out_dim: int = 32, batch_norm: bool = False
    ) -> None:
        super().__init__()
        norm: list[nn.Module] = [nn.BatchNorm1d(hidden_dim)] if batch_norm else []
        self.net = nn.Sequential(nn.Linear(latent_dim, hidden_dim), *norm, nn.ReLU(), nn.Linear(hidden_dim, out_dim))

    def forward(self, latent: torch.Tensor) -> torch.Tensor:
        return self.net(latent)


class LinearHead(nn.Module):
    """One affine map from the latent to class logits (the supervised ceiling's head)."""

    def __init__(self, num_classes: int, latent_dim: int = 128) -> None:
        super().__init__()
        self.linear = nn.Linear(latent_dim, num_classes)

    def forward(self, latent: torch.Tensor) -> torch.Tensor:
        return self.linear(latent)
