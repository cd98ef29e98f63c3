"""The cross-prediction loss follows the target modality: MSE for dense targets (images, features), token
cross-entropy for padded token ids (captions), ignoring padding so caption length does not weigh in.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

TARGET_LOSSES = ("mse", "token_ce")


def token_cross_entropy(logits: torch.Tensor, ids: torch.Tensor, pad_id: int) -> torch.Tensor:
    """Mean cross-entropy over the non-pad positions of (B, L, V) logits against (B, L) ids."""
    if logits.ndim != 3 or ids.ndim != 2 or logits.shape[:2] != ids.shape:
        raise ValueError(
            f"token_ce needs (B, L, V) logits and (B, L) ids, got {tuple(logits.shape)} and "
            f"{tuple(ids.shape)}; is the decoder a caption decoder (model/nets)?"
        )
    if not (ids != pad_id).any():
        raise ValueError("token_ce got a batch made only of padding; check the caption data and pad_id")
    return F.cross_entropy(logits.flatten(0, 1), ids.flatten(), ignore_index=pad_id)


def prediction_loss(kind: str, prediction: torch.Tensor, target: torch.Tensor, pad_id: int = 0) -> torch.Tensor:
    """`kind` = "mse" (prediction shaped like the target) or "token_ce" (logits over a vocabulary)."""
    if kind == "mse":
        if prediction.shape != target.shape:
            raise ValueError(
                f"mse needs a prediction shaped like its target, got {tuple(prediction.shape)} and "
                f"{tuple(target.shape)}; for token targets set target_loss to token_ce (model/nets)"
            )
        return F.mse_loss(prediction, target)
    if kind == "token_ce":
        return token_cross_entropy(prediction, target, pad_id)
    raise ValueError(f"unknown target loss {kind!r}; choose one of {TARGET_LOSSES}")
