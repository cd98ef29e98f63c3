"""StereoDataModule: a virtual stereo-pair dataset served as index batches, turned into images on-device.

Dataloaders only carry int64 index batches; `on_after_batch_transfer` renders the whole batch on the
device the batch landed on, so there is no per-item Python work and no CPU-to-GPU image copy. The five
splits are disjoint, contiguous index ranges that together use exactly `n_samples` items.
With `precompute=true` (the CPU fast path) every pair is rendered once at setup and batches are looked up:
the values are the same, since a pair is a pure function of its index. `resolution=32` renders from
area-downsampled templates; positions, jitter and baseline are in image units, so the geometry is unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import torch
from torch.utils.data import DataLoader

from alignpredict.data import dsprites, shapes3d
from alignpredict.data.protocol import Modality, PairedDataModule
from alignpredict.data.sampling import EpochShuffle
from alignpredict.data.splits import check_split, split_ranges, split_sizes
from alignpredict.data.stereo import StereoConfig, Templates, make_pairs, pair_statistics

DEFAULT_SPLIT_FRACTIONS: dict[str, float] = {
    "ssl_train": 0.7,
    "ssl_val": 0.1,
    "probe_train": 0.1,
    "probe_val": 0.05,
    "probe_test": 0.05,
}
STAT_SAMPLES = 4096  # items used by describe() for the empirical correlation and frame statistics
RESOLUTIONS = (32, 64)
PRECOMPUTE_CHUNK = 1024  # pairs rendered per call while precomputing


@dataclass(frozen=True)
class TemplateSource:
    """How one data source gets its templates: the official-file loader and the offline renderer."""

    class_names: tuple[str, ...]
    channels: int
    image_size: int
    load_official: Callable[[str], Templates]
    render: Callable[[], Templates]


SOURCES: dict[str, TemplateSource] = {
    "dsprites": TemplateSource(
        tuple(dsprites.SHAPE_NAMES),
        dsprites.CHANNELS,
        dsprites.IMAGE_SIZE,
        dsprites.load_dsprites_templates,
        dsprites.render_dsprites_templates,
    ),
    "shapes3d": TemplateSource(
        tuple(shapes3d.SHAPE_NAMES),
        shapes3d.CHANNELS,
        shapes3d.IMAGE_SIZE,
        shapes3d.load_shapes3d_templates,
        shapes3d.render_shapes3d_templates,
    ),
}


class StereoDataModule(PairedDataModule):
    """Stereo-dSprites / Stereo-3DShapes pairs (x = left view, low noise; y = right view, noise_y)."""

    def __init__(
        self,
        source: str = "dsprites",
        n_samples: int = 10000,
        jitter: float = 0.0,
        noise_y: float = 0.2,
        noise_x: float = 0.1,
        rotation: float | None = None,
        baseline: float = 0.4,
        pos_range: float = 1.0,
        seed: int = 0,
        batch_size: int = 256,
        split_fractions: Mapping[str, float] | None = None,
        template_path: str | None = None,
        num_workers: int = 0,
        resolution: int = 64,
        precompute: bool = False,
    ) -> None:
        super().__init__()
        if source not in SOURCES:
            raise ValueError(f"source must be one of {sorted(SOURCES)}, got '{source}'")
        if not (isinstance(n_samples, int) and n_samples > 0):
            raise ValueError(f"n_samples must be a positive integer, got {n_samples!r}")
        if not (isinstance(batch_size, int) and batch_size > 0):
            raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
        if resolution not in RESOLUTIONS:
            raise ValueError(f"resolution must be one of {', '.join(map(str, RESOLUTIONS))} pixels, got {resolution!r}")
        self.resolution = int(resolution)
        self.precompute = bool(precompute)
        self._pairs: dict[str, torch.Tensor] | None = None
        self.source = source
        self.config = StereoConfig(
            jitter=float(jitter),
            noise_y=float(noise_y),
            noise_x=float(noise_x),
            rotation=None if rotation is None else float(rotation),
            baseline=float(baseline),
            pos_range=float(pos_range),
            seed=seed,
        )
        self.n_samples = n_samples
        self.batch_size = batch_size
        self.num_workers = num_workers
        self.template_path = template_path
        self.sizes = split_sizes(n_samples, DEFAULT_SPLIT_FRACTIONS if split_fractions is None else split_fractions)
        self.ranges = split_ranges(self.sizes)
        spec = SOURCES[source]
        self.name = source
        self.class_names = spec.class_names
        self.num_classes = len(spec.class_names)
        shape = (spec.channels, self.resolution, self.resolution)
        self.modalities = {"x": Modality(shape, "dense", "left view"), "y": Modality(shape, "dense", "right view")}
        self._templates: dict[str, Templates] = {}

    def templates(self, device: torch.device | str = "cpu") -> Templates:
        """The class templates on `device`, loaded (official file) or rendered once, then cached per device."""
        key = str(torch.device(device))
        if "cpu" not in self._templates:
            spec = SOURCES[self.source]
            official = self.template_path is not None
            full = spec.load_official(self.template_path) if official else spec.render()
            self._templates["cpu"] = full.resized(self.resolution)
        if key not in self._templates:
            self._templates[key] = self._templates["cpu"].to(device)
        return self._templates[key]

    def setup(self, stage: str | None = None) -> None:
        """Load or render the templates before training, so a bad template file fails before the first step;
        with `precompute`, render every pair now."""
        self.templates("cpu")
        if self.precompute and self._pairs is None:
            everything = torch.arange(self.n_samples, dtype=torch.int64)
            starts = range(0, self.n_samples, PRECOMPUTE_CHUNK)
            chunks = [self.render(everything[start : start + PRECOMPUTE_CHUNK]) for start in starts]
            self._pairs = {key: torch.cat([chunk[key] for chunk in chunks]) for key in chunks[0]}

    def split_size(self, split: str) -> int:
        return self.sizes[check_split(split)]

    def split_indices(self, split: str, device: torch.device | str = "cpu") -> torch.Tensor:
        start, stop = self.ranges[check_split(split)]
        return torch.arange(start, stop, dtype=torch.int64, device=device)

    def render(self, indices: torch.Tensor) -> dict[str, torch.Tensor]:
        """Render the pairs for int64 `indices` on their device."""
        return make_pairs(self.templates(indices.device), self.config, indices)

    def make_batch(self, indices: torch.Tensor) -> dict[str, torch.Tensor]:
        """The pairs for int64 `indices`: looked up when precomputed (and the indices are on the CPU), else rendered."""
        if self._pairs is not None and indices.device.type == "cpu":
            return {key: values[indices] for key, values in self._pairs.items()}
        return self.render(indices)

    def _loader(self, split: str, shuffle: bool) -> DataLoader:
        sampler = EpochShuffle(self.split_size(split), self.config.seed) if shuffle else None
        return DataLoader(
            self.split_indices(split),
            batch_size=self.batch_size,
            sampler=sampler,
            drop_last=shuffle and self.split_size(split) > self.batch_size,
            num_workers=self.num_workers,
            persistent_workers=self.num_workers > 0,
        )

    def train_dataloader(self) -> DataLoader:
        """SSL-train index batches in the (seed, epoch) order of `EpochShuffle` (full batches only)."""
        return self._loader("ssl_train", shuffle=True)

    def val_dataloader(self) -> DataLoader:
        """SSL-val index batches, for early stopping and checkpoint choice."""
        return self._loader("ssl_val", shuffle=False)

    def on_after_batch_transfer(self, batch: Any, dataloader_idx: int) -> Any:
        if isinstance(batch, torch.Tensor) and batch.dtype == torch.int64:
            return self.make_batch(batch)
        return batch

    def iterate(self, split: str, device: torch.device | str, batch_size: int | None = None) -> Iterator[dict]:
        """A deterministic, unshuffled pass over a split, batches rendered directly on `device`."""
        indices = self.split_indices(split, device)
        step = batch_size or self.batch_size
        for start in range(0, len(indices), step):
            yield self.make_batch(indices[start : start + step])

    def knobs(self) -> dict[str, float]:
        """Position jitter (nu_max = 1 - jitter) and view y's pixel noise: what the paper's sweeps vary."""
        return {"jitter": self.config.jitter, "noise": self.config.noise_y}

    def run_label(self) -> str:
        return f"jit{self.config.jitter}-noise{self.config.noise_y}"

    def describe(self) -> dict[str, float | int | str]:
        """Flat facts for metrics.json: the knobs, nominal vs actual nuisance alignment, frame clipping, splits."""
        templates = self.templates("cpu")
        stats = pair_statistics(templates, self.config, torch.arange(min(self.n_samples, STAT_SAMPLES)))
        facts: dict[str, float | int | str] = {
            "source": self.source,
            "template_source": templates.source,
            "n_samples": self.n_samples,
            "num_classes": self.num_classes,
            "jitter": self.config.jitter,
            "rotation_tied_to_jitter": int(self.config.rotation is None),
            "noise_x": self.config.noise_x,
            "noise_y": self.config.noise_y,
            "baseline": self.config.baseline,
            "pos_range": self.config.pos_range,
            "data_seed": self.config.seed,
            "resolution": self.resolution,
            **stats,
        }
        facts.update({f"n_{name}": size for name, size in self.sizes.items()})
        return facts
