"""The cached-feature layout shared by real (LAMOST x Kepler/TESS) and simulated features.

A feature directory holds, for each split in train / val / test:
- `z_<modality>_<split>.npy`: a 2-D float array (n_stars, dim), one per modality (`lamost`, `kepler`, `tess`);
- `meta_<split>.parquet` (or `meta_<split>.csv`): one row per star in the same order, with label columns
  `logg` (dex), `age` (Gyr) and `binarity` (0/1); other columns (ids, teff, feh, prot) are kept as is.
Label values may be missing (NaN) for some stars; a requested label column must exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from alignpredict.utils.io import atomic_path, write_csv, write_npy

SPLITS: tuple[str, ...] = ("train", "val", "test")
LABEL_COLUMNS: tuple[str, ...] = ("logg", "age", "binarity")
REGRESSION_TASKS: tuple[str, ...] = ("logg", "age")
CLASSIFICATION_TASKS: tuple[str, ...] = ("binarity",)


def feature_path(feature_dir: str | Path, modality: str, split: str) -> Path:
    return Path(feature_dir) / f"z_{modality}_{split}.npy"


def meta_path(feature_dir: str | Path, split: str) -> Path:
    """The parquet table if present, else the csv one (the parquet name when neither exists)."""
    parquet = Path(feature_dir) / f"meta_{split}.parquet"
    csv = Path(feature_dir) / f"meta_{split}.csv"
    return csv if csv.exists() and not parquet.exists() else parquet


@dataclass(frozen=True)
class FeatureSplit:
    """One split of a cache: a feature matrix per modality and the row-aligned meta table."""

    features: dict[str, np.ndarray]
    meta: pd.DataFrame

    def __len__(self) -> int:
        return len(self.meta)


def write_feature_split(
    feature_dir: str | Path,
    split: str,
    features: dict[str, np.ndarray],
    meta: pd.DataFrame,
    meta_format: str = "parquet",
) -> list[Path]:
    """Write one split atomically in the documented layout; returns the paths written."""
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, got {split!r}")
    if meta_format not in ("parquet", "csv"):
        raise ValueError(f"meta_format must be 'parquet' or 'csv', got {meta_format!r}")
    for modality, array in features.items():
        if array.ndim != 2 or array.shape[0] != len(meta):
            raise ValueError(
                f"features for {modality!r} have shape {array.shape} but the meta table has {len(meta)} rows; "
                "pass one 2-D row per star, in the meta table's order"
            )
    written = []
    for modality, array in features.items():
        target = feature_path(feature_dir, modality, split)
        written.append(write_npy(target, np.ascontiguousarray(array, dtype=np.float32)))
    target = Path(feature_dir) / f"meta_{split}.{meta_format}"
    if meta_format == "parquet":
        with atomic_path(target) as tmp:
            meta.to_parquet(tmp, index=False)
    else:
        write_csv(target, meta)
    written.append(target)
    return written


def _read_meta(path: Path) -> pd.DataFrame:
    if not path.exists():
        raise FileNotFoundError(
            f"missing meta table {path} (nor {path.with_suffix('.csv').name}); write meta_<split>.parquet or .csv "
            "with one row per star and label columns logg, age, binarity"
        )
    return pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path)


def _read_features(path: Path) -> np.ndarray:
    if not path.exists():
        found = sorted(p.name for p in path.parent.glob("z_*.npy")) if path.parent.exists() else []
        raise FileNotFoundError(
            f"missing feature file {path}; found {found or 'no z_*.npy files'}. "
            "Write z_<modality>_<split>.npy for each modality and split"
        )
    array = np.load(path, allow_pickle=False)
    if array.ndim != 2:
        raise ValueError(f"{path} has shape {array.shape}; a feature file must be 2-D (n_stars, dim)")
    bad = ~np.isfinite(array).all(axis=1)
    if bad.any():
        raise ValueError(
            f"{path} has NaN/inf in {int(bad.sum())} of {array.shape[0]} rows "
            f"(first row {int(np.flatnonzero(bad)[0])}); "
            "drop or impute those stars (and their meta rows) before caching"
        )
    return array.astype(np.float32, copy=False)


def validate_labels(meta: pd.DataFrame, source: Path, required: tuple[str, ...]) -> None:
    """Raise if a required label column is absent, entirely missing, infinite, or (binarity) not 0/1."""
    for column in required:
        if column not in LABEL_COLUMNS:
            raise ValueError(f"unknown label {column!r}; the cache knows {LABEL_COLUMNS}")
        if column not in meta.columns:
            raise ValueError(
                f"{source} has no {column!r} column (columns: {list(meta.columns)}); "
                f"add it (NaN where unknown) or choose a task from the columns present"
            )
        values = pd.to_numeric(meta[column], errors="coerce").to_numpy(dtype=float)
        known = values[~np.isnan(values)]
        if known.size == 0:
            raise ValueError(
                f"{source}: every {column!r} label is missing; this split cannot serve the {column!r} task"
            )
        if not np.isfinite(known).all():
            raise ValueError(
                f"{source}: {column!r} has infinite values; replace them with NaN (missing) or real values"
            )
        if column in CLASSIFICATION_TASKS and not np.isin(known, (0, 1)).all():
            raise ValueError(
                f"{source}: {column!r} must be 0/1 (NaN where unknown), found {sorted(set(known.tolist()))[:5]}"
            )


def load_feature_split(
    feature_dir: str | Path, split: str, modalities: tuple[str, ...], required_labels: tuple[str, ...] = ()
) -> FeatureSplit:
    """Read and validate one split: files exist, every file has the meta table's row count, no NaN/inf features."""
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, got {split!r}")
    source = meta_path(feature_dir, split)
    meta = _read_meta(source)
    features = {}
    for modality in modalities:
        path = feature_path(feature_dir, modality, split)
        array = _read_features(path)
        if array.shape[0] != len(meta):
            raise ValueError(
                f"{path} has {array.shape[0]} rows but {source} has {len(meta)}; "
                "the feature files and the meta table must list the same stars in the same order"
            )
        features[modality] = array
    validate_labels(meta, source, required_labels)
    return FeatureSplit(features=features, meta=meta.reset_index(drop=True))
