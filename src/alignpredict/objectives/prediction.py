"""Cross-prediction (CP): encode the source modality, decode the target from the code.

The loss follows the target modality: MSE for dense targets (images, features), token cross-entropy for
padded token ids (captions), ignoring padding so caption length does not weigh in. One class serves both
directions: `direction="x->y"` (the paper's CP) or `"y->x"` (its reverse, CPrev).
"""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from alignpredict.data.protocol import Modality
from alignpredict.objectives.base import DIRECTIONS, Batch, Nets, Objective, ObjectiveError


def token_cross_entropy(logits: torch.Tensor, ids: torch.Tensor, pad_id: int) -> torch.Tensor:
    """Mean cross-entropy over the non-pad positions of (B, L, V) logits against (B, L) ids.

    The mean is a sum over real tokens divided by their count (0 for a batch of padding only), computed on the
    device without reading anything back, so a training step never waits on it.
    """
    if logits.ndim != 3 or ids.ndim != 2 or logits.shape[:2] != ids.shape:
        raise ValueError(
            f"token_ce needs (B, L, V) logits and (B, L) ids, got {tuple(logits.shape)} and "
            f"{tuple(ids.shape)}; is the decoder a caption decoder (nets=captions)?"
        )
    per_token = F.cross_entropy(logits.flatten(0, 1), ids.flatten(), ignore_index=pad_id, reduction="none")
    return per_token.sum() / (ids != pad_id).sum().clamp_min(1)


def target_loss(target: Modality, prediction: torch.Tensor, values: torch.Tensor) -> tuple[str, torch.Tensor]:
    """(name, value) of the loss of `prediction` against the target modality's `values`: mse or token_ce."""
    if target.kind == "tokens":
        return "token_ce", token_cross_entropy(prediction, values, int(target.pad_id))  # type: ignore[arg-type]
    if prediction.shape != values.shape:
        raise ValueError(
            f"mse needs a prediction shaped like its target, got {tuple(prediction.shape)} and "
            f"{tuple(values.shape)}; is the decoder built for this modality (nets config)?"
        )
    return "mse", F.mse_loss(prediction, values)


class CrossPrediction(Objective):
    """enc_<source> and dec_<target>: regress the target modality from the source's code; probe the code."""

    family = "prediction"

    def __init__(self, direction: str = "x->y", **common: Any) -> None:
        if direction not in DIRECTIONS:
            raise ObjectiveError(f"direction must be one of {DIRECTIONS}, got {direction!r}")
        self.source, self.target = direction.split("->")
        self.direction = direction
        self.nets = (f"enc_{self.source}", f"dec_{self.target}")
        super().__init__(**common)

    def prediction_terms(self, nets: Nets, batch: Batch) -> dict[str, torch.Tensor]:
        """The target loss under its own name (mse / token_ce)."""
        prediction = nets[f"dec_{self.target}"](nets[f"enc_{self.source}"](batch[self.source]))
        name, value = target_loss(self.modalities[self.target], prediction, batch[self.target])
        return {name: value}

    def loss(self, nets: Nets, batch: Batch) -> dict[str, torch.Tensor]:
        terms = self.prediction_terms(nets, batch)
        return {"loss": next(iter(terms.values())), **terms}
