"""Astro pairs for the training stack: x = spectra (LAMOST) features, y = photometry (Kepler or TESS) features.

Reads a cached-feature directory (real features in the documented layout, or simulated ones written by
`simulate_feature_cache` when `feature_dir` is None). The cache fixes three splits; they map onto the
training stack's five as the paper does: ssl_train = probe_train = train, ssl_val = probe_val = val,
probe_test = test. Probes are therefore fit on the same train features the heads were trained on (the
paper's protocol), so unlike the stereo data these splits are not disjoint.
SSL splits keep every star; probe splits keep the stars whose selected task label is known.
Batches: "x", "y", "label" (the selected task: float for logg/age, long 0/1 for binarity) and every task's
target as its own key ("logg", "age" float with NaN if unknown, "binarity" long with -1 if unknown).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset

from alignpredict.data.astro.encoders import MANIFEST, simulate_feature_cache, simulation_key
from alignpredict.data.astro.features import (
    CLASSIFICATION_TASKS,
    LABEL_COLUMNS,
    SPLITS,
    FeatureSplit,
    load_feature_split,
)
from alignpredict.data.astro.lightcurves import instrument_by_name
from alignpredict.data.protocol import Modality, PairedDataModule
from alignpredict.data.sampling import EpochShuffle
from alignpredict.data.splits import check_split
from alignpredict.progress import heartbeat, say

PHOTOMETRY_NAMES = {"kepler": "Kepler", "tess": "TESS"}
SPLIT_MAP: dict[str, str] = {
    "ssl_train": "train",
    "ssl_val": "val",
    "probe_train": "train",
    "probe_val": "val",
    "probe_test": "test",
}


class _Rows(Dataset):
    """Row indices of one split; the batch dict is built from the tensors after collation."""

    def __init__(self, rows: np.ndarray) -> None:
        self.rows = torch.as_tensor(rows, dtype=torch.long)

    def __len__(self) -> int:
        return int(self.rows.numel())

    def __getitem__(self, i: int) -> torch.Tensor:
        return self.rows[i]


class AstroFeatureDataModule(PairedDataModule):
    """Cached (or simulated) LAMOST x Kepler/TESS features served in the training stack's batch format."""

    def __init__(
        self,
        feature_dir: str | None = None,
        photometry: str = "kepler",
        task: str = "logg",
        batch_size: int = 256,
        seed: int = 0,
        num_workers: int = 0,
        standardize: bool = True,
        cache_dir: str | None = None,
        simulation: dict | None = None,
    ) -> None:
        super().__init__()
        if photometry not in PHOTOMETRY_NAMES:
            raise ValueError(f"photometry must be 'kepler' or 'tess', got {photometry!r}")
        if task not in LABEL_COLUMNS:
            raise ValueError(f"task must be one of {LABEL_COLUMNS}, got {task!r}")
        self.feature_dir = feature_dir
        self.photometry = photometry
        self.task = task
        self.batch_size = batch_size
        self.seed = seed
        self.num_workers = num_workers
        self.standardize = standardize
        self.cache_dir = cache_dir
        self.simulation = dict(simulation or {})
        self.num_classes = 2 if task in CLASSIFICATION_TASKS else 0
        self.name = f"astro_{photometry}"
        self._tensors: dict[str, dict[str, torch.Tensor]] = {}
        self._rows: dict[str, np.ndarray] = {}
        self._on_device: dict[tuple[str, str], dict[str, torch.Tensor]] = {}
        self.resolved_dir: Path | None = None

    # ---------------------------------------------------------------- loading
    def _simulated_dir(self) -> Path:
        """Cache folder for simulated features, keyed by the simulation parameters (reused when present)."""
        base = self.cache_dir
        if base is None:
            from hydra.core.hydra_config import HydraConfig

            if not HydraConfig.initialized():
                raise ValueError(
                    "feature_dir is null (simulate) but no cache_dir was given and no Hydra run is active; "
                    "set data.cache_dir or data.feature_dir"
                )
            base = str(Path(HydraConfig.get().runtime.output_dir) / "astro_cache")
        params = {"photometry": self.photometry, **self.simulation}
        return Path(base) / f"sim_{self.photometry}_{simulation_key(**params)}"

    def _ensure_features(self) -> Path:
        if self.feature_dir is not None:
            path = Path(self.feature_dir)
            if not path.is_dir():
                raise FileNotFoundError(
                    f"feature_dir {path} does not exist; point data.feature_dir at a folder with "
                    "z_<modality>_<split>.npy and meta_<split>.parquet, or set it to null to simulate"
                )
            return path
        path = self._simulated_dir()
        if not (path / MANIFEST).exists():
            sim = dict(self.simulation)
            n_points = sim.pop("light_curve_points", None)
            say(f"astro feature cache {path}: not there yet, simulating it (later runs reuse it)")
            with heartbeat(f"building the astro feature cache {path.name}"):
                simulate_feature_cache(path, instrument=instrument_by_name(self.photometry, n_points), **sim)
        return path

    def setup(self, stage: str | None = None) -> None:
        if self._tensors:
            return
        self.resolved_dir = self._ensure_features()
        modalities = ("lamost", self.photometry)
        splits = {s: load_feature_split(self.resolved_dir, s, modalities, required_labels=(self.task,)) for s in SPLITS}
        self._check_dims(splits)
        mean, std = self._scaler(splits["train"])
        for name, split in splits.items():
            self._tensors[name] = self._to_tensors(split, mean, std)
        for contract_split, cache_split in SPLIT_MAP.items():
            n = len(splits[cache_split])
            if contract_split.startswith("probe"):
                label = self._tensors[cache_split]["label"]
                known = label >= 0 if self.task in CLASSIFICATION_TASKS else torch.isfinite(label)
                rows = np.flatnonzero(known.numpy())
            else:
                rows = np.arange(n)
            if rows.size == 0:
                raise ValueError(
                    f"split {contract_split} (cache split {cache_split!r} in {self.resolved_dir}) has no star "
                    f"with a known {self.task!r} label; choose another task or fill the labels"
                )
            self._rows[contract_split] = rows

    @property
    def modalities(self) -> dict[str, Modality]:
        """x = LAMOST spectra features, y = the photometry's light-curve features (loads them on first use)."""
        self._check_split("ssl_train")
        train = self._tensors["train"]
        return {
            "x": Modality(tuple(train["x"].shape[1:]), "dense", "LAMOST"),
            "y": Modality(tuple(train["y"].shape[1:]), "dense", PHOTOMETRY_NAMES[self.photometry]),
        }

    def knobs(self) -> dict[str, str]:
        """Which photometry y is and which label the batches carry."""
        return {"photometry": self.photometry, "task": self.task}

    def run_label(self) -> str:
        return f"{self.photometry}-{self.task}"

    def _check_dims(self, splits: dict[str, FeatureSplit]) -> None:
        for modality in ("lamost", self.photometry):
            dims = {s: split.features[modality].shape[1] for s, split in splits.items()}
            if len(set(dims.values())) != 1:
                raise ValueError(
                    f"z_{modality}_*.npy in {self.resolved_dir} have different widths {dims}; "
                    "all splits must come from the same encoder"
                )

    def _scaler(self, train: FeatureSplit) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
        """Per-dimension mean/std from the train split (identity when standardize is off)."""
        mean, std = {}, {}
        for modality, z in train.features.items():
            mean[modality] = z.mean(axis=0) if self.standardize else np.zeros(z.shape[1], np.float32)
            std[modality] = z.std(axis=0) + 1e-6 if self.standardize else np.ones(z.shape[1], np.float32)
        return mean, std

    def _to_tensors(self, split: FeatureSplit, mean: dict, std: dict) -> dict[str, torch.Tensor]:
        def scaled(modality: str) -> torch.Tensor:
            return torch.from_numpy(((split.features[modality] - mean[modality]) / std[modality]).astype(np.float32))

        out = {"x": scaled("lamost"), "y": scaled(self.photometry)}
        for column in LABEL_COLUMNS:
            values = (
                split.meta[column].to_numpy(dtype=float)
                if column in split.meta.columns
                else np.full(len(split), np.nan)
            )
            if column in CLASSIFICATION_TASKS:
                out[column] = torch.from_numpy(np.where(np.isnan(values), -1, values).astype(np.int64))
            else:
                out[column] = torch.from_numpy(values.astype(np.float32))
        out["label"] = out[self.task]
        return out

    # ---------------------------------------------------------------- contract
    def _batch(self, split: str, rows: torch.Tensor, device: torch.device | str) -> dict[str, torch.Tensor]:
        """The rows of a split, gathered where the features already are on `device` (moved there once)."""
        key = (SPLIT_MAP[split], str(torch.device(device)))
        if key not in self._on_device:
            self._on_device[key] = {name: value.to(device) for name, value in self._tensors[key[0]].items()}
        rows = rows.to(device)
        return {name: value[rows] for name, value in self._on_device[key].items()}

    def _check_split(self, split: str) -> None:
        check_split(split)
        if not self._tensors:
            self.setup()

    def split_size(self, split: str) -> int:
        self._check_split(split)
        return int(self._rows[split].size)

    def iterate(self, split: str, device: torch.device | str, batch_size: int | None = None) -> Iterator[dict]:
        """Deterministic, unshuffled batches of `split` on `device`."""
        self._check_split(split)
        rows = torch.as_tensor(self._rows[split])
        step = batch_size or self.batch_size
        for start in range(0, rows.numel(), step):
            yield self._batch(split, rows[start : start + step], device)

    def _loader(self, split: str, shuffle: bool) -> DataLoader:
        self._check_split(split)
        rows = _Rows(self._rows[split])
        return DataLoader(
            rows,
            batch_size=self.batch_size,
            sampler=EpochShuffle(len(rows), self.seed) if shuffle else None,
            num_workers=self.num_workers,
            drop_last=False,
        )

    def train_dataloader(self) -> DataLoader:
        return self._loader("ssl_train", shuffle=True)

    def val_dataloader(self) -> DataLoader:
        return self._loader("ssl_val", shuffle=False)

    def on_after_batch_transfer(self, batch: torch.Tensor, dataloader_idx: int) -> dict[str, torch.Tensor]:
        """Index batches become feature dicts on the batch's device (the split is known from the trainer state)."""
        split = "ssl_train" if self.trainer is None or self.trainer.training else "ssl_val"
        return self._batch(split, batch, batch.device)

    def describe(self) -> dict[str, float | int | str]:
        self._check_split("ssl_train")
        train = self._tensors["train"]
        facts: dict[str, float | int | str] = {
            "dataset": f"astro_{self.photometry}",
            "task": self.task,
            "feature_dir": str(self.resolved_dir),
            "source": "simulated" if (Path(self.resolved_dir) / MANIFEST).exists() else "cached",
            "x_dim": int(self.modalities["x"].shape[0]),
            "y_dim": int(self.modalities["y"].shape[0]),
            "n_samples": int(sum(len(t["label"]) for t in self._tensors.values())),
            "train_logg_mean": float(np.nanmean(train["logg"].numpy())),
            "train_binary_fraction": float(
                (train["binarity"] == 1).sum() / max(int((train["binarity"] >= 0).sum()), 1)
            ),
        }
        facts.update({f"n_{split}": self.split_size(split) for split in SPLIT_MAP})
        return facts
