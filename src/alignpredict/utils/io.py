"""Atomic result writing: a temp file in the same folder, then an os.replace, so no half-written file survives."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

_UMASK = os.umask(0o022)
os.umask(_UMASK)
PARTIAL = ".partial-"  # marks the temp files of unfinished writes (see remove_partial_files)


@contextmanager
def atomic_path(path: str | os.PathLike, suffix: str | None = None) -> Iterator[Path]:
    """Yield a temp path next to `path`; rename it onto `path` only if the block succeeds."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}{PARTIAL}", suffix=suffix or target.suffix, dir=target.parent)
    os.close(fd)
    os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600 files; results should be readable like any other
    try:
        yield Path(tmp)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def remove_partial_files(folder: str | os.PathLike) -> list[Path]:
    """Delete the temp files a killed process left in `folder` mid-write (never a finished file); return them."""
    root = Path(folder)
    if not root.is_dir():
        return []
    leftovers = [path for path in root.glob(f".*{PARTIAL}*") if path.is_file()]
    for path in leftovers:
        path.unlink(missing_ok=True)
    return leftovers


def to_jsonable(obj: Any) -> Any:
    """Plain JSON values: numpy types become numbers and lists, inf the string "inf", NaN None."""
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return to_jsonable(obj.tolist())
    if isinstance(obj, (np.integer,)):
        return int(obj)
    if isinstance(obj, (np.floating, float)):
        value = float(obj)
        if np.isnan(value):
            return None
        if np.isinf(value):
            return "inf" if value > 0 else "-inf"
        return value
    if isinstance(obj, (np.bool_,)):
        return bool(obj)
    return obj


def write_json(path: str | os.PathLike, data: Any) -> Path:
    """Write JSON atomically; numpy types become plain numbers, inf becomes the string "inf", NaN null."""
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(to_jsonable(data), indent=2, sort_keys=False) + "\n")
    return Path(path)


def write_text(path: str | os.PathLike, text: str) -> Path:
    """Write text atomically."""
    with atomic_path(path) as tmp:
        tmp.write_text(text)
    return Path(path)


def write_csv(path: str | os.PathLike, frame: Any, **to_csv: Any) -> Path:
    """Write a pandas DataFrame as CSV atomically (no index unless asked)."""
    with atomic_path(path) as tmp:
        frame.to_csv(tmp, **{"index": False, **to_csv})
    return Path(path)


def write_npy(path: str | os.PathLike, array: np.ndarray) -> Path:
    """Write one array as .npy atomically (the name is kept exactly: np.save would append .npy to a temp name)."""
    with atomic_path(path) as tmp, open(tmp, "wb") as handle:
        np.save(handle, array)
    return Path(path)


def save_figure(fig: Any, path: str | os.PathLike, **kwargs: Any) -> Path:
    """Save a matplotlib figure atomically (format taken from the target's suffix)."""
    target = Path(path)
    kind = target.suffix.lstrip(".") or "png"
    metadata = {"CreationDate": None} if kind == "pdf" else {}  # no time stamp: same figure, same bytes
    with atomic_path(target) as tmp:
        fig.savefig(tmp, format=kind, **{"metadata": metadata, **kwargs})
    return target
