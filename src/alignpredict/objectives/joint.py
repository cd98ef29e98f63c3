"""Joint CA + CP: VICReg between the projections plus a weighted x -> y prediction loss (paper's joint lambda)."""

from __future__ import annotations

from typing import Any

import torch

from alignpredict.data.protocol import Modality
from alignpredict.objectives.base import Batch, Nets, Objective
from alignpredict.objectives.prediction import CrossPrediction
from alignpredict.objectives.vicreg import VICReg


class Joint(Objective):
    """loss = VICReg(proj_x, proj_y) + cp_weight * CP(x -> y); one encoder of x serves both terms."""

    family = "joint"
    nets = ("enc_x", "enc_y", "proj_x", "proj_y", "dec_y")
    direction = "x->y"

    def __init__(self, cp_weight: float = 1.0, vicreg: dict[str, Any] | None = None, **common: Any) -> None:
        super().__init__(**common)
        part = {"name": f"{self.name}/part", "drawing": self.drawing}
        self.alignment = VICReg(**(vicreg or {}), **part)
        self.prediction = CrossPrediction(direction="x->y", **part)
        self.cp_weight = float(cp_weight)

    def bind(self, modalities: dict[str, Modality]) -> None:
        super().bind(modalities)
        self.prediction.bind(modalities)

    def loss(self, nets: Nets, batch: Batch) -> dict[str, torch.Tensor]:
        terms = self.alignment.loss(nets, batch)
        predicted = self.prediction.prediction_terms(nets, batch)
        (value,) = predicted.values()
        return {**terms, **predicted, "loss": terms["loss"] + self.cp_weight * value}
