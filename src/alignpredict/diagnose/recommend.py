"""From the three Delta-hats to the advice: which objective, and for CP which direction."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from alignpredict.diagnose.benefit import BenefitSummary

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


def practical_advice(benefit: BenefitSummary) -> str:
    """What to train, from the probe scores: the best cross-modal objective (CA, or CP with its direction)
    when the resamples are confident it beats both modalities alone, else "a single modality is enough"
    with the better view named (and whether its top-k principal components or all its features did best)."""
    best = benefit.chosen_option()
    if best in ("x alone", "y alone"):
        view = best[0]
        raw, pca = benefit.scores[f"raw_{view}"], max(benefit.scores[f"pca_{view}@{k}"] for k in benefit.ks)
        how = "all its features" if raw >= pca else "its top principal components"
        return f"{SINGLE_MODALITY} {view} ({how})"
    return best


SINGLE_MODALITY = "a single modality is enough:"
