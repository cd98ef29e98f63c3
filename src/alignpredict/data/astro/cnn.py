"""Small 1D CNN encoders trained on a simulated pool, the CPU-sized stand-ins for the paper's frozen encoders.

- spectra: regression of standardised (Teff, logg, [Fe/H]) from the spectrum, like SpectralViT's parameter
  head (the masked-reconstruction head is left out);
- light curves: VICReg between two random crops of the same light curve, each turned into flux / ACF /
  periodogram channels, like the self-supervised photometry encoder.
Both are trained once, then frozen (eval mode, no gradients) and used only to extract features.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from alignpredict.data.astro.lightcurves import lightcurve_channels
from alignpredict.objectives.vicreg import vicreg_loss

# The astro reference's VICReg: 25 / 25 / 1 with variance and covariance averaged over the two branches.
ASTRO_VICREG = {"variance_reduction": "mean", "cov_coeff": 0.5}


class Conv1dEncoder(nn.Module):
    """Three strided conv blocks, a fixed-size pool, a linear map to `dim`."""

    def __init__(self, in_channels: int, dim: int, width: int = 32) -> None:
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv1d(in_channels, width, 9, stride=4, padding=4),
            nn.BatchNorm1d(width),
            nn.GELU(),
            nn.Conv1d(width, 2 * width, 7, stride=2, padding=3),
            nn.BatchNorm1d(2 * width),
            nn.GELU(),
            nn.Conv1d(2 * width, 2 * width, 5, stride=2, padding=2),
            nn.BatchNorm1d(2 * width),
            nn.GELU(),
            nn.AdaptiveAvgPool1d(8),
            nn.Flatten(),
            nn.Linear(16 * width, dim),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)


@dataclass(frozen=True)
class CNNTraining:
    """Pool-training settings (small so a cache builds on a laptop CPU)."""

    epochs: int = 15
    batch_size: int = 64
    lr: float = 2e-3
    crop_fraction: float = 0.6


def _standardise(inputs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per channel-position mean/std over the pool (kept with the frozen encoder)."""
    return inputs.mean(axis=0, keepdims=True), inputs.std(axis=0, keepdims=True) + 1e-6


@dataclass
class FrozenCNN:
    """A trained encoder with its input standardisation; calling it extracts features without gradients."""

    net: Conv1dEncoder
    mean: np.ndarray
    std: np.ndarray

    def __call__(self, inputs: np.ndarray) -> np.ndarray:
        self.net.eval()
        with torch.no_grad():
            x = torch.from_numpy(((inputs - self.mean) / self.std).astype(np.float32))
            return torch.cat([self.net(chunk) for chunk in x.split(256)]).numpy()


def train_spectrum_encoder(
    spectra: np.ndarray, targets: np.ndarray, dim: int, seed: int, settings: CNNTraining = CNNTraining()
) -> FrozenCNN:
    """Fit on (n, 1, n_pixels) absorption spectra to regress (n, k) standardised stellar parameters."""
    torch.manual_seed(seed)
    inputs = spectra
    mean, std = _standardise(inputs)
    x = torch.from_numpy(((inputs - mean) / std).astype(np.float32))
    y = torch.from_numpy(((targets - targets.mean(0)) / (targets.std(0) + 1e-9)).astype(np.float32))
    net = Conv1dEncoder(1, dim)
    head = nn.Linear(dim, y.shape[1])
    optimiser = torch.optim.AdamW([*net.parameters(), *head.parameters()], lr=settings.lr, weight_decay=1e-4)
    generator = torch.Generator().manual_seed(seed)
    for _ in range(settings.epochs):
        net.train()
        for batch in torch.randperm(x.shape[0], generator=generator).split(settings.batch_size):
            loss = nn.functional.mse_loss(head(net(x[batch])), y[batch])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
    return FrozenCNN(net=net, mean=mean, std=std)


def random_crop_channels(
    flux: np.ndarray, cadence_days: float, length: int, fraction: float, rng: np.random.Generator
) -> np.ndarray:
    """Channels of one random contiguous crop per star (the crop keeps `fraction` of the window)."""
    n, n_points = flux.shape
    crop = int(fraction * n_points)
    starts = rng.integers(0, n_points - crop + 1, n)
    windows = flux[np.arange(n)[:, None], starts[:, None] + np.arange(crop)[None, :]]
    return lightcurve_channels(windows, cadence_days, length)


def train_lightcurve_encoder(
    flux: np.ndarray, cadence_days: float, length: int, dim: int, seed: int, settings: CNNTraining = CNNTraining()
) -> FrozenCNN:
    """Self-supervised (VICReg) training on two random crops of each pool light curve."""
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    full = lightcurve_channels(flux, cadence_days, length)
    mean, std = _standardise(full)
    net = Conv1dEncoder(3, dim)
    expander = nn.Sequential(nn.Linear(dim, 4 * dim), nn.BatchNorm1d(4 * dim), nn.GELU(), nn.Linear(4 * dim, 4 * dim))
    optimiser = torch.optim.AdamW([*net.parameters(), *expander.parameters()], lr=settings.lr, weight_decay=1e-4)
    generator = torch.Generator().manual_seed(seed)
    for _ in range(settings.epochs):
        views = [
            torch.from_numpy(
                ((random_crop_channels(flux, cadence_days, length, settings.crop_fraction, rng) - mean) / std).astype(
                    np.float32
                )
            )
            for _ in range(2)
        ]
        net.train()
        for batch in torch.randperm(flux.shape[0], generator=generator).split(settings.batch_size):
            if batch.numel() < 2:
                continue
            loss = vicreg_loss(expander(net(views[0][batch])), expander(net(views[1][batch])), **ASTRO_VICREG)["loss"]
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
    return FrozenCNN(net=net, mean=mean, std=std)
