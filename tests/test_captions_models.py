"""Image-caption nets and losses: shapes, no weight download, local weights, padding ignored, the module's
per-modality prediction loss and its net choice for CP I->T vs CP T->I."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from torchvision.models import resnet18

from alignpredict.data.protocol import Modality
from alignpredict.nets.conv import ConvDecoder
from alignpredict.nets.resnet import ResNetEncoder
from alignpredict.nets.text import CaptionDecoder, TextEncoder
from alignpredict.objectives.module import CrossModalModule
from alignpredict.objectives.prediction import target_loss, token_cross_entropy
from alignpredict.train import build_module

IMAGE = (3, 32, 32)
LENGTH, VOCAB, PAD = 12, 30, 0
SLIM = [
    "nets=captions",
    "nets.enc_x.stem=imagenet",
    "nets.enc_y.embed_dim=32",
    "nets.enc_y.ffn_dim=64",
    "nets.enc_y.num_layers=1",
    "nets.proj_x.hidden_dim=32",
    "nets.dec_y.hidden_dim=32",
]
TEXT = Modality((LENGTH,), "tokens", "T", vocab_size=VOCAB, pad_id=PAD)


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


def build(compose_app, objective: str, text: Modality = TEXT) -> CrossModalModule:
    cfg = compose_app("train", f"model={objective}", *SLIM)
    return build_module(cfg, {"x": Modality(IMAGE, "dense", "I"), "y": text}, num_classes=4)


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


def test_target_loss_follows_the_target_modality() -> None:
    image = Modality(IMAGE)
    with pytest.raises(ValueError, match="mse needs a prediction shaped like its target"):
        target_loss(image, torch.zeros(2, LENGTH, VOCAB), torch.zeros(2, *IMAGE))
    with pytest.raises(ValueError, match=r"\(B, L, V\) logits"):
        target_loss(TEXT, torch.zeros(2, *IMAGE), torch.zeros(2, LENGTH, dtype=torch.long))
    padding = torch.zeros(2, LENGTH, VOCAB, requires_grad=True)
    empty = token_cross_entropy(padding, torch.zeros(2, LENGTH, dtype=torch.long), PAD)
    empty.backward()
    assert empty.item() == 0.0 and not padding.grad.abs().sum()  # padding only: nothing to learn, no NaN
    values = torch.rand(2, *IMAGE)
    name, loss = target_loss(image, torch.zeros(2, *IMAGE), values)
    assert name == "mse" and loss.item() == pytest.approx(float((values**2).mean()))


@pytest.mark.parametrize(
    "objective, decoder_type, loss_name", [("cp", CaptionDecoder, "token_ce"), ("cp_rev", ConvDecoder, "mse")]
)
def test_cp_directions_pick_their_decoder_and_loss(
    compose_app, objective: str, decoder_type: type, loss_name: str
) -> None:
    module = build(compose_app, objective)
    assert isinstance(module.nets["dec_y" if objective == "cp" else "dec_x"], decoder_type)
    terms = module.losses(fake_batch())
    assert set(terms) == {"loss", loss_name} and torch.equal(terms["loss"], terms[loss_name])


@pytest.mark.parametrize("objective", ["ca", "cp", "cp_rev", "joint"])
def test_caption_objectives_train_every_parameter(compose_app, objective: str) -> None:
    module = build(compose_app, objective)
    module.losses(fake_batch(4))["loss"].backward()
    unused = [name for name, p in module.named_parameters() if p.grad is None or not p.grad.abs().sum() > 0]
    assert unused == []
    probe_encoder = TextEncoder if objective == "cp_rev" else ResNetEncoder
    assert isinstance(module.nets["enc_y" if objective == "cp_rev" else "enc_x"], probe_encoder)
    assert module.encode_for_probe(fake_batch()).shape == (8, 128)


def test_caption_nets_on_dense_data_are_refused(compose_app) -> None:
    with pytest.raises(ValueError, match="needs a token vocabulary but modality y is dense.*data=captions"):
        build(compose_app, "cp", text=Modality((LENGTH,)))
