"""Cross-alignment (CA): encode both modalities, project, and pull paired projections together.

Subclasses supply only `align(p_x, p_y)`, the loss between the two views' projections (VICReg, InfoNCE,
DeepCCA); the nets and the representations are the same for all of them.
"""

from __future__ import annotations

import torch

from alignpredict.objectives.base import Batch, Nets, Objective, required


class AlignmentObjective(Objective):
    """enc_x, enc_y, proj_x, proj_y; the loss compares proj_x(enc_x(x)) with proj_y(enc_y(y))."""

    family = "alignment"
    nets = ("enc_x", "enc_y", "proj_x", "proj_y")

    def projections(self, nets: Nets, batch: Batch) -> tuple[torch.Tensor, torch.Tensor]:
        return self.represent(nets, batch, "proj_x"), self.represent(nets, batch, "proj_y")

    def loss(self, nets: Nets, batch: Batch) -> dict[str, torch.Tensor]:
        return self.align(*self.projections(nets, batch))

    @required
    def align(self, p_x: torch.Tensor, p_y: torch.Tensor) -> dict[str, torch.Tensor]:
        """Loss terms between the two views' (batch, dim) projections; the total under "loss"."""
        raise NotImplementedError
