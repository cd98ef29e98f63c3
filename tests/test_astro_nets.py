"""The astro MLP heads: the paper's layer stacks, shapes, and errors for non-vector inputs."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from alignpredict.data.protocol import Modality
from alignpredict.nets.mlp import FeatureDecoder, FeatureEncoder
from alignpredict.train import build_module


def test_encoder_and_decoder_shapes_and_layers() -> None:
    batch = torch.randn(7, 20)
    ca_hidden = FeatureEncoder(input_shape=(20,), latent_dim=16, norm="batch")
    assert ca_hidden(batch).shape == (7, 16)
    assert [type(m) for m in ca_hidden.net] == [nn.Linear, nn.BatchNorm1d, nn.GELU]
    cp_hidden = FeatureEncoder(input_shape=(20,), latent_dim=16, norm="layer", dropout=0.1)
    assert [type(m) for m in cp_hidden.net] == [nn.Linear, nn.LayerNorm, nn.GELU, nn.Dropout]
    cp_hidden.eval()
    assert torch.equal(cp_hidden(batch), cp_hidden(batch))  # dropout off in eval mode: a fixed representation
    assert FeatureDecoder(output_shape=(5,), latent_dim=16)(cp_hidden(batch)).shape == (7, 5)


@pytest.mark.parametrize("bad", [{"input_shape": (3, 8, 8)}, {"input_shape": (8,), "norm": "group"}])
def test_encoder_rejects_images_and_unknown_norms(bad: dict) -> None:
    with pytest.raises(ValueError, match="feature vector|norm must be"):
        FeatureEncoder(**bad)


@pytest.mark.parametrize(
    ("objective", "norm", "trained"),
    [
        ("ca_mean", nn.BatchNorm1d, {"enc_x", "enc_y", "proj_x", "proj_y"}),
        ("cp", nn.LayerNorm, {"enc_x", "dec_y"}),
        ("cp_rev", nn.LayerNorm, {"enc_y", "dec_x"}),
    ],
)
def test_mlp_nets_config_builds_the_paper_heads(compose_app, objective, norm, trained) -> None:
    cfg = compose_app("train", "experiment=astro_quick", f"model={objective}", "out_dir=unused")
    module = build_module(cfg, {"x": Modality((24,)), "y": Modality((10,))}, num_classes=0)
    assert set(module.nets) == trained
    encoder = module.nets["enc_y" if objective == "cp_rev" else "enc_x"]
    assert isinstance(encoder.net[1], norm) and encoder.net[0].out_features == 512
    if objective == "ca_mean":
        assert module.nets["proj_x"](encoder(torch.randn(4, 24))).shape == (4, 256)
        assert module.objective.coefficients["variance_reduction"] == "mean"  # the astro VICReg
    else:
        decoder = module.nets["dec_x" if objective == "cp_rev" else "dec_y"]
        assert decoder.linear.out_features == (24 if objective == "cp_rev" else 10)
    optimisation = module.configure_optimizers()
    optimiser, schedule = optimisation["optimizer"], optimisation["lr_scheduler"]["scheduler"]
    assert isinstance(optimiser, torch.optim.AdamW) and optimiser.defaults["weight_decay"] == 1e-4
    assert isinstance(schedule, torch.optim.lr_scheduler.CosineAnnealingLR) and schedule.T_max == cfg.max_epochs
    assert cfg.trainer.gradient_clip_val == 1.0
