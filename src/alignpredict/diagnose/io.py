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
        if not keys:
            raise ValueError(f"{path} holds no arrays; pass an .npz written by numpy.savez with at least one array")
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


def _is_bare_integer(text: str) -> bool:
    return text.strip().lstrip("+-").isdigit()


def _is_float_formatted(text: str) -> bool:
    """A cell written as a float ("3.0", "1e-3", "nan") or left empty: never how a column *name* is written."""
    return text == "" or (_is_number(text) and not _is_bare_integer(text))


def _csv_has_header(path: Path) -> bool:
    """Whether line 1 is a header. Text cells: a cell that is not a number above a numeric column. Numeric
    names (pandas writes its default column names 0, 1, 2, ...): a first line of bare integers above a column
    whose other cells are all written as floats, or exactly 0, 1, ..., d - 1 for d >= 3 columns. A single
    integer column under a bare-integer name cannot be told apart from data: force it with csv_header."""
    raw = pd.read_csv(path, header=None, dtype=str, keep_default_na=False)
    if len(raw) < 2:
        return False
    first = [str(v).strip() for v in raw.iloc[0]]
    bodies = [[str(v).strip() for v in raw[column].iloc[1:]] for column in raw.columns]
    for cell, body in zip(first, bodies):
        if not _is_number(cell) and all(_is_number(v) or v == "" for v in body):
            return True
    if not all(_is_bare_integer(cell) for cell in first):
        return False
    if len(first) >= 3 and [int(cell) for cell in first] == list(range(len(first))):
        return True
    return any(all(_is_float_formatted(v) for v in body) and any(v != "" for v in body) for body in bodies)


def csv_header_decision(path: str | Path, csv_header: bool | None) -> tuple[bool, str]:
    """(whether line 1 of the CSV is read as a header, "detected" or "forced"), for the terminal summary."""
    if csv_header is None:
        return _csv_has_header(Path(path).expanduser()), "detected"
    return bool(csv_header), "forced"


def _table_to_array(frame: pd.DataFrame) -> np.ndarray:
    """Numeric tables become float arrays; a single text column (class names) stays as objects."""
    array = frame.to_numpy()
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    return array


def load_array(path: str | Path, key: str | None = None, csv_header: bool | None = None) -> np.ndarray:
    """Load one array; csv_header None means "detect", True/False forces whether line 1 is a header."""
    file = Path(path).expanduser()
    if file.is_dir():
        raise IsADirectoryError(f"{file} is a folder, not a file: pass the array file inside it")
    if not file.is_file():
        raise FileNotFoundError(f"file not found: {file} (check the path given on the command line)")
    suffix = file.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise ValueError(
            f"cannot read {file}: unsupported suffix {suffix!r}; use one of {', '.join(SUPPORTED_SUFFIXES)}"
        )
    try:
        array = _read(file, suffix, key, csv_header)
    except (ValueError, OSError, EOFError, KeyError, pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        if isinstance(error, ValueError) and str(file) in str(error):
            raise  # already names the file and the fix
        reason = " ".join(str(error).split()) or type(error).__name__
        if "allow_pickle" in reason:
            reason = "it holds pickled Python objects, which are never loaded; save a numeric array (numpy.save)"
        elif suffix in (".npy", ".npz"):
            reason = f"not a NumPy file numpy.save / numpy.savez wrote ({reason})"
        raise ValueError(f"cannot read {file} as {suffix}: {reason}") from error
    if np.asarray(array).size == 0:
        raise ValueError(f"{file} holds no values (shape {np.asarray(array).shape}); pass a non-empty array")
    return array


def _read(file: Path, suffix: str, key: str | None, csv_header: bool | None) -> np.ndarray:
    if suffix == ".npy":
        return np.load(file, allow_pickle=False)
    if suffix == ".npz":
        return _npz_array(file, key)
    if suffix == ".csv":
        header, _ = csv_header_decision(file, csv_header)
        return _table_to_array(pd.read_csv(file, header=0 if header else None))
    if suffix == ".parquet":
        return _table_to_array(pd.read_parquet(file))
    return np.loadtxt(file, ndmin=1)
