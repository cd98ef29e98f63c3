"""Image style noise: the reference's 16 styles in 6 groups, an intensity per group, and a blur sigma = 4s.

Why: the COCO experiment degrades the image modality only (captions untouched) with strength
s in {0, 0.2, 0.5}, i.e. {0, 1, 3} of the 6 groups plus a Gaussian blur of sigma {0, 0.8, 2.0}.
Everything runs batched on (B, 3, H, W) tensors in [0, 1]; each item's draws are keyed by
(seed, item index), so an item gets the same style every epoch, in any batch, on any device.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import torch
import torch.nn.functional as F

from alignpredict.data.counter_rng import normals, uniforms


@dataclass(frozen=True)
class Style:
    name: str
    description: str


STYLE_GROUPS: tuple[tuple[str, tuple[Style, ...]], ...] = (
    (
        "colour_cast",
        (
            Style("sepia", "sepia toned"),
            Style("cool_blue", "cool blue tinted"),
            Style("warm_amber", "warm amber tinted"),
            Style("green_tint", "green tinted"),
        ),
    ),
    ("exposure", (Style("overexposed", "overexposed"), Style("underexposed", "underexposed"))),
    ("contrast", (Style("high_contrast", "high contrast"), Style("low_contrast", "low contrast"))),
    (
        "texture",
        (
            Style("grain", "grainy"),
            Style("soft_focus", "soft focus"),
            Style("posterize", "posterized"),
            Style("solarize", "solarized"),
        ),
    ),
    ("saturation", (Style("vivid", "vividly saturated"), Style("muted", "muted"))),
    ("spatial", (Style("vignette", "vignetted"), Style("spotlight", "spotlit"))),
)
N_GROUPS = len(STYLE_GROUPS)
INTENSITY_RANGE = (0.3, 1.0)
_STREAM_DRAWS = 0x57A1E
_STREAM_GRAIN = 0x6A11


@lru_cache(maxsize=64)
def _constant(values: tuple, dtype: torch.dtype, device: torch.device) -> torch.Tensor:
    """A small constant tensor, made once per (dtype, device) instead of copied to the device at every batch."""
    return torch.tensor(values, dtype=dtype, device=device)


def n_active_groups(strength: float) -> int:
    """0 groups at s = 0, else max(1, round(6 s)): 1 group at 0.2, 3 at 0.5, all 6 at 1."""
    if not 0.0 <= strength <= 1.0 or math.isnan(strength):
        raise ValueError(f"style strength must lie in [0, 1]; got {strength}")
    return 0 if strength == 0.0 else max(1, round(N_GROUPS * strength))


def blur_sigma(strength: float) -> float:
    """The image-only extra blur: sigma = 4 s (0.8 at s = 0.2, 2.0 at s = 0.5)."""
    n_active_groups(strength)
    return 4.0 * strength


@dataclass(frozen=True)
class StyleDraws:
    """Per-item style choices: which groups are on, which style in each group, and its intensity t."""

    active: torch.Tensor  # (B, 6) bool
    choice: torch.Tensor  # (B, 6) long, index into the group's styles
    intensity: torch.Tensor  # (B, 6) float in [0.3, 1)


def draw_styles(seed: int, index: torch.Tensor, strength: float) -> StyleDraws:
    """Shuffle the groups and keep the first n, pick one style per group uniformly, t ~ U(0.3, 1)."""
    n = n_active_groups(strength)
    u = uniforms(seed, index, _STREAM_DRAWS, 3 * N_GROUPS)
    rank = torch.argsort(torch.argsort(u[:, :N_GROUPS], dim=1), dim=1)
    sizes = _constant(tuple(len(styles) for _, styles in STYLE_GROUPS), torch.int64, u.device)
    choice = torch.minimum((u[:, N_GROUPS : 2 * N_GROUPS] * sizes).long(), sizes - 1)
    low, high = INTENSITY_RANGE
    intensity = low + (high - low) * u[:, 2 * N_GROUPS :]
    return StyleDraws(active=rank < n, choice=choice, intensity=intensity)


def gaussian_blur(images: torch.Tensor, sigma: torch.Tensor | float, max_sigma: float | None = None) -> torch.Tensor:
    """Separable Gaussian blur with a per-image sigma, kernel 2*floor(3*max_sigma)+1, reflect padding.

    `max_sigma` (an upper bound of the sigmas) fixes the kernel size without reading the sigmas back from the
    device; by default it is the largest sigma given.
    """
    b, c, h, w = images.shape
    if isinstance(sigma, torch.Tensor):
        sigma_t = sigma.to(images.dtype).expand(b).clamp_min(1e-6)
        bound = float(sigma_t.max()) if max_sigma is None else max_sigma
    else:
        sigma_t = torch.full((b,), max(float(sigma), 1e-6), dtype=images.dtype, device=images.device)
        bound = float(sigma) if max_sigma is None else max_sigma
    radius = min(int(math.floor(3.0 * bound)), h - 1, w - 1)
    if radius < 1:
        return images
    offsets = torch.arange(-radius, radius + 1, dtype=images.dtype, device=images.device)
    kernel = torch.exp(-0.5 * (offsets[None, :] / sigma_t[:, None]) ** 2)
    kernel = (kernel / kernel.sum(dim=1, keepdim=True)).repeat_interleave(c, dim=0)
    flat = images.reshape(1, b * c, h, w)
    flat = F.conv2d(F.pad(flat, (radius, radius, 0, 0), mode="reflect"), kernel[:, None, None, :], groups=b * c)
    flat = F.conv2d(F.pad(flat, (0, 0, radius, radius), mode="reflect"), kernel[:, None, :, None], groups=b * c)
    return flat.reshape(b, c, h, w)


def _luma(x: torch.Tensor) -> torch.Tensor:
    weights = _constant((0.299, 0.587, 0.114), x.dtype, x.device)
    return torch.einsum("c,bchw->bhw", weights, x)[:, None]


def _radius_squared(x: torch.Tensor) -> torch.Tensor:
    ys = torch.linspace(-1.0, 1.0, x.shape[-2], dtype=x.dtype, device=x.device)
    xs = torch.linspace(-1.0, 1.0, x.shape[-1], dtype=x.dtype, device=x.device)
    return (ys[:, None] ** 2 + xs[None, :] ** 2)[None, None]


def _shift(r: float, g: float, b: float) -> Callable[[torch.Tensor, torch.Tensor], torch.Tensor]:
    def op(x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        return x + t * _constant((r, g, b), x.dtype, x.device)[None, :, None, None]

    return op


_SEPIA = ((0.393, 0.769, 0.189), (0.349, 0.686, 0.168), (0.272, 0.534, 0.131))


def _sepia(x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    toned = torch.einsum("ij,bjhw->bihw", _constant(_SEPIA, x.dtype, x.device), x)
    return x * (1 - t) + toned * t


def _contrast(factor: Callable[[torch.Tensor], torch.Tensor]) -> Callable[[torch.Tensor, torch.Tensor], torch.Tensor]:
    def op(x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        mean = x.mean(dim=(1, 2, 3), keepdim=True)
        return (x - mean) * factor(t) + mean

    return op


def _chroma(factor: Callable[[torch.Tensor], torch.Tensor]) -> Callable[[torch.Tensor, torch.Tensor], torch.Tensor]:
    def op(x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        luma = _luma(x)
        return luma + (x - luma) * factor(t)

    return op


def _posterize(x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    """L = max(2, round(8 - 6t)) levels, x -> floor(x L) / (L - 1): the reference's (nonstandard) formula."""
    levels = torch.clamp(torch.round(8 - 6 * t), min=2)
    return torch.floor(x * levels) / (levels - 1)


