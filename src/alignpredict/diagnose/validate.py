"""Check a user's paired feature matrices before any linear algebra, so a bad input fails with a message
that names the problem instead of a NaN spectrum or a LinAlgError deep inside."""

from __future__ import annotations

import numpy as np

_ROW_CHUNK = 8192


def as_feature_matrix(name: str, values: np.ndarray) -> np.ndarray:
    """A numeric 2-D array (a 1-D array is one feature column); anything else is rejected."""
    array = np.asarray(values)
    if array.ndim == 1:
        array = array[:, None]
    if array.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array (rows x features), got shape {array.shape}")
    if array.dtype.kind not in "biuf":
        raise ValueError(f"{name} must be numeric, got dtype {array.dtype}; convert or drop text columns")
    if array.shape[0] == 0 or array.shape[1] == 0:
        raise ValueError(f"{name} is empty (shape {array.shape})")
    return array


def _check_finite(name: str, array: np.ndarray) -> None:
    """Scan in row chunks so a 50,000 x 2,048 matrix is not copied to a boolean mask all at once."""
    for start in range(0, array.shape[0], _ROW_CHUNK):
        bad = ~np.isfinite(array[start : start + _ROW_CHUNK])
        if bad.any():
            rows, cols = np.nonzero(bad)
            raise ValueError(
                f"{name} contains NaN or inf (first at row {start + rows[0]}, column {cols[0]}); "
                "impute or drop those rows (in both matrices) before diagnosing"
            )


def _check_not_constant(name: str, array: np.ndarray) -> None:
    constant = np.flatnonzero(np.ptp(array, axis=0) == 0)
    if constant.size:
        shown = ", ".join(str(c) for c in constant[:10]) + (" ..." if constant.size > 10 else "")
        raise ValueError(
            f"{name} has {constant.size} constant column(s) (index {shown}); drop them, they carry no signal "
            "and make the covariance singular"
        )


def check_paired_features(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Validated (x, y): 2-D, numeric, same number of rows, finite, no constant column."""
    x = as_feature_matrix("x", x)
    y = as_feature_matrix("y", y)
    if x.shape[0] != y.shape[0]:
        raise ValueError(
            f"x has {x.shape[0]} rows but y has {y.shape[0]}; rows must be paired (row i of x with row i of y)"
        )
    for name, array in (("x", x), ("y", y)):
        _check_finite(name, array)
        _check_not_constant(name, array)
    return x, y
