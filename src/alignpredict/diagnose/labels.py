"""Turn the user's labels (continuous columns or class labels, for all rows or a subset) into the rows
they label and a float target matrix whose per-column R^2 the diagnostic can pool."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

LabelKind = Literal["auto", "continuous", "classes"]
_MAX_AUTO_CLASSES = 20


@dataclass(frozen=True)
class LabelSet:
    """Labelled row indices into the feature matrices and their targets: one-hot for classes, z-scored
    columns for continuous labels (so pooling R^2 over columns is not dominated by the largest unit)."""

    rows: np.ndarray
    targets: np.ndarray
    kind: str
    classes: tuple[str, ...] = ()


def _missing(values: np.ndarray) -> np.ndarray:
    """Per-row "unlabelled" mask: NaN in any column (or None / empty text for class labels)."""
    if values.dtype.kind == "f":
        return np.isnan(values).any(axis=1) if values.ndim == 2 else np.isnan(values)
    if values.dtype.kind == "O":
        return np.array([v is None or (isinstance(v, float) and np.isnan(v)) or v == "" for v in values])
    return np.zeros(values.shape[0], dtype=bool)


def _resolve_kind(values: np.ndarray, kind: LabelKind) -> str:
    """auto: text, integer or bool labels are classes; floats are continuous unless they are a few integers."""
    if kind != "auto":
        return kind
    if values.ndim == 2 and values.shape[1] > 1:
        return "continuous"
    if values.dtype.kind in "OUSbiu":
        return "classes"
    integral = np.all(np.mod(values, 1) == 0)
    return "classes" if integral and np.unique(values).size <= _MAX_AUTO_CLASSES else "continuous"


def _label_rows(n_rows: int, n_labels: int, label_rows: np.ndarray | None) -> np.ndarray | None:
    if label_rows is None:
        if n_labels != n_rows:
            raise ValueError(
                f"labels have {n_labels} rows but the features have {n_rows}; give label_rows (the feature "
                "row of each label) or pass labels for every row with NaN marking the unlabelled ones"
            )
        return None
    rows = np.asarray(label_rows)
    if rows.ndim != 1 or rows.dtype.kind not in "iuf" or np.any(np.mod(rows, 1) != 0):
        raise ValueError("label_rows must be a 1-D array of integer row indices")
    rows = rows.astype(np.int64)
    if rows.size != n_labels:
        raise ValueError(f"label_rows has {rows.size} entries but labels have {n_labels} rows; they must match")
    if rows.size and (rows.min() < 0 or rows.max() >= n_rows):
        raise ValueError(f"label_rows must lie in [0, {n_rows - 1}], got values in [{rows.min()}, {rows.max()}]")
    if np.unique(rows).size != rows.size:
        raise ValueError("label_rows contains duplicate row indices; each labelled row must appear once")
    return rows


def prepare_labels(
    labels: np.ndarray,
    n_rows: int,
    label_rows: np.ndarray | None = None,
    kind: LabelKind = "auto",
    min_labelled: int = 50,
) -> LabelSet:
    """Labelled rows and targets; fewer than `min_labelled` labelled rows is an error (R^2 would be noise)."""
    if kind not in ("auto", "continuous", "classes"):
        raise ValueError(f"label kind must be auto, continuous or classes, got {kind!r}")
    values = np.asarray(labels)
    if values.ndim not in (1, 2) or values.shape[0] == 0:
        raise ValueError(f"labels must be a non-empty 1-D or 2-D array, got shape {values.shape}")
    if values.ndim == 2 and values.shape[1] == 1:
        values = values[:, 0]
    if values.ndim == 2 and values.dtype.kind not in "biuf":
        raise ValueError("multi-column labels must be numeric (continuous); class labels are a single column")
    rows = _label_rows(n_rows, values.shape[0], label_rows)
    keep = ~_missing(values)
    values = values[keep]
    rows = np.flatnonzero(keep) if rows is None else rows[keep]
    if rows.size < min_labelled:
        raise ValueError(
            f"only {rows.size} labelled rows; the label R^2 needs at least {min_labelled} (label more rows)"
        )
    resolved = _resolve_kind(values, kind)
    if resolved == "classes":
        names, codes = np.unique(values.reshape(-1).astype(str), return_inverse=True)
        if names.size < 2:
            raise ValueError(f"all labelled rows have the same class {names[0]!r}; the labels carry no information")
        return LabelSet(rows=rows, targets=np.eye(names.size)[codes], kind=resolved, classes=tuple(names))
    if values.dtype.kind not in "biuf":
        raise ValueError(f"continuous labels must be numeric, got dtype {values.dtype}; use label_type=classes")
    targets = values.astype(float).reshape(rows.size, -1)
    if not np.all(np.isfinite(targets)):
        raise ValueError("labels contain inf; use NaN to mark unlabelled rows")
    if np.any(np.ptp(targets, axis=0) == 0):
        raise ValueError("a label column is constant over the labelled rows; it carries no information")
    standardised = (targets - targets.mean(axis=0)) / targets.std(axis=0)
    return LabelSet(rows=rows, targets=standardised, kind=resolved)