_PIXEL_OPS: dict[str, Callable[[torch.Tensor, torch.Tensor], torch.Tensor]] = {
    "sepia": _sepia,
    "cool_blue": _shift(-0.10, 0.0, 0.20),
    "warm_amber": _shift(0.15, 0.06, -0.12),
    "green_tint": _shift(-0.08, 0.15, -0.08),
    "overexposed": lambda x, t: x * (1 + t) + 0.15 * t,
    "underexposed": lambda x, t: x * (1 - 0.7 * t),
    "high_contrast": _contrast(lambda t: 1 + 2 * t),
    "low_contrast": _contrast(lambda t: 1 - 0.8 * t),
    "soft_focus": lambda x, t: gaussian_blur(x, 1 + 5 * t.flatten(), max_sigma=1 + 5 * INTENSITY_RANGE[1]),
    "posterize": _posterize,
    "solarize": lambda x, t: torch.where(x > 1 - 0.5 * t, 1 - x, x),
    "vivid": _chroma(lambda t: 1 + 2.5 * t),
    "muted": _chroma(lambda t: 1 - 0.9 * t),
    "vignette": lambda x, t: x * (1 - t * torch.clamp(_radius_squared(x) / 2, 0, 1)),
    "spotlight": lambda x, t: x * (1 + 0.5 * t * (1 - torch.clamp(_radius_squared(x), 0, 1))),
}


