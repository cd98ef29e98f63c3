"""Objectives and the module shell: each objective's forward/backward, which nets exist, probe features, net
sizes, and incomplete objectives refused at construction."""

from __future__ import annotations

import pytest
import torch
from hydra.errors import InstantiationException
from hydra.utils import instantiate

from alignpredict.data.protocol import Modality
from alignpredict.nets.conv import ConvDecoder, ConvEncoder
from alignpredict.objectives.base import Objective, ObjectiveError
from alignpredict.objectives.module import CrossModalModule
from alignpredict.train import build_module

SHAPE = (1, 32, 32)
MODALITIES = {"x": Modality(SHAPE), "y": Modality(SHAPE)}
OBJECTIVES = ("ca", "ca_mean", "cp", "cp_rev", "supervised", "joint", "deepcca", "infonce")


def build(compose_app, objective: str, *overrides: str) -> CrossModalModule:
    cfg = compose_app("train", f"model={objective}", *overrides)
    return build_module(cfg, MODALITIES, num_classes=3)


def fake_batch(size: int = 8) -> dict[str, torch.Tensor]:
    generator = torch.Generator().manual_seed(0)
    return {
        "x": torch.rand(size, *SHAPE, generator=generator),
        "y": torch.rand(size, *SHAPE, generator=generator),
        "label": torch.randint(0, 3, (size,), generator=generator),
    }


def test_every_objective_config_exists(conf_dir) -> None:
    assert sorted(p.stem for p in (conf_dir / "model").glob("*.yaml")) == sorted(OBJECTIVES)


@pytest.mark.parametrize("objective", OBJECTIVES)
def test_every_parameter_gets_a_gradient(compose_app, objective: str) -> None:
    module = build(compose_app, objective)
    assert module.objective.name == objective
    loss = module.losses(fake_batch(64))["loss"]  # DeepCCA needs batch > proj dim (32)
    assert loss.ndim == 0 and torch.isfinite(loss)
    loss.backward()
    unused = [name for name, p in module.named_parameters() if p.grad is None or not p.grad.abs().sum() > 0]
    assert unused == []
    assert module.encode_for_probe(fake_batch()).shape == (8, 128)
    assert set(module.nets) == set(module.objective.nets)  # exactly the nets it declares


def test_cp_builds_and_runs_no_y_encoder(compose_app) -> None:
    cp = build(compose_app, "cp")
    assert list(cp.nets) == ["enc_x", "dec_y"] and cp.objective.direction == "x->y"
    calls: list[str] = []
    cp.nets["enc_x"].register_forward_hook(lambda *_: calls.append("enc_x"))
    assert set(cp.losses(fake_batch())) == {"loss", "mse"}
    assert calls == ["enc_x"]
    assert cp.nets["dec_y"](torch.zeros(2, 128)).shape == (2, *SHAPE)


def test_cp_rev_predicts_x_from_y_and_probes_enc_y(compose_app) -> None:
    module = build(compose_app, "cp_rev")
    assert list(module.nets) == ["enc_y", "dec_x"] and module.objective.probe_reads == "y"
    batch = fake_batch()
    batch["x"] = torch.zeros_like(batch["x"])
    with torch.no_grad():
        for p in module.nets["dec_x"].parameters():
            p.zero_()
    assert module.losses(batch)["loss"].item() == 0.0  # zero decoder output vs the zeroed x target
    with torch.no_grad():
        expected = module.nets["enc_y"](batch["y"])
    assert torch.equal(module.encode_for_probe(batch), expected)


def test_supervised_uses_labels_and_only_x(compose_app) -> None:
    module = build(compose_app, "supervised")
    assert set(module.nets) == {"enc_x", "head"}
    terms = module.losses(fake_batch())
    assert 0.0 <= terms["acc"].item() <= 1.0 and terms["cross_entropy"].item() > 0


def test_joint_is_vicreg_plus_weighted_cp(compose_app) -> None:
    module = build(compose_app, "joint", "model.cp_weight=2.5")
    terms = module.losses(fake_batch())
    assert terms["loss"].item() == pytest.approx(
        25 * terms["invariance"].item()
        + 25 * terms["variance"].item()
        + terms["covariance"].item()
        + 2.5 * terms["mse"].item(),
        rel=1e-5,
    )


def test_variance_convention_and_coefficients_come_from_config(compose_app) -> None:
    module = build(compose_app, "ca", "model.variance_reduction=mean", "model.cov_coeff=0")
    assert module.objective.coefficients["variance_reduction"] == "mean"
    assert build(compose_app, "ca_mean").objective.coefficients["variance_reduction"] == "mean"
    terms = module.losses(fake_batch())
    assert terms["loss"].item() == pytest.approx(
        25 * terms["invariance"].item() + 25 * terms["variance"].item(), rel=1e-5
    )


