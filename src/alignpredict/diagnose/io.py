"""Read a user's feature, label or row-index file (.npy, .npz, .csv, .parquet, .txt) into a numpy array."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

SUPPORTED_SUFFIXES: tuple[str, ...] = (".npy", ".npz", ".csv", ".parquet", ".txt")


def _npz_array(path: Path, key: str | None) -> np.ndarray:
    """One array of an .npz; the key may be omitted only when the archive holds a single array."""
    with np.load(path, allow_pickle=False) as archive:
        keys = list(archive.keys())
        if key is None:
            if len(keys) != 1:
                raise ValueError(f"{path} holds arrays {keys}; choose one with a key (e.g. x_key=<name>)")
            key = keys[0]
        if key not in keys:
            raise ValueError(f"{path} has no array {key!r}; available keys: {keys}")
        return archive[key]


def _is_number(text: object) -> bool:
    try:
        float(str(text))
    except ValueError:
        return False
    return True


def _csv_has_header(path: Path) -> bool:
    """A first line is a header when one of its cells is text while the rest of that column is numeric."""
    raw = pd.read_csv(path, header=None, dtype=str, keep_default_na=False)
    if len(raw) < 2:
        return False
    for column in raw.columns:
        body = raw[column].iloc[1:]
        if not _is_number(raw[column].iloc[0]) and all(_is_number(v) or v == "" for v in body):
            return True
    return False


def _table_to_array(frame: pd.DataFrame) -> np.ndarray:
    """Numeric tables become float arrays; a single text column (class names) stays as objects."""
    array = frame.to_numpy()
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    return array


def load_array(path: str | Path, key: str | None = None, csv_header: bool | None = None) -> np.ndarray:
    """Load one array; csv_header None means "detect", True/False forces whether line 1 is a header."""
    file = Path(path).expanduser()
    if not file.is_file():
        raise FileNotFoundError(f"file not found: {file} (check the path given on the command line)")
    suffix = file.suffix.lower()
    if suffix == ".npy":
        return np.load(file, allow_pickle=False)
    if suffix == ".npz":
        return _npz_array(file, key)
    if suffix == ".csv":
        header = _csv_has_header(file) if csv_header is None else csv_header
        return _table_to_array(pd.read_csv(file, header=0 if header else None))
    if suffix == ".parquet":
        return _table_to_array(pd.read_parquet(file))
    if suffix == ".txt":
        return np.loadtxt(file, ndmin=1)
    raise ValueError(f"cannot read {file}: unsupported suffix {suffix!r}; use one of {', '.join(SUPPORTED_SUFFIXES)}")
