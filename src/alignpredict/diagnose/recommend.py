"""From the three Delta-hats to the advice: which objective, and for CP which direction."""

from __future__ import annotations

NEITHER_ADVICE = "neither: expect cross-modal training to hurt"
X_TO_Y = "x->y"
Y_TO_X = "y->x"


def choose_direction(delta_cp_xy: float, delta_cp_yx: float) -> str | None:
    """The CP direction with the larger Delta-hat, if it recovers the signal (> 1); x->y on ties."""
    if max(delta_cp_xy, delta_cp_yx) <= 1.0:
        return None
    return X_TO_Y if delta_cp_xy >= delta_cp_yx else Y_TO_X


def recommend(delta_ca: float, direction: str | None) -> str:
    """Explicit advice string, e.g. "CA", "CP (x -> y)", "CA or CP (y -> x)" or the neither warning."""
    cp = None if direction is None else f"CP ({direction.replace('->', ' -> ')})"
    if delta_ca > 1.0:
        return "CA" if cp is None else f"CA or {cp}"
    return NEITHER_ADVICE if cp is None else cp
