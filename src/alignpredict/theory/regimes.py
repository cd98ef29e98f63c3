"""The four regimes of the phase diagram, decided from the two separation ratios."""

from __future__ import annotations

import numpy as np

BOTH = "Both"
CA_ONLY = "CA only"
CP_ONLY = "CP only"
NEITHER = "Neither"
REGIMES: tuple[str, ...] = (BOTH, CA_ONLY, CP_ONLY, NEITHER)


def classify_regime(delta_ca: float, delta_cp: float) -> str:
    """Regime from Delta_CA and Delta_CP; an objective recovers the signal iff its ratio is > 1 (strict)."""
    ca, cp = bool(delta_ca > 1.0), bool(delta_cp > 1.0)
    if ca and cp:
        return BOTH
    if ca:
        return CA_ONLY
    if cp:
        return CP_ONLY
    return NEITHER


def regime_codes(delta_ca: np.ndarray, delta_cp: np.ndarray) -> np.ndarray:
    """Vectorised regime index into REGIMES (0 Both, 1 CA only, 2 CP only, 3 Neither)."""
    ca = np.asarray(delta_ca) > 1.0
    cp = np.asarray(delta_cp) > 1.0
    return np.where(ca & cp, 0, np.where(ca, 1, np.where(cp, 2, 3))).astype(np.int8)
