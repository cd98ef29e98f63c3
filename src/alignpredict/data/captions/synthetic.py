"""Synthetic captioned scenes: the offline COCO surrogate (docs/protocols/captions.md,
"Offline surrogate").

Why: COCO cannot be downloaded here. Each 64x64 scene holds 1-4 objects from 16 classes (shape, colour
and texture), drawn from a Zipf-like class prior, over a gradient background with clutter strokes and
pixel noise; the label is the class of the largest object. Five grammar captions per image name the
dominant object only about 80% of the time (otherwise secondary objects or vague attributes), so text
is label-informative but imperfect, like COCO captions. Scene metadata for all items is drawn at once,
keyed by (seed, index) so item i never depends on n; pixels are rendered per batch, vectorised.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

import torch

from alignpredict.data.captions.text_nuisance import SceneObject
from alignpredict.data.counter_rng import python_rng, random_ints, uniforms


@dataclass(frozen=True)
class ObjectClass:
    name: str
    synonym: str
    shape: str
    colour_word: str
    rgb: tuple[float, float, float]
    texture: str


_RED, _BROWN, _YELLOW, _GREEN = (0.85, 0.15, 0.15), (0.55, 0.35, 0.15), (0.95, 0.85, 0.1), (0.2, 0.65, 0.2)
_WHITE, _PINK, _ORANGE, _BLUE = (0.92, 0.92, 0.92), (0.95, 0.5, 0.7), (1.0, 0.55, 0.05), (0.2, 0.35, 0.9)
_CYAN, _PURPLE, _TEAL = (0.3, 0.85, 0.9), (0.6, 0.2, 0.75), (0.1, 0.6, 0.55)
OBJECT_CLASSES: tuple[ObjectClass, ...] = (
    ObjectClass("ball", "sphere", "circle", "red", _RED, "solid"),
    ObjectClass("box", "crate", "square", "brown", _BROWN, "solid"),
    ObjectClass("kite", "glider", "diamond", "yellow", _YELLOW, "stripes"),
    ObjectClass("tent", "shelter", "triangle", "green", _GREEN, "solid"),
    ObjectClass("clock", "dial", "ring", "white", _WHITE, "solid"),
    ObjectClass("donut", "doughnut", "ring", "pink", _PINK, "dots"),
    ObjectClass("orange", "tangerine", "circle", "orange", _ORANGE, "dots"),
    ObjectClass("sign", "signpost", "triangle", "red", _RED, "stripes"),
    ObjectClass("frisbee", "disc", "ellipse", "blue", _BLUE, "solid"),
    ObjectClass("book", "novel", "bar", "blue", _BLUE, "stripes"),
    ObjectClass("pizza", "pie", "half_disc", "orange", _ORANGE, "checker"),
    ObjectClass("bench", "seat", "bar", "brown", _BROWN, "checker"),
    ObjectClass("window", "pane", "cross", "cyan", _CYAN, "solid"),
    ObjectClass("cake", "dessert", "square", "pink", _PINK, "checker"),
    ObjectClass("umbrella", "parasol", "half_disc", "purple", _PURPLE, "stripes"),
    ObjectClass("surfboard", "board", "ellipse", "teal", _TEAL, "stripes"),
)
SHAPES = ("circle", "square", "diamond", "triangle", "ring", "cross", "ellipse", "bar", "half_disc")
TEXTURES = ("solid", "stripes", "checker", "dots")
TEXTURE_WORDS = {"solid": ("plain",), "stripes": ("striped",), "checker": ("checkered",), "dots": ("dotted", "spotted")}
MAX_OBJECTS = 4
CLUTTER_GRID = 16
CLUTTER_DENSITY = 0.12
_NOISE_BANK = 64
_AREA_RANGE = (0.02, 0.16)
_EDGE_STREAMS = {
    name: 0xC0 + i
    for i, name in enumerate(
        ("count", "class", "area", "cx", "cy", "angle", "tint", "shade", "bg", "clutter", "noise", "caption")
    )
}


def _shape_distance(shape: str, u: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
    """Signed distance-like field in shape units (negative inside) for unit-size shapes."""
    if shape == "circle":
        return torch.sqrt(u**2 + v**2) - 1
    if shape == "square":
        return torch.maximum(u.abs(), v.abs()) - 1
    if shape == "diamond":
        return (u.abs() + v.abs()) / math.sqrt(2) - 1 / math.sqrt(2)
    if shape == "triangle":
        return torch.maximum(0.866 * u.abs() + 0.5 * v, -v) - 0.5
    if shape == "ring":
        return (torch.sqrt(u**2 + v**2) - 0.72).abs() - 0.28
    if shape == "cross":
        return torch.minimum(torch.maximum(u.abs() - 1, v.abs() - 0.33), torch.maximum(u.abs() - 0.33, v.abs() - 1))
    if shape == "ellipse":
        return torch.sqrt(u**2 + (v / 0.5) ** 2) - 1
    if shape == "bar":
        return torch.maximum(u.abs() - 1, v.abs() - 0.35)
    if shape == "half_disc":
        return torch.maximum(torch.sqrt(u**2 + (v + 0.5) ** 2) - 1, v + 0.5 - 1.0).clamp_min(-(v + 0.5))
    raise ValueError(f"unknown shape {shape!r}")


def _unit_areas() -> torch.Tensor:
    """Area of each unit shape, measured once on a fine grid, so an object's drawn area matches its target."""
    axis = torch.linspace(-2, 2, 801)
    v, u = torch.meshgrid(axis, axis, indexing="ij")
    return torch.tensor([float((_shape_distance(s, u, v) < 0).float().mean()) * 16.0 for s in SHAPES])


