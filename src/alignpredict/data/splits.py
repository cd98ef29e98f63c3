"""The five splits every datamodule serves, and how many items each gets.

ssl_train / ssl_val train the self-supervised objective (val: early stopping and checkpoint choice);
probe_train / probe_val / probe_test fit, tune and score the frozen-feature probe. Datamodules serve them
as disjoint, consecutive index ranges unless their protocol says otherwise (astro: the paper's reuse).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

SPLITS: tuple[str, ...] = ("ssl_train", "ssl_val", "probe_train", "probe_val", "probe_test")
SSL_SPLITS: tuple[str, ...] = SPLITS[:2]
PROBE_SPLITS: tuple[str, ...] = SPLITS[2:]


def check_split(split: str) -> str:
    """The split name itself, or a clear error listing the valid ones."""
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; choose one of {list(SPLITS)}")
    return split


def split_sizes(n: int, fractions: Mapping[str, float], names: Sequence[str] = SPLITS) -> dict[str, int]:
    """Sizes of consecutive ranges that use exactly n items: the edges are round(n * cumulative fraction), so
    each size is within one item of n * fraction; no split may be empty."""
    missing = [name for name in names if name not in fractions]
    extra = sorted(set(fractions) - set(names))
    if missing or extra:
        raise ValueError(f"split_fractions must have exactly the keys {list(names)}; missing {missing}, extra {extra}")
    values = np.array([float(fractions[name]) for name in names])
    if not (np.isfinite(values).all() and (values > 0).all()) or not math.isclose(values.sum(), 1.0, abs_tol=1e-6):
        raise ValueError(f"split_fractions must be positive and sum to 1; got {dict(zip(names, values.tolist()))}")
    edges = np.round(np.cumsum(np.concatenate([[0.0], values])) * n).astype(int)
    sizes = dict(zip(names, np.diff(edges).tolist()))
    empty = [name for name, size in sizes.items() if size < 1]
    if empty:
        raise ValueError(f"n_samples={n} leaves the splits {empty} empty (sizes {sizes}); raise n_samples")
    return sizes


def split_ranges(sizes: Mapping[str, int]) -> dict[str, tuple[int, int]]:
    """[start, stop) of each split when the splits are laid end to end in the order of `sizes`."""
    ranges, start = {}, 0
    for name, size in sizes.items():
        ranges[name] = (start, start + int(size))
        start += int(size)
    return ranges
