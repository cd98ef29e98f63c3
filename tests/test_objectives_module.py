"""CrossModalModule: each objective's forward/backward, which nets exist, probe features, net sizes."""

from __future__ import annotations

import pytest
import torch
from hydra import compose, initialize_config_dir
from hydra.utils import instantiate

from alignpredict.nets.conv import ConvDecoder, ConvEncoder
from alignpredict.objectives.module import OBJECTIVES, CrossModalModule

SHAPE = (1, 32, 32)


def build(conf_dir, objective: str) -> CrossModalModule:
    with initialize_config_dir(config_dir=str(conf_dir), version_base="1.3"):
        cfg = compose("train", overrides=[f"model={objective}"])
    return instantiate(cfg.model, x_shape=SHAPE, y_shape=SHAPE, num_classes=3)


def fake_batch(size: int = 8) -> dict[str, torch.Tensor]:
    generator = torch.Generator().manual_seed(0)
    return {
        "x": torch.rand(size, *SHAPE, generator=generator),
        "y": torch.rand(size, *SHAPE, generator=generator),
        "label": torch.randint(0, 3, (size,), generator=generator),
    }


@pytest.mark.parametrize("objective", OBJECTIVES)
def test_every_parameter_gets_a_gradient(conf_dir, objective: str) -> None:
    module = build(conf_dir, objective)
    loss = module.losses(fake_batch(64))["loss"]  # DeepCCA needs batch > proj dim (32)
    assert loss.ndim == 0 and torch.isfinite(loss)
    loss.backward()
    unused = [name for name, p in module.named_parameters() if p.grad is None or not p.grad.abs().sum() > 0]
    assert unused == []
    assert module.encode_for_probe(fake_batch()).shape == (8, 128)


def test_cp_builds_and_runs_no_y_encoder(conf_dir) -> None:
    cp = build(conf_dir, "cp")
    assert set(cp.nets) == {"enc_x", "decoder"}
    calls: list[str] = []
    cp.nets["enc_x"].register_forward_hook(lambda *_: calls.append("enc_x"))
    cp.losses(fake_batch())
    assert calls == ["enc_x"]
    assert cp.nets["decoder"](torch.zeros(2, 128)).shape == (2, *SHAPE)


def test_cp_rev_predicts_x_from_y_and_probes_enc_y(conf_dir) -> None:
    module = build(conf_dir, "cp_rev")
    assert set(module.nets) == {"enc_y", "decoder"}
    batch = fake_batch()
    batch["x"] = torch.zeros_like(batch["x"])
    with torch.no_grad():
        for p in module.nets["decoder"].parameters():
            p.zero_()
    assert module.losses(batch)["loss"].item() == 0.0  # zero decoder output vs the zeroed x target
    with torch.no_grad():
        expected = module.nets["enc_y"](batch["y"])
    assert torch.equal(module.encode_for_probe(batch), expected)


def test_supervised_uses_labels_and_only_x(conf_dir) -> None:
    module = build(conf_dir, "supervised")
    assert set(module.nets) == {"enc_x", "head"}
    terms = module.losses(fake_batch())
    assert 0.0 <= terms["acc"].item() <= 1.0 and terms["cross_entropy"].item() > 0


def test_variance_convention_and_coefficients_come_from_config(conf_dir) -> None:
    with initialize_config_dir(config_dir=str(conf_dir), version_base="1.3"):
        cfg = compose(
            "train", overrides=["model=ca", "model.vicreg.variance_reduction=mean", "model.vicreg.cov_coeff=0"]
        )
    module = instantiate(cfg.model, x_shape=SHAPE, y_shape=SHAPE, num_classes=3)
    assert module.vicreg_kwargs["variance_reduction"] == "mean"
    terms = module.losses(fake_batch())
    assert terms["loss"].item() == pytest.approx(
        25 * terms["invariance"].item() + 25 * terms["variance"].item(), rel=1e-5
    )


def test_paper_net_sizes() -> None:
    count = lambda net: sum(p.numel() for p in net.parameters())  # noqa: E731
    assert count(ConvEncoder((1, 64, 64))) == 410_688  # spec: "about 411k"
    assert count(ConvDecoder((1, 64, 64))) == 247_425  # spec: "about 247k"
    assert ConvEncoder((3, 64, 64))(torch.zeros(2, 3, 64, 64)).shape == (2, 128)
    assert ConvDecoder((3, 64, 64))(torch.zeros(2, 128)).shape == (2, 3, 64, 64)


def test_bad_names_and_shapes_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown objective 'cq'.*ca, cp"):
        CrossModalModule(objective="cq", nets={}, x_shape=SHAPE, y_shape=SHAPE, num_classes=3)
    with pytest.raises(ValueError, match="divisible by 16"):
        ConvEncoder((1, 30, 30))
