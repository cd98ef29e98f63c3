"""dSprites shape templates: the 3 canonical images from the official npz, or rasterised procedurally.

The experiment only ever uses color 0, scale index 5 (1.0), orientation 0 and position index (16, 16)
for the three shapes. The official file holds 737,280 images in a compressed npz; we stream through the
`imgs` member and keep only the three rows, instead of turning the whole array into ~12 GB of floats.
"""

from __future__ import annotations

import functools
import zipfile
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import IO

import numpy as np
import torch

from alignpredict.data.stereo import Templates

SHAPE_NAMES: tuple[str, ...] = ("square", "ellipse", "heart")
CHANNELS = 1
IMAGE_SIZE = 64
LATENT_BASES = np.array([737280, 245760, 40960, 1024, 32, 1])
CANONICAL_CLASSES = np.array([[0, shape, 5, 0, 16, 16] for shape in range(len(SHAPE_NAMES))])
CANONICAL_INDICES: tuple[int, ...] = tuple(int(i) for i in CANONICAL_CLASSES @ LATENT_BASES)

# Procedural sizes in pixels, calibrated so the mean sprite area at scale 1 is about 300 px
# (dataset mean intensity 0.043 over scales with mean scale**2 = 0.59: 0.043 * 4096 / 0.59 ~ 300;
# docs/protocols/stereo.md, "Offline templates").
SQUARE_SIDE_PX = 18.0
ELLIPSE_SEMI_AXES_PX = (12.0, 6.0)  # (horizontal, vertical); the official long-axis direction is unverified
HEART_AREA_PX = 350.0
CENTRE_PX = 16 / 31 * (IMAGE_SIZE - 1) + 0.5  # posX = posY = 16/31 in [0, 1], in continuous pixel units
SUPERSAMPLE = 8

_NPY_HEADER_READERS = {
    (1, 0): np.lib.format.read_array_header_1_0,
    (2, 0): np.lib.format.read_array_header_2_0,
}


def _npy_rows(member: IO[bytes], rows: Sequence[int], key: str) -> tuple[np.ndarray, tuple[int, ...]]:
    """Read selected leading-axis rows of a .npy stream, holding only those rows in memory; CRC-checked."""
    version = np.lib.format.read_magic(member)
    if version not in _NPY_HEADER_READERS:
        raise ValueError(f"npz member '{key}' uses .npy format version {version}; re-save it with numpy.savez")
    shape, fortran_order, dtype = _NPY_HEADER_READERS[version](member)
    if fortran_order or dtype.hasobject or len(shape) == 0:
        raise ValueError(f"npz member '{key}' must be a C-ordered numeric array, got dtype {dtype}, shape {shape}")
    if max(rows) >= shape[0]:
        raise ValueError(
            f"npz member '{key}' has {shape[0]} rows but row {max(rows)} is needed; is this the "
            "full dsprites_ndarray_co1sh3sc6or40x32y32_64x64.npz?"
        )
    row_shape = tuple(shape[1:])
    row_bytes = int(np.prod(row_shape, dtype=np.int64)) * dtype.itemsize
    data_start = member.tell()
    out = {}
    for row in sorted(set(rows)):  # forward seeks only: a compressed member is decoded, never rewound
        member.seek(data_start + row * row_bytes)
        raw = member.read(row_bytes)
        if len(raw) != row_bytes:
            raise ValueError(f"npz member '{key}' is truncated (row {row} incomplete)")
        out[row] = np.frombuffer(raw, dtype=dtype).reshape(row_shape)
    while member.read(1 << 22):  # drain to the end so zipfile checks the CRC (the last row needed is 94% in)
        pass
    return np.stack([out[row] for row in rows]), tuple(shape)


