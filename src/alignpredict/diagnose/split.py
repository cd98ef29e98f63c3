"""Signal / nuisance split of one spectrum and its separation ratio Delta-hat.

Signal = components whose label R^2 passes the permutation gate and is at least `signal_share` of the
spectrum's best R^2: with finite n, estimated nuisance directions pick up a little signal, and a
component whose label R^2 is a small fraction of the purest one is mostly nuisance (its R^2 share is
about its signal weight). The split is then read by singular value, not by R^2 rank:
Delta-hat = min sigma(signal) / nuisance floor, so one low-sigma signal component below the floor
correctly pulls Delta-hat under 1. The floor is the largest nuisance sigma, or an unbiased estimate of it
supplied by the caller (estimate.py)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_ZERO_FLOOR = 1e-15


@dataclass(frozen=True)
class ComponentSplit:
    """One spectrum, components sorted by held-out singular value (largest first)."""

    values: np.ndarray
    r2: np.ndarray
    signal: np.ndarray  # bool per component
    threshold: float  # R^2 a component must exceed to count as signal
    delta: float  # Delta-hat; 0 without signal, inf without nuisance
    floor: float  # nuisance floor: the largest nuisance singular value (nan without nuisance)

    @property
    def n_signal(self) -> int:
        return int(self.signal.sum())

    @property
    def n_recovered(self) -> int:
        """Signal components above the nuisance floor (r-hat): those the objective's top-k would keep."""
        return int((self.values[self.signal] > self.floor).sum()) if np.isfinite(self.floor) else self.n_signal

    def to_dict(self) -> dict:
        return {
            "values": self.values,
            "r2": self.r2,
            "signal": self.signal,
            "threshold": self.threshold,
            "delta": self.delta,
            "floor": self.floor,
            "n_signal": self.n_signal,
            "n_recovered": self.n_recovered,
        }


def separation_ratio(values: np.ndarray, signal: np.ndarray, floor: float | None = None) -> float:
    """min over signal / floor (default: max over nuisance); 0 when nothing is signal, inf when everything is."""
    if not signal.any():
        return 0.0
    if signal.all():
        return float("inf")
    floor = float(values[~signal].max()) if floor is None else floor
    return float("inf") if floor <= _ZERO_FLOOR else float(values[signal].min() / floor)


def signal_mask(r2: np.ndarray, threshold: float, signal_share: float) -> np.ndarray:
    """Signal = R^2 above max(threshold, 0) and at least signal_share * the spectrum's best R^2."""
    return (r2 > max(threshold, 0.0)) & (r2 >= signal_share * r2.max())


def split_components(
    values: np.ndarray, r2: np.ndarray, threshold: float, signal_share: float, floor: float | None = None
) -> ComponentSplit:
    """Sort by singular value and mark the signal (signal_mask). The nuisance floor is the largest nuisance
    value unless an unbiased estimate `floor` is given (the largest of many noisy values is biased up)."""
    order = np.argsort(values)[::-1]
    values, r2 = values[order], r2[order]
    signal = signal_mask(r2, threshold, signal_share)
    if not (~signal).any():
        floor = float("nan")
    elif floor is None:
        floor = float(values[~signal].max())
    return ComponentSplit(values, r2, signal, float(threshold), separation_ratio(values, signal, floor), float(floor))
