"""The beta-VAE-style conv encoder and its transposed-conv decoder (docs/protocols/stereo.md, "Networks and
objectives"), for square images.

Four stride-2 convs halve the side four times (64 -> 4 px), so any side divisible by 16 works; the
paper uses 64x64 with C = 1 (dSprites) or 3 (3DShapes).
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

DOWNSAMPLING = 16  # four stride-2 convs
CONV_WIDTHS = (32, 32, 64, 64)


def _spatial_side(shape: Sequence[int]) -> int:
    """Side of the 4x-downsampled feature map; refuses shapes the stack cannot handle."""
    if len(shape) != 3 or shape[1] != shape[2] or shape[1] % DOWNSAMPLING:
        raise ValueError(
            f"conv nets need square (C, H, W) images with H = W divisible by {DOWNSAMPLING}, got {tuple(shape)}; "
            "resize the images or choose other nets (for captions or COCO: nets=captions; for feature "
            "vectors such as data=astro: nets=mlp)"
        )
    return shape[1] // DOWNSAMPLING


class ConvEncoder(nn.Module):
    """C -> 32 -> 32 -> 64 -> 64 convs (k4 s2 p1, ReLU), flatten, FC hidden + ReLU, FC latent; no norm, no output
    activation."""

    def __init__(self, input_shape: Sequence[int], latent_dim: int = 128, hidden_dim: int = 256) -> None:
        super().__init__()
        side = _spatial_side(input_shape)
        layers: list[nn.Module] = []
        channels = input_shape[0]
        for width in CONV_WIDTHS:
            layers += [nn.Conv2d(channels, width, kernel_size=4, stride=2, padding=1), nn.ReLU()]
            channels = width
        self.features = nn.Sequential(*layers, nn.Flatten())
        self.head = nn.Sequential(
            nn.Linear(channels * side * side, hidden_dim), nn.ReLU(), nn.Linear(hidden_dim, latent_dim)
        )
        self.latent_dim = latent_dim

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(images))


class ConvDecoder(nn.Module):
    """FC latent -> 64 x s x s, ReLU, then transposed convs 64 -> 64 -> 32 -> 32 -> C; linear output (no sigmoid)
    by default."""

    def __init__(self, output_shape: Sequence[int], latent_dim: int = 128, output_sigmoid: bool = False) -> None:
        super().__init__()
        self.side = _spatial_side(output_shape)
        widths = tuple(reversed(CONV_WIDTHS)) + (output_shape[0],)
        self.fc = nn.Linear(latent_dim, widths[0] * self.side * self.side)
        layers: list[nn.Module] = [nn.ReLU()]
        for i, (c_in, c_out) in enumerate(zip(widths[:-1], widths[1:])):
            layers.append(nn.ConvTranspose2d(c_in, c_out, kernel_size=4, stride=2, padding=1))
            if i < len(widths) - 2:
                layers.append(nn.ReLU())
        if output_sigmoid:
            layers.append(nn.Sigmoid())
        self.deconv = nn.Sequential(*layers)
        self.start_channels = widths[0]

    def forward(self, latent: torch.Tensor) -> torch.Tensor:
        grid = self.fc(latent).view(-1, self.start_channels, self.side, self.side)
        return self.deconv(grid)
