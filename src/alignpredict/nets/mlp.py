"""MLP heads over frozen feature vectors (the astro experiment, docs/protocols/astro.md, "Heads and training").

The paper's CA projection Linear(d->512) -> BatchNorm -> GELU -> Linear(512->256) is `FeatureEncoder`
(norm="batch") followed by a plain Linear projector; its CP predictor Linear(d_a->512) -> LayerNorm -> GELU
-> Dropout(0.1) -> Linear(512->d_b) is `FeatureEncoder` (norm="layer", dropout=0.1) followed by
`FeatureDecoder`. Splitting each head after its hidden layer lets CP probe the 512-d bottleneck through
the training stack's enc_x / enc_y contract.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

NORMS = ("batch", "layer")


def _feature_dim(shape: Sequence[int], name: str) -> int:
    if len(shape) != 1:
        raise ValueError(
            f"{name} {tuple(shape)} is not a feature vector; the MLP nets need 1-D features "
            "(data=astro), use nets=conv for images"
        )
    return int(shape[0])


class FeatureEncoder(nn.Module):
    """Linear -> BatchNorm or LayerNorm -> GELU (-> Dropout): a head's hidden layer, the probed representation."""

    def __init__(
        self, input_shape: Sequence[int], latent_dim: int = 512, norm: str = "batch", dropout: float = 0.0
    ) -> None:
        super().__init__()
        if norm not in NORMS:
            raise ValueError(f"norm must be one of {NORMS}, got {norm!r}")
        normalisation = nn.BatchNorm1d(latent_dim) if norm == "batch" else nn.LayerNorm(latent_dim)
        first = nn.Linear(_feature_dim(input_shape, "input_shape"), latent_dim)
        layers: list[nn.Module] = [first, normalisation, nn.GELU()]
        if dropout > 0:
            layers.append(nn.Dropout(dropout))
        self.net = nn.Sequential(*layers)

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        return self.net(features)


class FeatureDecoder(nn.Module):
    """One Linear from the hidden layer to the target modality's feature vector (CP's regression output)."""

    def __init__(self, output_shape: Sequence[int], latent_dim: int = 512) -> None:
        super().__init__()
        self.linear = nn.Linear(latent_dim, _feature_dim(output_shape, "output_shape"))

    def forward(self, latent: torch.Tensor) -> torch.Tensor:
        return self.linear(latent)