def load_dsprites_templates(path: str | Path, indices: Sequence[int] = CANONICAL_INDICES) -> Templates:
    """The canonical sprites of the official npz as (3, 1, 64, 64) float templates in {0, 1}.

    `indices` are the flat rows to read (the official ones by default); tests point them at a tiny file,
    and the rows' `latents_classes` are still checked against the canonical factor classes.
    """
    path = Path(path).expanduser()
    if not path.is_file():
        raise FileNotFoundError(
            f"dSprites file not found: {path}. Download dsprites_ndarray_co1sh3sc6or40x32y32_"
            "64x64.npz from github.com/deepmind/dsprites-dataset, or set template_path=null "
            "for procedural templates"
        )
    try:
        with zipfile.ZipFile(path) as archive:
            members = {Path(name).stem: name for name in archive.namelist()}
            missing = {"imgs", "latents_classes"} - members.keys()
            if missing:
                raise ValueError(
                    f"{path} is not the dSprites npz: keys {sorted(missing)} missing (found {sorted(members)})"
                )
            with archive.open(members["latents_classes"]) as member:
                classes, _ = _npy_rows(member, indices, "latents_classes")
            with archive.open(members["imgs"]) as member:
                images, images_shape = _npy_rows(member, indices, "imgs")
    except (zipfile.BadZipFile, zlib.error, EOFError) as error:
        raise ValueError(
            f"{path} is not a readable npz file ({error}); re-download the official dSprites npz "
            "or set template_path=null for procedural templates"
        ) from None
    if images_shape[1:] != (IMAGE_SIZE, IMAGE_SIZE):
        raise ValueError(f"{path}: imgs must have shape (N, 64, 64), got {images_shape}")
    if not np.array_equal(classes, CANONICAL_CLASSES):
        raise ValueError(
            f"{path}: latents_classes at rows {list(indices)} are {classes.tolist()}, expected "
            f"{CANONICAL_CLASSES.tolist()} (color, shape, scale, orientation, posX, posY); "
            "the file is not the official dSprites layout"
        )
    if not np.isin(images, (0, 1)).all():
        raise ValueError(f"{path}: dSprites imgs must be binary 0/1, found values {np.unique(images)[:8]}")
    templates = torch.from_numpy(images.astype(np.float32)).unsqueeze(1)
    return Templates(images=templates, masks=templates.clone(), source="official")


def _shape_inside(shape: str, dx: np.ndarray, dy: np.ndarray) -> np.ndarray:
    """Whether points at pixel offsets (dx right, dy down) from the centre fall inside the sprite."""
    if shape == "square":
        half = SQUARE_SIDE_PX / 2
        return (np.abs(dx) <= half) & (np.abs(dy) <= half)
    if shape == "ellipse":
        semi_x, semi_y = ELLIPSE_SEMI_AXES_PX
        return (dx / semi_x) ** 2 + (dy / semi_y) ** 2 <= 1.0
    if shape == "heart":
        # the implicit heart (x^2 + y^2 - 1)^3 <= x^2 y^3 (y up), scaled from its unit area to HEART_AREA_PX
        unit = np.sqrt(HEART_AREA_PX / _UNIT_HEART_AREA)
        x, y = dx / unit, -dy / unit + 0.1  # +0.1 centres the heart's bounding box vertically
        return (x**2 + y**2 - 1.0) ** 3 <= x**2 * y**3
    raise ValueError(f"unknown dSprites shape '{shape}', expected one of {SHAPE_NAMES}")


def _unit_heart_area(resolution: int = 2001) -> float:
    """Area of the implicit unit heart by dense sampling (computed once, so the size stays calibrated)."""
    axis = np.linspace(-1.5, 1.5, resolution)
    x, y = np.meshgrid(axis, axis)
    return float(((x**2 + y**2 - 1.0) ** 3 <= x**2 * y**3).mean() * 9.0)


_UNIT_HEART_AREA = _unit_heart_area()


@functools.lru_cache(maxsize=1)
def render_dsprites_templates() -> Templates:
    """Binary 64x64 square, ellipse and heart at the canonical position, rasterised by supersampling."""
    sub = (np.arange(IMAGE_SIZE * SUPERSAMPLE) + 0.5) / SUPERSAMPLE - CENTRE_PX
    dx, dy = np.meshgrid(sub, sub)
    images = []
    for shape in SHAPE_NAMES:
        coverage = _shape_inside(shape, dx, dy).reshape(IMAGE_SIZE, SUPERSAMPLE, IMAGE_SIZE, SUPERSAMPLE)
        images.append(coverage.mean(axis=(1, 3)) >= 0.5)
    templates = torch.from_numpy(np.stack(images).astype(np.float32)).unsqueeze(1)
    return Templates(images=templates, masks=templates.clone(), source="procedural")
