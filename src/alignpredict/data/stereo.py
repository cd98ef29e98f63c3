"""Stereo pairs from shape templates, shared by dSprites and 3DShapes, generated a whole batch at a time.

Item i of a dataset with seed s is a pure function of (s, i): its shape (the label), its world position
p ~ U[-pos_range/2, pos_range/2]^2, and for each view (x = left, y = right) a translation
p + (-/+ baseline/2, 0) + jitter * N(0, I), a rotation angle, and pixel noise. Each view is one affine
warp of the template (grid_sample, bilinear, zero padding, align_corners=False, 1 unit = half the image),
then x = clamp(view + noise_x * N, 0, 1), y likewise with noise_y. The standardised draws do not depend
on the parameters, so the same index gives the same shape and position in every sweep configuration.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from alignpredict.data import counter_rng

STREAM_SHAPE = 0
STREAM_POSITION = 1
STREAM_VIEW_JITTER = 2  # 6 normals: (dx, dy, dtheta) for view x, then for view y
STREAM_NOISE_X = 3
STREAM_NOISE_Y = 4

VIEW_NAMES: tuple[str, str] = ("x", "y")
OUT_OF_FRAME_VISIBLE = 0.01  # a view whose visible object area is below 1% counts as "object left the frame"
CLIPPED_VISIBLE = 0.95  # below 95% visible counts as clipped (bilinear resampling alone stays well above)


@dataclass(frozen=True)
class Templates:
    """Canonical images (C, ch, H, W) in [0, 1], their object masks (C, 1, H, W) and where they came from."""

    images: torch.Tensor
    masks: torch.Tensor
    source: str

    def to(self, device: torch.device | str) -> Templates:
        return Templates(self.images.to(device), self.masks.to(device), self.source)

    def resized(self, side: int) -> Templates:
        """The same templates at `side` x `side` pixels, area-averaged (a 64 -> 32 px version keeps each object's
        mean intensity and, since positions are in image units, the same geometry)."""
        if side == self.images.shape[-1]:
            return self
        shrink = lambda images: F.interpolate(images, size=(side, side), mode="area")  # noqa: E731
        return Templates(shrink(self.images), shrink(self.masks), f"{self.source}, area-resized to {side} px")

    @property
    def num_classes(self) -> int:
        return int(self.images.shape[0])


@dataclass(frozen=True)
class StereoConfig:
    """The knobs of the pair generator; `rotation=None` ties the rotation std to the jitter (dSprites paper)."""

    jitter: float
    noise_y: float
    noise_x: float = 0.1
    rotation: float | None = None
    baseline: float = 0.4
    pos_range: float = 1.0
    seed: int = 0

    def __post_init__(self) -> None:
        if not (math.isfinite(self.jitter) and self.jitter >= 0):
            raise ValueError(
                f"jitter must be a finite number >= 0 (it is the std of the per-view offset), got {self.jitter}"
            )
        for name in ("noise_x", "noise_y"):
            value = getattr(self, name)
            if not (math.isfinite(value) and 0.0 <= value <= 1.0):
                raise ValueError(f"{name} must be in [0, 1] (pixel noise std on images in [0, 1]), got {value}")
        if self.rotation is not None and not (math.isfinite(self.rotation) and self.rotation >= 0):
            raise ValueError(f"rotation must be null (tied to jitter) or a std >= 0 in radians, got {self.rotation}")
        if not (math.isfinite(self.pos_range) and self.pos_range >= 0):
            raise ValueError(f"pos_range must be a finite number >= 0, got {self.pos_range}")
        if not math.isfinite(self.baseline):
            raise ValueError(f"baseline must be finite, got {self.baseline}")
        if not (isinstance(self.seed, int) and 0 <= self.seed < 1 << 63):
            raise ValueError(f"seed must be an integer in [0, 2**63), got {self.seed!r}")

    @property
    def rotation_sigma(self) -> float:
        return self.jitter if self.rotation is None else self.rotation


@dataclass(frozen=True)
class PairLatents:
    """Per-item draws: label (B,), world position (B, 2), view translations (B, 2, 2), view angles (B, 2)."""

    label: torch.Tensor
    position: torch.Tensor
    translation: torch.Tensor
    angle: torch.Tensor

    def displacement(self) -> torch.Tensor:
        """(B, 2 views, 2) where the template centre lands in each view: the translation turned by the angle."""
        cos, sin = torch.cos(self.angle), torch.sin(self.angle)
        tx, ty = self.translation[..., 0], self.translation[..., 1]
        return torch.stack((cos * tx - sin * ty, sin * tx + cos * ty), dim=-1)


def draw_latents(config: StereoConfig, indices: torch.Tensor, num_classes: int) -> PairLatents:
    """Shape, world position and per-view translation/angle for each index, on the indices' device."""
    seed = config.seed
    label = (counter_rng.uniforms(seed, indices, STREAM_SHAPE, 1)[:, 0] * num_classes).long().clamp_max(num_classes - 1)
    position = (counter_rng.uniforms(seed, indices, STREAM_POSITION, 2) - 0.5) * config.pos_range
    jitter = counter_rng.normals(seed, indices, STREAM_VIEW_JITTER, 6).view(-1, 2, 3)
    half = config.baseline / 2  # the views sit at -/+ half the baseline on the x axis (Python scalars: no copy)
    view_x = torch.stack((position[:, 0] - half, position[:, 1]), dim=-1)
    view_y = torch.stack((position[:, 0] + half, position[:, 1]), dim=-1)
    translation = torch.stack((view_x, view_y), dim=1) + config.jitter * jitter[..., :2]
    angle = config.rotation_sigma * jitter[..., 2]
    return PairLatents(label=label, position=position, translation=translation, angle=angle)


