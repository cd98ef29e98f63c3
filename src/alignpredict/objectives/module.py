"""One LightningModule for every objective of the paper: CA (VICReg), CP in both directions, the
supervised ceiling, joint CA + CP and DeepCCA. It builds only the nets its objective uses, so CP never
runs (or even holds) a second encoder.

Modalities need not be alike (images x captions): `target_loss` says how each modality is predicted
(mse or token_ce), cp_rev builds `decoder_rev` when the nets config has one (a pixel decoder where cp
decodes captions), and nets whose config has `vocab_size` / `pad_id` keys get the datamodule's values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pytorch_lightning as pl
import torch
import torch.nn.functional as F
from hydra.utils import instantiate
from omegaconf import DictConfig, OmegaConf
from torch import nn

from alignpredict.objectives.deepcca import deepcca_loss
from alignpredict.objectives.prediction import TARGET_LOSSES, prediction_loss
from alignpredict.objectives.vicreg import vicreg_loss

ALIGNMENT_NETS = ("enc_x", "enc_y", "proj_x", "proj_y")
NETS_BY_OBJECTIVE: dict[str, tuple[str, ...]] = {
    "ca": ALIGNMENT_NETS,
    "deepcca": ALIGNMENT_NETS,
    "cp": ("enc_x", "decoder"),
    "cp_rev": ("enc_y", "decoder"),
    "supervised": ("enc_x", "head"),
    "joint": ALIGNMENT_NETS + ("decoder",),
}
OBJECTIVES = tuple(NETS_BY_OBJECTIVE)
MODALITIES = ("x", "y")


def _plain(value: Mapping[str, Any] | None) -> dict[str, Any]:
    """Config nodes become plain dicts, so checkpoints load with torch's weights_only unpickler."""
    if value is None:
        return {}
    if isinstance(value, DictConfig):
        return OmegaConf.to_container(value, resolve=True)  # type: ignore[return-value]
    return dict(value)


