"""3DShapes templates: the 4 canonical renders from the official 3dshapes.h5, or a small numpy ray caster.

The experiment only uses floor/wall/object hue 0, scale 1.25 and orientation -30 degrees, for the four
shapes (flat indices 420, 435, 450, 465). The h5 file is read with h5py, four rows only.
The ray caster (floor, back wall, one object by sphere tracing signed distances, Lambertian + ambient)
only approximates the official MuJoCo renders: the pipeline accepts the real file when it is there.
"""

from __future__ import annotations

import colorsys
import functools
import math
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import torch

from alignpredict.data.stereo import Templates

SHAPE_NAMES: tuple[str, ...] = ("cube", "cylinder", "sphere", "capsule")
CHANNELS = 3
IMAGE_SIZE = 64
FACTOR_NAMES: tuple[str, ...] = ("floor_hue", "wall_hue", "object_hue", "scale", "shape", "orientation")
LATENT_BASES = np.array([48000, 4800, 480, 60, 15, 1])
CANONICAL_SCALE = 1.25
CANONICAL_ORIENTATION_DEG = -30.0
CANONICAL_LABELS = np.array(
    [[0.0, 0.0, 0.0, CANONICAL_SCALE, shape, CANONICAL_ORIENTATION_DEG] for shape in range(len(SHAPE_NAMES))]
)
CANONICAL_INDICES: tuple[int, ...] = tuple(
    int(i) for i in np.array([[0, 0, 0, 7, shape, 0] for shape in range(len(SHAPE_NAMES))]) @ LATENT_BASES
)

# Scene, in world units with z up; the object stands on the floor at the origin.
OBJECT_HALF_SIZE_PER_SCALE = 0.45
CAMERA_DISTANCE = 5.0
CAMERA_HEIGHT = 2.2
CAMERA_TARGET_HEIGHT = 0.9
VERTICAL_FOV_DEG = 38.0
BACK_WALL_Y = 3.0
LIGHT_DIRECTION = np.array([-0.4, -0.7, 1.0]) / np.linalg.norm([-0.4, -0.7, 1.0])
AMBIENT = 0.35
DIFFUSE = 0.65
SATURATION = 0.8
SUPERSAMPLE = 3
MARCH_STEPS = 96
HIT_EPSILON = 1e-3


def load_shapes3d_templates(path: str | Path, indices: Sequence[int] = CANONICAL_INDICES) -> Templates:
    """The canonical renders of the official 3dshapes.h5 as (4, 3, 64, 64) floats in [0, 1].

    Only the four rows are read. The object masks (used for the out-of-frame statistics) come from the
    procedural renderer, since the official file has no segmentation.
    """
    import h5py

    path = Path(path).expanduser()
    if not path.is_file():
        raise FileNotFoundError(
            f"3DShapes file not found: {path}. Download 3dshapes.h5 from the "
            "3d-shapes Google storage bucket, or set template_path=null for procedural templates"
        )
    rows = sorted(set(indices))
    try:
        with h5py.File(path, "r") as handle:
            missing = {"images", "labels"} - set(handle.keys())
            if missing:
                raise ValueError(
                    f"{path} is not 3dshapes.h5: datasets {sorted(missing)} missing (found {sorted(handle.keys())})"
                )
            images_ds, labels_ds = handle["images"], handle["labels"]
            if images_ds.ndim != 4 or images_ds.shape[1:] != (IMAGE_SIZE, IMAGE_SIZE, CHANNELS):
                raise ValueError(f"{path}: images must have shape (N, 64, 64, 3), got {images_ds.shape}")
            if labels_ds.ndim != 2 or labels_ds.shape[1] != len(FACTOR_NAMES):
                raise ValueError(f"{path}: labels must have shape (N, 6), got {labels_ds.shape}")
            if rows[-1] >= images_ds.shape[0] or rows[-1] >= labels_ds.shape[0]:
                raise ValueError(
                    f"{path} has {images_ds.shape[0]} images but row {rows[-1]} is needed; "
                    "is this the full 3dshapes.h5?"
                )
            by_row = dict(zip(rows, images_ds[rows]))
            labels_by_row = dict(zip(rows, labels_ds[rows]))
    except OSError as error:
        raise ValueError(
            f"{path} is not a readable HDF5 file ({error}); re-download 3dshapes.h5 or set "
            "template_path=null for procedural templates"
        ) from None
    images = np.stack([by_row[row] for row in indices])
    labels = np.stack([labels_by_row[row] for row in indices])
    if not np.allclose(labels, CANONICAL_LABELS, atol=1e-6):
        raise ValueError(
            f"{path}: labels at rows {list(indices)} are {labels.tolist()}, expected "
            f"{CANONICAL_LABELS.tolist()} ({', '.join(FACTOR_NAMES)}); not the official layout"
        )
    if images.dtype != np.uint8:
        raise ValueError(f"{path}: images must be uint8, got {images.dtype}")
    templates = torch.from_numpy(images.astype(np.float32) / 255.0).permute(0, 3, 1, 2).contiguous()
    return Templates(images=templates, masks=render_shapes3d_templates().masks, source="official")