_UNIT_AREAS = _unit_areas()


def _texture(texture: str, u: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
    """Darkening pattern in [0, 1] in the object's own (rotated) frame."""
    if texture == "solid":
        return torch.zeros_like(u)
    if texture == "stripes":
        return (torch.sin(3.0 * math.pi * u) > 0).float()
    if texture == "checker":
        return (torch.sin(2.5 * math.pi * u) * torch.sin(2.5 * math.pi * v) > 0).float()
    if texture == "dots":
        return (torch.cos(3.0 * math.pi * u) * torch.cos(3.0 * math.pi * v) > 0.5).float()
    raise ValueError(f"unknown texture {texture!r}")


def class_prior(n_classes: int, exponent: float) -> torch.Tensor:
    """Zipf-like prior p_k proportional to (k + 1)^-exponent: class 0 is as dominant as COCO's 'person'."""
    if not 2 <= n_classes <= len(OBJECT_CLASSES):
        raise ValueError(f"n_classes must lie in [2, {len(OBJECT_CLASSES)}]; got {n_classes}")
    if exponent < 0:
        raise ValueError(f"prior exponent must be >= 0 (0 = balanced); got {exponent}")
    weights = torch.arange(1, n_classes + 1, dtype=torch.float64) ** -float(exponent)
    return weights / weights.sum()


@dataclass(frozen=True)
class _Layout:
    """One item's objects (largest first) as plain lists."""

    classes: list[int]
    areas: list[float]
    xs: list[float]
    ys: list[float]


def _with_article(phrase: str) -> str:
    return ("an " if phrase[0] in "aeiou" else "a ") + phrase


class CaptionedScenes:
    """The synthetic captioned-scenes source: labels, captions and scene objects for all items, pixels per batch."""

    def __init__(
        self,
        n_samples: int,
        seed: int = 0,
        image_size: int = 64,
        n_classes: int = 16,
        prior_exponent: float = 1.0,
        captions_per_image: int = 5,
        p_name_dominant: float = 0.8,
        pixel_noise: float = 0.04,
    ) -> None:
        if n_samples < 1:
            raise ValueError(f"n_samples must be >= 1; got {n_samples}")
        if image_size < 16:
            raise ValueError(f"image_size must be >= 16 pixels; got {image_size}")
        if not 0.0 <= p_name_dominant <= 1.0:
            raise ValueError(f"p_name_dominant must lie in [0, 1]; got {p_name_dominant}")
        if captions_per_image < 1:
            raise ValueError(f"captions_per_image must be >= 1; got {captions_per_image}")
        self.seed, self.image_size, self.pixel_noise = int(seed), int(image_size), float(pixel_noise)
        self.classes = OBJECT_CLASSES[:n_classes]
        self.class_names = [c.name for c in self.classes]
        self.prior = class_prior(n_classes, prior_exponent)
        self._shape_ids = torch.tensor([SHAPES.index(c.shape) for c in self.classes])
        self._texture_ids = torch.tensor([TEXTURES.index(c.texture) for c in self.classes])
        self.item_ids = torch.arange(n_samples)
        self._draw_layout(self.item_ids)
        self.captions = [
            self._captions(i, layout, captions_per_image, p_name_dominant) for i, layout in enumerate(self._layouts())
        ]
        self._noise_bank = torch.randn(
            _NOISE_BANK, 3, image_size, image_size, generator=torch.Generator().manual_seed(self.seed)
        )

    def __len__(self) -> int:
        return len(self.item_ids)

    def _u(self, name: str, index: torch.Tensor, n: int) -> torch.Tensor:
        return uniforms(self.seed, index, _EDGE_STREAMS[name], n)

    def _draw_layout(self, index: torch.Tensor) -> None:
        """Object count, classes, areas, centres, angles and tints of every item; label = largest object."""
        n = len(index)
        self.n_objects = 1 + (self._u("count", index, 1)[:, 0] * MAX_OBJECTS).long().clamp_max(MAX_OBJECTS - 1)
        cdf = torch.cumsum(self.prior, 0).float()
        cls = torch.searchsorted(cdf, self._u("class", index, MAX_OBJECTS)).clamp_max(len(self.classes) - 1)
        low, high = _AREA_RANGE
        area = low + (high - low) * self._u("area", index, MAX_OBJECTS)
        present = torch.arange(MAX_OBJECTS)[None, :] < self.n_objects[:, None]
        area = torch.where(present, area, torch.zeros_like(area))
        order = torch.argsort(area, dim=1, descending=True)  # largest first: painted first, smaller on top
        take = lambda t: torch.gather(t, 1, order)  # noqa: E731
        self.object_class, self.object_area = take(cls), take(area)
        self.center_x = take(0.2 + 0.6 * self._u("cx", index, MAX_OBJECTS))
        self.center_y = take(0.2 + 0.6 * self._u("cy", index, MAX_OBJECTS))
        self.angle = take(2 * math.pi * self._u("angle", index, MAX_OBJECTS))
        tint = (self._u("tint", index, 3 * MAX_OBJECTS).reshape(n, MAX_OBJECTS, 3) - 0.5) * 0.16
        shade = 0.8 + 0.3 * self._u("shade", index, MAX_OBJECTS)
        base = torch.tensor([c.rgb for c in self.classes])[self.object_class]
        self.object_rgb = (
            (base + torch.gather(tint, 1, order[..., None].expand(-1, -1, 3)))
            * torch.gather(shade, 1, order)[..., None]
        ).clamp(0, 1)
        self.labels = self.object_class[:, 0].clone()

    def _layouts(self) -> list[_Layout]:
        """Per-item plain-Python views of the layout, for the string work (tensor indexing per item is slow)."""
        fields = [
            t.tolist() for t in (self.n_objects, self.object_class, self.object_area, self.center_x, self.center_y)
        ]
        return [_Layout(cls[:n], area[:n], x[:n], y[:n]) for n, cls, area, x, y in zip(*fields)]

    def scene_objects(self, row: int) -> list[SceneObject]:
        n = int(self.n_objects[row])
        return [
            SceneObject(self.class_names[c], a, x)
            for c, a, x in zip(
                self.object_class[row, :n].tolist(), self.object_area[row, :n].tolist(), self.center_x[row, :n].tolist()
            )
        ]

    def _noun_phrase(self, rng: random.Random, layout: _Layout, k: int, with_size: bool) -> str:
        cls = self.classes[layout.classes[k]]
        area = layout.areas[k]
        words = []
        if with_size and rng.random() < 0.4 and not 0.04 <= area <= 0.10:
            words.append(rng.choice(("large", "big") if area > 0.10 else ("small", "tiny")))
        if rng.random() < 0.5:
            words.append(cls.colour_word)
        if rng.random() < 0.3:
            words.append(rng.choice(TEXTURE_WORDS[cls.texture]))
        words.append(cls.synonym if rng.random() < 0.3 else cls.name)
        return _with_article(" ".join(words))

    @staticmethod
    def _relation(rng: random.Random, layout: _Layout, k: int) -> str:
        """A true spatial relation of the dominant object to object k (or a vague one)."""
        dx, dy = layout.xs[0] - layout.xs[k], layout.ys[0] - layout.ys[k]
        if rng.random() < 0.4:
            return rng.choice(("next to", "near", "beside"))
        if abs(dx) > abs(dy):
            return "to the left of" if dx < 0 else "to the right of"
        return "above" if dy < 0 else "below"

    def _captions(self, row: int, layout: _Layout, count: int, p_name: float) -> list[str]:
        """`count` grammar paraphrases; each names the dominant object with probability p_name."""
        rng = python_rng(self.seed, _EDGE_STREAMS["caption"], row)
        others = list(range(1, len(layout.classes)))
        dominant = self.classes[layout.classes[0]]
        out = []
        for _ in range(count):
            k = rng.choice(others) if others else 0
            if rng.random() < p_name:
                d = self._noun_phrase(rng, layout, 0, with_size=True)
                if others:
                    s, rel = self._noun_phrase(rng, layout, k, with_size=False), self._relation(rng, layout, k)
                    templates = [f"{d} {rel} {s}.", f"an image showing {d} and {s}.", f"we can see {d} {rel} {s}."]
                else:
                    templates = [f"{d} on a cluttered background.", f"we can see {d}."]
                templates += [
                    f"{d}.",
                    f"a picture of {d}.",
                    f"there is {d} in the image.",
                    f"close up of {d} with some clutter around.",
                ]
            elif others:
                s = self._noun_phrase(rng, layout, k, with_size=False)
                templates = [
                    f"{s} on a busy background.",
                    f"a cluttered scene with {s}.",
                    f"there is {s} near something {dominant.colour_word}.",
                    f"a photo with {s} in it.",
                ]
            else:
                texture = rng.choice(TEXTURE_WORDS[dominant.texture])
                templates = [
                    f"a {dominant.colour_word} object on a noisy background.",
                    "some shape in a cluttered picture.",
                    f"a blurry photo of something {texture}.",
                ]
            out.append(rng.choice(templates))
        return out

    def label_naming_rate(self) -> float:
        """Fraction of captions that contain the label's name or synonym as a word."""
        hits = total = 0
        for row, captions in enumerate(self.captions):
            cls = self.classes[int(self.labels[row])]
            for caption in captions:
                words = set(caption.replace(".", " ").split())
                hits += cls.name in words or cls.synonym in words
                total += 1
        return hits / total

    def images(self, rows: torch.Tensor) -> torch.Tensor:
        """Render items `rows` as (B, 3, S, S) float32 in [0, 1]: background, clutter, objects, pixel noise."""
        rows = torch.as_tensor(rows, dtype=torch.long).flatten()
        index = self.item_ids[rows]
        size = self.image_size
        grid = (torch.arange(size, dtype=torch.float32) + 0.5) / size
        ys, xs = grid[None, :, None], grid[None, None, :]
        canvas = self._paint_clutter(self._background(index, xs, ys), index)
        for k in range(MAX_OBJECTS):
            canvas = self._paint_object(canvas, rows, k, xs, ys)
        return (canvas + self.pixel_noise * self._pixel_noise(index)).clamp(0, 1)

    def _pixel_noise(self, index: torch.Tensor) -> torch.Tensor:
        """Item noise = a keyed pick from a seeded bank of noise fields, keyed-rolled and flipped (cheap, per item)."""
        bits = random_ints(self.seed, index, _EDGE_STREAMS["noise"], 4)
        size = self.image_size
        pixels = torch.arange(size)
        cols = torch.where((bits[:, 3:4] % 2).bool(), size - 1 - pixels, pixels)
        rows = (pixels[None, :] - bits[:, 1:2]) % size
        cols = (cols - bits[:, 2:3]) % size
        pick = (bits[:, 0] % _NOISE_BANK)[:, None, None, None]
        return self._noise_bank[
            pick, torch.arange(3)[None, :, None, None], rows[:, None, :, None], cols[:, None, None, :]
        ]

    def _background(self, index: torch.Tensor, xs: torch.Tensor, ys: torch.Tensor) -> torch.Tensor:
        u = self._u("bg", index, 7)
        start, end = 0.2 + 0.6 * u[:, 0:3], 0.2 + 0.6 * u[:, 3:6]
        theta = 2 * math.pi * u[:, 6, None, None]
        w = (0.5 + 0.7 * (torch.cos(theta) * (xs - 0.5) + torch.sin(theta) * (ys - 0.5))).clamp(0, 1)[:, None]
        return start[:, :, None, None] * (1 - w) + end[:, :, None, None] * w

    def _paint_clutter(self, canvas: torch.Tensor, index: torch.Tensor) -> torch.Tensor:
        """Soft blobs of random colour on a coarse grid, upsampled: distractors that are not objects."""
        cells = CLUTTER_GRID * CLUTTER_GRID
        u = self._u("clutter", index, 4 * cells).reshape(len(index), 4, CLUTTER_GRID, CLUTTER_GRID)
        alpha = (u[:, :1] < CLUTTER_DENSITY).float()
        size = (self.image_size, self.image_size)
        alpha = torch.nn.functional.interpolate(alpha, size=size, mode="bicubic", align_corners=False).clamp(0, 0.85)
        colour = torch.nn.functional.interpolate(u[:, 1:], size=size, mode="nearest")
        return canvas * (1 - alpha) + colour * alpha

    def _paint_object(
        self, canvas: torch.Tensor, rows: torch.Tensor, k: int, xs: torch.Tensor, ys: torch.Tensor
    ) -> torch.Tensor:
        """Paint slot k (sorted by area, largest first) of the batch items that have one."""
        batch = torch.nonzero(self.n_objects[rows] > k).flatten()
        if batch.numel() == 0:
            return canvas
        items = rows[batch]
        cls_ids = self.object_class[items, k]
        shape_ids = self._shape_ids[cls_ids]
        texture_ids = self._texture_ids[cls_ids]
        scale = torch.sqrt(self.object_area[items, k] / _UNIT_AREAS[shape_ids])[:, None, None]
        du = (xs - self.center_x[items, k][:, None, None]) / scale
        dv = (ys - self.center_y[items, k][:, None, None]) / scale
        cos, sin = torch.cos(self.angle[items, k])[:, None, None], torch.sin(self.angle[items, k])[:, None, None]
        u, v = cos * du + sin * dv, cos * dv - sin * du
        distance = torch.empty_like(u)
        pattern = torch.empty_like(u)
        for s, shape in enumerate(SHAPES):
            sel = torch.nonzero(shape_ids == s).flatten()
            if sel.numel():
                distance[sel] = _shape_distance(shape, u[sel], v[sel])
        for t, texture in enumerate(TEXTURES):
            sel = torch.nonzero(texture_ids == t).flatten()
            if sel.numel():
                pattern[sel] = _texture(texture, u[sel], v[sel])
        alpha = (0.5 - distance * scale * self.image_size).clamp(0, 1)[:, None]
        colour = self.object_rgb[items, k][:, :, None, None] * (1 - 0.5 * pattern[:, None])
        out = canvas.clone()
        out[batch] = canvas[batch] * (1 - alpha) + colour * alpha
        return out
