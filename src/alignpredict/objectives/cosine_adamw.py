"""The astro heads' optimiser (spec 2.3): AdamW with a cosine learning-rate schedule, on the shared module."""

from __future__ import annotations

from typing import Any

import torch

from alignpredict.objectives.module import CrossModalModule


class CosineAdamWModule(CrossModalModule):
    """CrossModalModule trained with AdamW (decoupled weight decay) and cosine annealing over `cosine_epochs`."""

    def __init__(self, *args: Any, cosine_epochs: int = 200, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if cosine_epochs < 1:
            raise ValueError(f"cosine_epochs must be >= 1 (the schedule's period in epochs), got {cosine_epochs}")
        self.cosine_epochs = cosine_epochs

    def configure_optimizers(self) -> dict[str, Any]:
        optimizer = torch.optim.AdamW(self.parameters(), lr=self.hparams.lr, weight_decay=self.hparams.weight_decay)
        schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=self.cosine_epochs)
        return {"optimizer": optimizer, "lr_scheduler": {"scheduler": schedule, "interval": "epoch"}}
