"""The supervised ceiling: enc_x and a linear head trained with cross-entropy on the label, x only."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from alignpredict.objectives.base import Batch, Nets, Objective


class Supervised(Objective):
    """What the encoder reaches when it is told the label (the figures draw it as the ceiling)."""

    family = "supervised"
    nets = ("enc_x", "head")

    def loss(self, nets: Nets, batch: Batch) -> dict[str, torch.Tensor]:
        logits = nets["head"](nets["enc_x"](batch["x"]))
        cross_entropy = F.cross_entropy(logits, batch["label"])
        accuracy = (logits.argmax(dim=1) == batch["label"]).float().mean()
        return {"loss": cross_entropy, "cross_entropy": cross_entropy, "acc": accuracy}