def test_optimizer_and_scheduler_are_config_choices(compose_app) -> None:
    adam = build(compose_app, "ca", "lr=0.01").configure_optimizers()
    assert isinstance(adam, torch.optim.Adam) and adam.defaults["lr"] == 0.01
    chosen = build(compose_app, "cp", "optimizer=adamw", "scheduler=cosine", "max_epochs=7").configure_optimizers()
    assert isinstance(chosen["optimizer"], torch.optim.AdamW) and chosen["optimizer"].defaults["weight_decay"] == 1e-4
    scheduler = chosen["lr_scheduler"]["scheduler"]
    assert isinstance(scheduler, torch.optim.lr_scheduler.CosineAnnealingLR) and scheduler.T_max == 7


def test_gradient_clipping_is_the_trainers_with_the_objectives_default(compose_app) -> None:
    assert compose_app("train", "model=deepcca").trainer.gradient_clip_val == 1.0
    assert compose_app("train", "model=ca").trainer.gradient_clip_val is None
    assert compose_app("train", "model=deepcca", "trainer.gradient_clip_val=5").trainer.gradient_clip_val == 5


def test_objectives_describe_how_figures_draw_them(compose_app) -> None:
    facts = build(compose_app, "cp_rev").objective.describe()
    assert facts == {
        "objective": "cp_rev",
        "objective_family": "prediction",
        "objective_label": "CPrev",
        "objective_color": "#009E73",
        "objective_linestyle": "-.",
        "objective_marker": "^",
        "direction": "y->x",
        "probe_reads": "y",
    }


def test_paper_net_sizes() -> None:
    def count(net: torch.nn.Module) -> int:
        return sum(p.numel() for p in net.parameters())

    assert count(ConvEncoder((1, 64, 64))) == 410_688  # the authors' encoder: "about 411k" parameters
    assert count(ConvDecoder((1, 64, 64))) == 247_425  # their decoder: "about 247k"
    assert ConvEncoder((3, 64, 64))(torch.zeros(2, 3, 64, 64)).shape == (2, 128)
    assert ConvDecoder((3, 64, 64))(torch.zeros(2, 128)).shape == (2, 3, 64, 64)


class Lossless(Objective):
    """An objective that forgot its loss."""

    family = "alignment"
    nets = ("enc_x", "enc_y")


class NoFamily(Objective):
    nets = ("enc_x",)

    def loss(self, nets, batch):
        return {"loss": nets["enc_x"](batch["x"]).sum()}


class BadReturn(NoFamily):
    family = "prediction"

    def loss(self, nets, batch):
        return {"total": nets["enc_x"](batch["x"]).sum()}


def test_incomplete_objectives_fail_at_construction_naming_the_part() -> None:
    with pytest.raises(ObjectiveError, match=r"'lossless' \(.*Lossless\) does not define loss: override loss\(\)"):
        Lossless(name="lossless", drawing={"label": "L"})
    with pytest.raises(ObjectiveError, match="must set `family`"):
        NoFamily(name="nofamily", drawing={"label": "N"})
    with pytest.raises(ObjectiveError, match="needs `drawing`"):
        BadReturn(name="bad")
    with pytest.raises(ObjectiveError, match="probe_reads='proj_x' is not a representation"):
        BadReturn(name="bad", drawing={"label": "B"}, probe_reads="proj_x")


def test_a_loss_without_its_total_is_named_at_the_first_step() -> None:
    objective = BadReturn(name="bad", drawing={"label": "B"})
    nets = {"enc_x": {"_target_": "alignpredict.nets.conv.ConvEncoder"}}
    module = CrossModalModule(objective, nets, MODALITIES, 3, optimizer=torch.optim.Adam)
    with pytest.raises(ObjectiveError, match=r"objective 'bad': loss\(\) must return a dict with a scalar .*'total'"):
        module.losses(fake_batch())


def test_missing_nets_and_wrong_modalities_are_named(compose_app) -> None:
    cfg = compose_app("train", "model=cp")
    with pytest.raises(ValueError, match=r"needs nets \['enc_x', 'dec_y'\] but the nets config has no \['dec_y'\]"):
        CrossModalModule(instantiate(cfg.model), {"enc_x": cfg.nets.enc_x}, MODALITIES, 3, torch.optim.Adam)
    tokens = {"x": Modality(SHAPE), "y": Modality((12,), "tokens", vocab_size=30, pad_id=0)}
    with pytest.raises(ValueError, match="nets.dec_y must read or write token ids"):
        build_module(cfg, tokens, 3)
    with pytest.raises(InstantiationException, match="divisible by 16"):
        build_module(cfg, {"x": Modality((1, 30, 30)), "y": Modality(SHAPE)}, 3)
