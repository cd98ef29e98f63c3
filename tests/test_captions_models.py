"""Image-caption nets and losses: shapes, no weight download, local weights, padding ignored, the module's
per-modality prediction loss and its net choice for CP I->T vs CP T->I."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from hydra import compose, initialize_config_dir
from hydra.errors import InstantiationException
from hydra.utils import instantiate
from torchvision.models import resnet18

from alignpredict.nets.conv import ConvDecoder
from alignpredict.nets.resnet import ResNetEncoder
from alignpredict.nets.text import CaptionDecoder, TextEncoder
from alignpredict.objectives.module import CrossModalModule
from alignpredict.objectives.prediction import prediction_loss, token_cross_entropy

IMAGE = (3, 32, 32)
LENGTH, VOCAB, PAD = 12, 30, 0
SLIM = [
    "model/nets=captions",
    "model.nets.enc_x.stem=imagenet",
    "model.nets.enc_y.embed_dim=32",
    "model.nets.enc_y.ffn_dim=64",
    "model.nets.enc_y.num_layers=1",
    "model.nets.proj_x.hidden_dim=32",
    "model.nets.decoder.hidden_dim=32",
]


def caption_ids(batch: int, generator: torch.Generator) -> torch.Tensor:
    """bos + random words + eos, then padding; lengths 3..LENGTH."""
    ids = torch.full((batch, LENGTH), PAD, dtype=torch.long)
    for row in range(batch):
        n_words = int(torch.randint(1, LENGTH - 1, (1,), generator=generator))
        ids[row, : n_words + 2] = torch.cat(
            [torch.tensor([2]), torch.randint(5, VOCAB, (n_words,), generator=generator), torch.tensor([3])]
        )
    return ids


def fake_batch(size: int = 8) -> dict[str, torch.Tensor]:
    generator = torch.Generator().manual_seed(0)
    return {
        "x": torch.rand(size, *IMAGE, generator=generator),
        "y": caption_ids(size, generator),
        "label": torch.randint(0, 4, (size,), generator=generator),
    }


def build(conf_dir, objective: str, vocab_size: int | None = VOCAB) -> CrossModalModule:
    with initialize_config_dir(config_dir=str(conf_dir), version_base="1.3"):
        cfg = compose("train", overrides=[f"model={objective}", *SLIM])
    return instantiate(cfg.model, x_shape=IMAGE, y_shape=(LENGTH,), num_classes=4, vocab_size=vocab_size, pad_id=PAD)


@pytest.mark.parametrize("stem", ["imagenet", "small"])
def test_resnet_encoder_maps_images_to_a_latent(stem: str) -> None:
    encoder = ResNetEncoder(IMAGE, latent_dim=24, stem=stem)
    assert encoder(torch.rand(2, *IMAGE)).shape == (2, 24)
    assert isinstance(encoder.trunk.maxpool, torch.nn.Identity) == (stem == "small")


def test_resnet_encoder_refuses_non_rgb_input_and_unknown_stem() -> None:
    with pytest.raises(ValueError, match=r"\(3, H, W\)"):
        ResNetEncoder((LENGTH,))
    with pytest.raises(ValueError, match="stem must be one of"):
        ResNetEncoder(IMAGE, stem="huge")


def test_resnet_encoder_never_downloads(monkeypatch) -> None:
    def refuse(*args, **kwargs):
        raise AssertionError("tried to download weights")

    monkeypatch.setattr(torch.hub, "load_state_dict_from_url", refuse)
    monkeypatch.setattr(torch.hub, "download_url_to_file", refuse)
    ResNetEncoder(IMAGE)


def test_resnet_encoder_loads_local_weights(tmp_path) -> None:
    torch.manual_seed(123)
    saved = resnet18(weights=None).state_dict()
    path = tmp_path / "resnet18.pth"
    torch.save(saved, path)
    encoder = ResNetEncoder(IMAGE, stem="imagenet", weights_path=str(path))
    assert torch.equal(encoder.trunk.layer3[0].conv1.weight, saved["layer3.0.conv1.weight"])
    assert torch.equal(encoder.trunk.conv1.weight, saved["conv1.weight"])
    fresh = ResNetEncoder(IMAGE, stem="imagenet")
    assert not torch.equal(fresh.trunk.layer3[0].conv1.weight, saved["layer3.0.conv1.weight"])


def test_resnet_encoder_weight_errors_name_the_fix(tmp_path) -> None:
    with pytest.raises(FileNotFoundError, match="weights_path=null"):
        ResNetEncoder(IMAGE, weights_path=str(tmp_path / "missing.pth"))
    wrong = tmp_path / "wrong.pth"
    torch.save({"layer.weight": torch.zeros(2)}, wrong)
    with pytest.raises(ValueError, match="not a torchvision resnet18 state_dict"):
        ResNetEncoder(IMAGE, weights_path=str(wrong))


def test_text_encoder_shape_and_padding_is_ignored() -> None:
    torch.manual_seed(0)
    encoder = TextEncoder((LENGTH,), VOCAB, latent_dim=16, embed_dim=32, num_heads=4, ffn_dim=64, pad_id=PAD).eval()
    ids = fake_batch()["y"]
    before = encoder(ids)
    assert before.shape == (8, 16)
    with torch.no_grad():
        encoder.positions[:, -1].add_(5.0)  # the last position is padding in every caption shorter than LENGTH
    short = ids[:, -1] == PAD
    assert short.any()
    assert torch.allclose(encoder(ids)[short], before[short], atol=1e-5)


def test_text_nets_need_the_vocabulary_and_token_shapes() -> None:
    with pytest.raises(ValueError, match="vocabulary size"):
        TextEncoder((LENGTH,), None)
    with pytest.raises(ValueError, match=r"\(L,\)"):
        CaptionDecoder(IMAGE, VOCAB)


def test_caption_decoder_gives_logits_per_position() -> None:
    decoder = CaptionDecoder((LENGTH,), VOCAB, latent_dim=16, hidden_dim=32)
    assert decoder(torch.zeros(3, 16)).shape == (3, LENGTH, VOCAB)


def test_token_cross_entropy_ignores_padding_and_matches_the_closed_form() -> None:
    generator = torch.Generator().manual_seed(1)
    ids = caption_ids(4, generator)
    logits = torch.randn(4, LENGTH, VOCAB, generator=generator)
    real = ids != PAD
    log_probs = F.log_softmax(logits, dim=-1).gather(-1, ids.unsqueeze(-1)).squeeze(-1)
    expected = -(log_probs[real]).mean()
    assert token_cross_entropy(logits, ids, PAD).item() == pytest.approx(expected.item(), rel=1e-6)
    scrambled = logits.clone()
    scrambled[~real] = torch.randn(int((~real).sum()), VOCAB, generator=generator) * 10
    assert token_cross_entropy(scrambled, ids, PAD).item() == pytest.approx(expected.item(), rel=1e-6)


def test_prediction_loss_checks_shapes_and_kind() -> None:
    with pytest.raises(ValueError, match="token_ce"):
        prediction_loss("mse", torch.zeros(2, LENGTH, VOCAB), torch.zeros(2, LENGTH))
    with pytest.raises(ValueError, match=r"\(B, L, V\) logits"):
        prediction_loss("token_ce", torch.zeros(2, *IMAGE), torch.zeros(2, *IMAGE))
    with pytest.raises(ValueError, match="only of padding"):
        token_cross_entropy(torch.zeros(2, LENGTH, VOCAB), torch.zeros(2, LENGTH, dtype=torch.long), PAD)
    with pytest.raises(ValueError, match="unknown target loss"):
        prediction_loss("l1", torch.zeros(2), torch.zeros(2))


@pytest.mark.parametrize(
    "objective, decoder_type, loss_name", [("cp", CaptionDecoder, "token_ce"), ("cp_rev", ConvDecoder, "mse")]
)
def test_cp_directions_pick_their_decoder_and_loss(
    conf_dir, objective: str, decoder_type: type, loss_name: str
) -> None:
    module = build(conf_dir, objective)
    assert isinstance(module.nets["decoder"], decoder_type)
    terms = module.losses(fake_batch())
    assert set(terms) == {"loss", loss_name} and torch.equal(terms["loss"], terms[loss_name])


@pytest.mark.parametrize("objective", ["ca", "cp", "cp_rev", "joint"])
def test_caption_objectives_train_every_parameter(conf_dir, objective: str) -> None:
    module = build(conf_dir, objective)
    module.losses(fake_batch(4))["loss"].backward()
    unused = [name for name, p in module.named_parameters() if p.grad is None or not p.grad.abs().sum() > 0]
    assert unused == []
    probe_encoder = TextEncoder if objective == "cp_rev" else ResNetEncoder
    assert isinstance(module.nets["enc_y" if objective == "cp_rev" else "enc_x"], probe_encoder)
    assert module.encode_for_probe(fake_batch()).shape == (8, 128)


def test_caption_nets_without_a_vocabulary_are_refused(conf_dir) -> None:
    with pytest.raises(InstantiationException, match="needs a token vocabulary.*data=captions"):
        build(conf_dir, "cp", vocab_size=None)


def test_target_loss_is_validated() -> None:
    with pytest.raises(ValueError, match="target_loss"):
        CrossModalModule("cp", {}, IMAGE, IMAGE, 2, target_loss={"y": "cosine"})