def _box(p: np.ndarray, half: np.ndarray) -> np.ndarray:
    q = np.abs(p) - half
    return np.linalg.norm(np.maximum(q, 0.0), axis=-1) + np.minimum(q.max(axis=-1), 0.0)


def _vertical_cylinder(p: np.ndarray, radius: float, half_height: float) -> np.ndarray:
    d = np.stack((np.linalg.norm(p[..., :2], axis=-1) - radius, np.abs(p[..., 2]) - half_height), axis=-1)
    return np.minimum(d.max(axis=-1), 0.0) + np.linalg.norm(np.maximum(d, 0.0), axis=-1)


def _sphere(p: np.ndarray, radius: float) -> np.ndarray:
    return np.linalg.norm(p, axis=-1) - radius


def _lying_capsule(p: np.ndarray, radius: float, half_length: float) -> np.ndarray:
    along = np.clip(p[..., 0], -half_length, half_length)
    return np.linalg.norm(p - np.stack((along, np.zeros_like(along), np.zeros_like(along)), axis=-1), axis=-1) - radius


def object_distance(shape: str, scale: float) -> Callable[[np.ndarray], np.ndarray]:
    """Signed distance to the object resting on the floor (z = 0) at the origin."""
    half = OBJECT_HALF_SIZE_PER_SCALE * scale
    if shape == "cube":
        return lambda p: _box(p - [0.0, 0.0, half], np.array([half, half, half]))
    if shape == "cylinder":
        return lambda p: _vertical_cylinder(p - [0.0, 0.0, half], half, half)
    if shape == "sphere":
        return lambda p: _sphere(p - [0.0, 0.0, half], half)
    if shape == "capsule":
        radius = 0.6 * half
        return lambda p: _lying_capsule(p - [0.0, 0.0, radius], radius, 0.9 * half)
    raise ValueError(f"unknown 3DShapes shape '{shape}', expected one of {SHAPE_NAMES}")


def _camera_rays(azimuth_deg: float) -> tuple[np.ndarray, np.ndarray]:
    """Origin (3,) and unit ray directions (H*s, W*s, 3) of a pinhole camera orbiting the z axis."""
    azimuth = math.radians(azimuth_deg)
    origin = np.array([CAMERA_DISTANCE * math.sin(azimuth), -CAMERA_DISTANCE * math.cos(azimuth), CAMERA_HEIGHT])
    forward = np.array([0.0, 0.0, CAMERA_TARGET_HEIGHT]) - origin
    forward /= np.linalg.norm(forward)
    right = np.cross(forward, [0.0, 0.0, 1.0])
    right /= np.linalg.norm(right)
    up = np.cross(right, forward)
    size = IMAGE_SIZE * SUPERSAMPLE
    half_extent = math.tan(math.radians(VERTICAL_FOV_DEG) / 2)
    coords = ((np.arange(size) + 0.5) / size * 2.0 - 1.0) * half_extent
    u, v = np.meshgrid(coords, -coords)  # image rows go down, camera up goes up
    directions = forward + u[..., None] * right + v[..., None] * up
    return origin, directions / np.linalg.norm(directions, axis=-1, keepdims=True)


