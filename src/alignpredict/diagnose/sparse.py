"""Sparse or near-constant columns inside a sample: find them before they break the cross-fitting.

A pixel that is non-zero in a handful of rows passes the up-front constant-column check on the full data,
but in a subsample or a cross-fitting fold it can be exactly zero. Whitening the fit rows then gives that
direction a weight of 1 / sqrt(ridge), and its held-out "correlation" rests on the one or two rows where
it is non-zero (or is 0 / 0). Such columns carry no row-level information at this sample size, so they
are dropped from that sample's estimate, and the report says how often that happened."""

from __future__ import annotations

import numpy as np

from alignpredict.diagnose.spectra import RowSums

SPARSE_VARIANCE_SHARE = 0.01  # a column whose variance on some fold's rows is below this share of its variance


def _variances(sums: RowSums) -> np.ndarray:
    mean = sums.total / max(sums.count, 1)
    return np.diag(sums.gram) / max(sums.count, 1) - mean**2


def sparse_column_mask(sums: list[RowSums], x_dim: int) -> tuple[np.ndarray, np.ndarray]:
    """(keep_x, keep_y): columns whose variance on every fold's held-out rows and every fold's fit rows is
    at least SPARSE_VARIANCE_SHARE of their variance over the whole sample (and above zero)."""
    everything = sum(sums[1:], sums[0])
    total = _variances(everything)
    parts = [_variances(block) for block in sums] + [_variances(everything - block) for block in sums]
    lowest = np.min(parts, axis=0)
    keep = (total > 0) & (lowest >= SPARSE_VARIANCE_SHARE * total)
    return keep[:x_dim], keep[x_dim:]