def apply_style(
    name: str, images: torch.Tensor, intensity: torch.Tensor, seed: int = 0, index: torch.Tensor | None = None
) -> torch.Tensor:
    """One named style at per-image intensity t (B,), clamped to [0, 1]; grain noise is keyed by (seed, index)."""
    t = intensity.to(images.dtype).reshape(-1, 1, 1, 1)
    if name == "grain":
        ids = torch.arange(images.shape[0], device=images.device) if index is None else index
        noise = normals(seed, ids, _STREAM_GRAIN, images[0].numel()).reshape(images.shape)
        out = images + 0.25 * t * noise.to(images.dtype)
    elif name in _PIXEL_OPS:
        out = _PIXEL_OPS[name](images, t)
    else:
        raise ValueError(f"unknown style {name!r}; known: {[s.name for _, g in STYLE_GROUPS for s in g]}")
    return out.clamp(0.0, 1.0)


def apply_draws(images: torch.Tensor, draws: StyleDraws, seed: int, index: torch.Tensor) -> torch.Tensor:
    """Apply each item's drawn styles in group order; items without a style in a group pass through.

    Every style is computed for the whole batch and kept where drawn (a select, not a gather of the chosen
    rows), so the batch never waits for the device to say how many rows chose a style.
    """
    out = images
    for g, (_, styles) in enumerate(STYLE_GROUPS):
        for k, style in enumerate(styles):
            chosen = (draws.active[:, g] & (draws.choice[:, g] == k)).reshape(-1, 1, 1, 1)
            out = torch.where(chosen, apply_style(style.name, out, draws.intensity[:, g], seed, index), out)
    return out


class ImageStyleNoise:
    """Callable image-only style noise at strength s: n(s) style groups, then a blur sigma = 4 s."""

    def __init__(self, strength: float, seed: int, extra_blur: bool = True) -> None:
        self.n_groups = n_active_groups(strength)
        self.strength = float(strength)
        self.seed = int(seed)
        self.sigma = blur_sigma(strength) if extra_blur else 0.0

    def __call__(self, images: torch.Tensor, index: torch.Tensor) -> torch.Tensor:
        """images (B, 3, H, W) in [0, 1] and their item ids (B,) -> styled images, same shape and dtype."""
        if images.ndim != 4 or images.shape[1] != 3:
            raise ValueError(f"style noise expects (B, 3, H, W) images; got shape {tuple(images.shape)}")
        if self.n_groups == 0:
            return images
        index = index.to(images.device)
        out = apply_draws(images, draw_styles(self.seed, index, self.strength), self.seed, index)
        return gaussian_blur(out, self.sigma).clamp(0.0, 1.0) if self.sigma > 0 else out