def _march(
    distance: Callable[[np.ndarray], np.ndarray], origin: np.ndarray, directions: np.ndarray, far: np.ndarray
) -> np.ndarray:
    """Sphere tracing: the ray length to the object surface, or +inf where it is missed before `far`."""
    t = np.zeros(directions.shape[:-1])
    hit = np.zeros(directions.shape[:-1], dtype=bool)
    for _ in range(MARCH_STEPS):
        d = distance(origin + t[..., None] * directions)
        hit |= d < HIT_EPSILON
        t = np.where(hit, t, t + d)
    return np.where(hit & (t < far), t, np.inf)


def _normals(distance: Callable[[np.ndarray], np.ndarray], points: np.ndarray, eps: float = 1e-4) -> np.ndarray:
    offsets = np.eye(3) * eps
    grad = np.stack([distance(points + o) - distance(points - o) for o in offsets], axis=-1)
    return grad / np.maximum(np.linalg.norm(grad, axis=-1, keepdims=True), 1e-12)


def _plane_hit(origin: np.ndarray, directions: np.ndarray, axis: int, level: float, facing: float) -> np.ndarray:
    """Ray length to the plane coordinate[axis] = level, seen from the side the camera is on (+inf if none)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        t = (level - origin[axis]) / directions[..., axis]
    return np.where((t > 0) & (directions[..., axis] * facing < 0), t, np.inf)


def render_scene(
    shape: str,
    scale: float = CANONICAL_SCALE,
    azimuth_deg: float = CANONICAL_ORIENTATION_DEG,
    floor_hue: float = 0.0,
    wall_hue: float = 0.0,
    object_hue: float = 0.0,
) -> tuple[np.ndarray, np.ndarray]:
    """One 64x64 render: (rgb (64, 64, 3) in [0, 1] quantised to 1/255, object coverage (64, 64) in [0, 1])."""
    origin, directions = _camera_rays(azimuth_deg)
    floor_t = _plane_hit(origin, directions, axis=2, level=0.0, facing=1.0)
    wall_t = _plane_hit(origin, directions, axis=1, level=BACK_WALL_Y, facing=-1.0)
    distance = object_distance(shape, scale)
    object_t = _march(distance, origin, directions, far=np.minimum(floor_t, wall_t))
    nearest = np.argmin(np.stack((floor_t, wall_t, object_t)), axis=0)  # 0 floor, 1 wall, 2 object
    t = np.min(np.stack((floor_t, wall_t, object_t)), axis=0)
    points = origin + np.where(np.isfinite(t), t, 0.0)[..., None] * directions
    normals = np.where(
        (nearest == 2)[..., None],
        _normals(distance, points),
        np.where((nearest == 0)[..., None], [0.0, 0.0, 1.0], [0.0, -1.0, 0.0]),
    )
    shading = AMBIENT + DIFFUSE * np.clip(normals @ LIGHT_DIRECTION, 0.0, None)
    base = np.array([colorsys.hsv_to_rgb(hue, SATURATION, 1.0) for hue in (floor_hue, wall_hue, object_hue)])
    rgb = np.where(np.isfinite(t)[..., None], base[nearest] * shading[..., None], 0.0)
    pool = (IMAGE_SIZE, SUPERSAMPLE, IMAGE_SIZE, SUPERSAMPLE)
    rgb = rgb.reshape(*pool, 3).mean(axis=(1, 3))
    coverage = (nearest == 2).reshape(pool).mean(axis=(1, 3))
    return np.round(np.clip(rgb, 0.0, 1.0) * 255.0) / 255.0, coverage


@functools.lru_cache(maxsize=1)
def render_shapes3d_templates() -> Templates:
    """The four canonical scenes (hue 0 everywhere, scale 1.25, azimuth -30 degrees), rendered once per process."""
    renders = [render_scene(shape) for shape in SHAPE_NAMES]
    images = torch.from_numpy(np.stack([rgb for rgb, _ in renders]).astype(np.float32)).permute(0, 3, 1, 2)
    masks = torch.from_numpy(np.stack([coverage >= 0.5 for _, coverage in renders]).astype(np.float32))
    return Templates(images=images.contiguous(), masks=masks.unsqueeze(1), source="procedural")