def warp(images: torch.Tensor, translation: torch.Tensor, angle: torch.Tensor) -> torch.Tensor:
    """Move each image's content by R(angle) @ translation (normalised units): sample at R(-angle) @ out - t."""
    cos, sin = torch.cos(angle), torch.sin(angle)
    theta = torch.stack(
        (torch.stack((cos, sin, -translation[:, 0]), dim=-1), torch.stack((-sin, cos, -translation[:, 1]), dim=-1)),
        dim=1,
    )
    grid = F.affine_grid(theta.to(images.dtype), list(images.shape), align_corners=False)
    return F.grid_sample(images, grid, mode="bilinear", padding_mode="zeros", align_corners=False)


def warp_views(images: torch.Tensor, latents: PairLatents) -> tuple[torch.Tensor, torch.Tensor]:
    """Both views of per-item images (B, ch, H, W) in one grid_sample call: (view x, view y)."""
    both = warp(
        images.repeat(2, 1, 1, 1),
        latents.translation.transpose(0, 1).reshape(-1, 2),
        latents.angle.transpose(0, 1).reshape(-1),
    )
    view_x, view_y = both.chunk(2)
    return view_x, view_y


def _noisy(view: torch.Tensor, sigma: float, seed: int, indices: torch.Tensor, stream: int) -> torch.Tensor:
    if sigma == 0.0:
        return view.clamp(0.0, 1.0)
    noise = counter_rng.normals(seed, indices, stream, view[0].numel()).view_as(view)
    return (view + sigma * noise).clamp(0.0, 1.0)


def make_pairs(templates: Templates, config: StereoConfig, indices: torch.Tensor) -> dict[str, torch.Tensor]:
    """A batch {"x", "y", "label", "pos", "index"} for int64 `indices`, on the device of `indices`."""
    if indices.dtype != torch.int64 or indices.ndim != 1:
        raise ValueError(f"indices must be a 1-d int64 tensor, got {indices.dtype} with shape {tuple(indices.shape)}")
    latents = draw_latents(config, indices, templates.num_classes)
    view_x, view_y = warp_views(templates.images[latents.label], latents)
    return {
        "x": _noisy(view_x, config.noise_x, config.seed, indices, STREAM_NOISE_X),
        "y": _noisy(view_y, config.noise_y, config.seed, indices, STREAM_NOISE_Y),
        "label": latents.label,
        "pos": latents.position,
        "index": indices,
    }


def visible_fraction(templates: Templates, latents: PairLatents) -> torch.Tensor:
    """(B, 2 views) share of each object's mask area still inside the frame after the view's warp."""
    masks = templates.masks[latents.label]
    area = masks.flatten(1).sum(dim=1, keepdim=True)
    visible = torch.cat([view.flatten(1).sum(dim=1, keepdim=True) for view in warp_views(masks, latents)], dim=1)
    return (visible / area).clamp(0.0, 1.0)


def analytic_position_correlation(jitter: float, pos_range: float) -> float:
    """Per-axis correlation of the two views' positions, Var(p) / (Var(p) + jitter^2), Var(p) = range^2/12."""
    variance = pos_range**2 / 12.0
    if variance + jitter**2 == 0.0:
        return float("nan")
    return variance / (variance + jitter**2)


def empirical_position_correlation(latents: PairLatents) -> float:
    """Cross-view Pearson correlation of where the object lands (rotation included), averaged over 2 axes."""
    shown = latents.displacement().double()
    correlations = [torch.corrcoef(torch.stack((shown[:, 0, axis], shown[:, 1, axis])))[0, 1] for axis in (0, 1)]
    return float(torch.stack(correlations).mean())


def pair_statistics(templates: Templates, config: StereoConfig, indices: torch.Tensor) -> dict[str, float]:
    """The nominal and actual nuisance alignment and how often the object is cut by the frame, per view."""
    latents = draw_latents(config, indices, templates.num_classes)
    visible = visible_fraction(templates, latents)
    stats = {
        "nu_max": 1.0 - config.jitter,
        "pos_corr": analytic_position_correlation(config.jitter, config.pos_range),
        "pos_corr_empirical": empirical_position_correlation(latents),
        "rotation_sigma": config.rotation_sigma,
    }
    for view, name in enumerate(VIEW_NAMES):
        stats[f"frac_out_of_frame_{name}"] = float((visible[:, view] < OUT_OF_FRAME_VISIBLE).double().mean())
        stats[f"frac_clipped_{name}"] = float((visible[:, view] < CLIPPED_VISIBLE).double().mean())
    return stats
