"""The LightningModule: a thin shell that trains whichever objective it is given.

It builds the nets the objective needs (`objectives.nets`), logs the objective's named loss terms, and
steps the configured optimizer (and scheduler). Everything objective-specific lives in the objective.
Gradient clipping is the Trainer's (`trainer.gradient_clip_val`; an objective's `gradient_clip_norm`
is its default there).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pytorch_lightning as pl
import torch

from alignpredict.data.protocol import Modality
from alignpredict.objectives.base import Batch, Objective, ObjectiveError
from alignpredict.objectives.nets import build_nets

OptimizerFactory = Callable[..., torch.optim.Optimizer]
SchedulerFactory = Callable[..., Any]


class CrossModalModule(pl.LightningModule):
    """Trains `objective` on dict batches with "x", "y" and "label"; `nets` holds exactly its nets."""

    def __init__(
        self,
        objective: Objective,
        nets: Mapping[str, Any],
        modalities: Mapping[str, Modality],
        num_classes: int,
        optimizer: OptimizerFactory,
        scheduler: SchedulerFactory | None = None,
        scheduler_interval: str = "epoch",
        channels_last: bool = False,
    ) -> None:
        super().__init__()
        if not isinstance(objective, Objective):
            raise ObjectiveError(f"model config must build an alignpredict Objective, got {type(objective).__name__}")
        objective.bind(modalities)
        self.objective = objective
        self.nets = build_nets(objective, nets, modalities, num_classes)
        self.optimizer_factory = optimizer
        self.scheduler_factory = scheduler
        self.scheduler_interval = scheduler_interval
        self.channels_last = channels_last
        if channels_last:  # the CPU fast path: NHWC conv weights (inputs are converted per batch)
            self.nets.to(memory_format=torch.channels_last)

    def _layout(self, batch: Batch) -> Batch:
        """Image tensors (4-d) in channels-last layout when the module uses it; everything else as it is."""
        if not self.channels_last:
            return batch
        return {
            key: value.contiguous(memory_format=torch.channels_last)
            if isinstance(value, torch.Tensor) and value.ndim == 4
            else value
            for key, value in batch.items()
        }

    def losses(self, batch: Batch) -> dict[str, torch.Tensor]:
        """The objective's terms for one batch; a missing or non-scalar "loss" is an error naming the objective."""
        terms = self.objective.loss(self.nets, self._layout(batch))
        total = terms.get("loss") if isinstance(terms, Mapping) else None
        if not isinstance(total, torch.Tensor) or total.ndim != 0:
            raise ObjectiveError(
                f"objective {self.objective.name!r}: loss() must return a dict with a scalar tensor under 'loss', "
                f"got {type(terms).__name__} {sorted(terms) if isinstance(terms, Mapping) else ''}"
            )
        return terms

    def encode_for_probe(self, batch: Batch) -> torch.Tensor:
        """The representation the probe reads (the objective's `probe_reads`)."""
        return self.objective.representation(self.nets, self._layout(batch))

    def represent(self, batch: Batch, name: str) -> torch.Tensor:
        return self.objective.represent(self.nets, self._layout(batch), name)

    def _log_terms(self, stage: str, terms: Mapping[str, torch.Tensor], batch_size: int) -> None:
        for name, value in terms.items():
            self.log(
                f"{stage}/{name}",
                value.detach(),
                on_step=False,
                on_epoch=True,
                batch_size=batch_size,
                prog_bar=name == "loss",
            )

    def training_step(self, batch: Batch, batch_idx: int) -> torch.Tensor:
        terms = self.losses(batch)
        self._log_terms("train", terms, batch["label"].shape[0])
        return terms["loss"]

    def validation_step(self, batch: Batch, batch_idx: int) -> None:
        self._log_terms("val", self.losses(batch), batch["label"].shape[0])

    def configure_optimizers(self) -> Any:
        optimizer = self.optimizer_factory(self.parameters())
        if self.scheduler_factory is None:
            return optimizer
        scheduler = self.scheduler_factory(optimizer)
        return {"optimizer": optimizer, "lr_scheduler": {"scheduler": scheduler, "interval": self.scheduler_interval}}