class CrossModalModule(pl.LightningModule):
    """Two-modality self-supervised (or supervised-ceiling) training; batches are dicts with x, y, label."""

    def __init__(
        self,
        objective: str,
        nets: Mapping[str, Any],
        x_shape: Sequence[int],
        y_shape: Sequence[int],
        num_classes: int,
        lr: float = 1e-3,
        weight_decay: float = 0.0,
        vicreg: Mapping[str, Any] | None = None,
        deepcca: Mapping[str, Any] | None = None,
        joint_cp_weight: float = 1.0,
        gradient_clip_norm: float | None = None,
        target_loss: Mapping[str, str] | None = None,
        vocab_size: int | None = None,
        pad_id: int = 0,
    ) -> None:
        super().__init__()
        if objective not in NETS_BY_OBJECTIVE:
            raise ValueError(f"unknown objective {objective!r}; choose one of {', '.join(OBJECTIVES)} (model=<name>)")
        nets, vicreg, deepcca = _plain(nets), _plain(vicreg), _plain(deepcca)
        target_loss = {**dict.fromkeys(MODALITIES, "mse"), **_plain(target_loss)}
        bad = {k: v for k, v in target_loss.items() if k not in MODALITIES or v not in TARGET_LOSSES}
        if bad:
            raise ValueError(f"target_loss {bad} is invalid; map x and/or y to one of {TARGET_LOSSES}")
        x_shape, y_shape = tuple(x_shape), tuple(y_shape)
        missing = [name for name in NETS_BY_OBJECTIVE[objective] if name not in nets]
        if missing:
            raise ValueError(
                f"objective {objective!r} needs model.nets entries {missing}; add them to the model config"
            )
        self.save_hyperparameters(logger=False)
        self.objective = objective
        self.vicreg_kwargs = vicreg
        self.deepcca_kwargs = deepcca
        self.joint_cp_weight = joint_cp_weight
        self.gradient_clip_norm = gradient_clip_norm
        self.target_loss = target_loss
        self.pad_id = pad_id
        decoder_target = x_shape if objective == "cp_rev" else y_shape
        build_kwargs: dict[str, dict[str, Any]] = {
            "enc_x": {"input_shape": x_shape},
            "enc_y": {"input_shape": y_shape},
            "proj_x": {},
            "proj_y": {},
            "decoder": {"output_shape": decoder_target},
            "head": {"num_classes": num_classes},
        }
        sources = {name: name for name in NETS_BY_OBJECTIVE[objective]}
        if objective == "cp_rev" and "decoder_rev" in nets:
            sources["decoder"] = "decoder_rev"
        token_facts = {"vocab_size": vocab_size, "pad_id": pad_id}
        for name, source in sources.items():
            if "vocab_size" in nets[source] and vocab_size is None:
                raise ValueError(
                    f"model.nets.{source} needs a token vocabulary but the datamodule has none; "
                    "use caption data (data=captions) or nets without vocab_size"
                )
            build_kwargs[name].update({key: value for key, value in token_facts.items() if key in nets[source]})
        self.nets = nn.ModuleDict(
            {name: instantiate(nets[source], **build_kwargs[name]) for name, source in sources.items()}
        )

    def encode_for_probe(self, batch: Mapping[str, torch.Tensor]) -> torch.Tensor:
        """Frozen features the probe reads: enc_y(y) for cp_rev (the only encoder it has), else enc_x(x)."""
        if self.objective == "cp_rev":
            return self.nets["enc_y"](batch["y"])
        return self.nets["enc_x"](batch["x"])

    def _alignment_terms(self, batch: Mapping[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        p_x = self.nets["proj_x"](self.nets["enc_x"](batch["x"]))
        p_y = self.nets["proj_y"](self.nets["enc_y"](batch["y"]))
        if self.objective == "deepcca":
            return deepcca_loss(p_x, p_y, **self.deepcca_kwargs)
        return vicreg_loss(p_x, p_y, **self.vicreg_kwargs)

    def _prediction_loss(self, batch: Mapping[str, torch.Tensor]) -> tuple[str, torch.Tensor]:
        """The decoder's loss on the target modality and that loss's name (mse or token_ce) for logging."""
        source, target = ("y", "x") if self.objective == "cp_rev" else ("x", "y")
        kind = self.target_loss[target]
        prediction = self.nets["decoder"](self.nets[f"enc_{source}"](batch[source]))
        return kind, prediction_loss(kind, prediction, batch[target], self.pad_id)

    def losses(self, batch: Mapping[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        """The objective's total under "loss", plus its parts for logging."""
        if self.objective in ("ca", "deepcca"):
            return self._alignment_terms(batch)
        if self.objective in ("cp", "cp_rev"):
            kind, value = self._prediction_loss(batch)
            return {"loss": value, kind: value}
        if self.objective == "supervised":
            logits = self.nets["head"](self.nets["enc_x"](batch["x"]))
            cross_entropy = F.cross_entropy(logits, batch["label"])
            accuracy = (logits.argmax(dim=1) == batch["label"]).float().mean()
            return {"loss": cross_entropy, "cross_entropy": cross_entropy, "acc": accuracy}
        terms = self._alignment_terms(batch)
        kind, value = self._prediction_loss(batch)
        return {**terms, kind: value, "loss": terms["loss"] + self.joint_cp_weight * value}

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

    def training_step(self, batch: Mapping[str, torch.Tensor], batch_idx: int) -> torch.Tensor:
        terms = self.losses(batch)
        self._log_terms("train", terms, batch["label"].shape[0])
        return terms["loss"]

    def validation_step(self, batch: Mapping[str, torch.Tensor], batch_idx: int) -> None:
        self._log_terms("val", self.losses(batch), batch["label"].shape[0])

    def configure_optimizers(self) -> torch.optim.Optimizer:
        return torch.optim.Adam(self.parameters(), lr=self.hparams.lr, weight_decay=self.hparams.weight_decay)

    def configure_gradient_clipping(
        self,
        optimizer: torch.optim.Optimizer,
        gradient_clip_val: float | None = None,
        gradient_clip_algorithm: str | None = None,
    ) -> None:
        """The objective's own clip norm (DeepCCA: 1, as in the paper) wins over the trainer's setting."""
        if self.gradient_clip_norm is not None:
            self.clip_gradients(optimizer, gradient_clip_val=self.gradient_clip_norm, gradient_clip_algorithm="norm")
        else:
            super().configure_gradient_clipping(optimizer, gradient_clip_val, gradient_clip_algorithm)
