"""How the encoders see the spiked model: directly (linear mode, the theory's own setting) or through a fixed,
seeded random nonlinear map per modality (nonlinear mode).

The nonlinear map of one modality is a random 2-layer network with periodic units (random Fourier features),
z -> r * B [sin(v); cos(v)] / sqrt(2), v = g * A z / r, with A (w, d) of orthonormal columns (w = width_factor * d
random directions), B (2w, 2w) orthogonal and r the modality's population RMS (so the gain g means the same in
every cell). Its Jacobian J satisfies J^T J = (g^2 / 2) I exactly: the map is perfectly conditioned and, with
w > d generic directions, injective, so the signal stays recoverable by a nonlinear encoder; but at gain g the
first-order (linear) part of each unit shrinks like exp(-g^2 var(v) / 2), which hides most of the signal from a
linear read-out of the observation (measured per cell: the `linear_readout` column of phase_empirical.csv).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

MODES: tuple[str, ...] = ("linear", "nonlinear")


@lru_cache(maxsize=8)
def _matrices(d: int, width: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """A (width, d) with orthonormal columns and B (2 width, 2 width) orthogonal, drawn from `seed`."""
    rng = np.random.default_rng(seed)
    a, _ = np.linalg.qr(rng.standard_normal((width, d)))
    b, _ = np.linalg.qr(rng.standard_normal((2 * width, 2 * width)))
    return a, b


@dataclass(frozen=True)
class NonlinearMap:
    """One modality's fixed map (see the module docstring); `seed` fixes A and B."""

    d: int
    seed: int
    gain: float = 2.5
    width_factor: int = 2

    def __post_init__(self) -> None:
        if not self.gain > 0 or self.width_factor < 2:
            raise ValueError(
                f"the nonlinear map needs gain > 0 and width_factor >= 2 (more directions than d, for an injective "
                f"map), got gain={self.gain}, width_factor={self.width_factor}"
            )

    @property
    def width(self) -> int:
        return self.width_factor * self.d

    def matrices(self) -> tuple[np.ndarray, np.ndarray]:
        return _matrices(self.d, self.width, self.seed)

    def __call__(self, z: np.ndarray, rms: float) -> np.ndarray:
        a, b = self.matrices()
        v = (self.gain / rms) * z @ a.T
        return rms * np.hstack([np.sin(v), np.cos(v)]) @ b.T / np.sqrt(2.0)


def observe(z: np.ndarray, mode: str, nonlinear: NonlinearMap | None, rms: float) -> np.ndarray:
    """The observation of one modality's rows z in `mode`."""
    if mode not in MODES:
        raise ValueError(f"unknown observation mode {mode!r}; choose one of {list(MODES)}")
    if mode == "linear":
        return z
    if nonlinear is None:
        raise ValueError("nonlinear mode needs the modality's NonlinearMap")
    return nonlinear(z, rms)
