"""CaptionDataModule on the synthetic scenes: the data contract, clean probes, seeded captions and nuisances."""

from __future__ import annotations

import hydra
import pytest
import torch
from omegaconf import OmegaConf

from alignpredict.data.captions.datamodule import CaptionDataModule
from alignpredict.data.captions.tokenizer import CaptionTokenizer
from alignpredict.data.splits import SPLITS, split_sizes

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def _module(**overrides) -> CaptionDataModule:
    options = dict(n_samples=300, seed=0, batch_size=32, min_freq=1)
    dm = CaptionDataModule(**{**options, **overrides})
    dm.setup()
    return dm


def test_config_builds_the_contract(conf_dir):
    cfg = OmegaConf.create(
        {"seed": 1, "n_samples": 200, "batch_size": 16, "data": OmegaConf.load(conf_dir / "data" / "captions.yaml")}
    )
    dm = hydra.utils.instantiate(cfg.data)
    assert isinstance(dm, CaptionDataModule) and dm.style_strength == 0.0
    dm.setup()
    assert dm.num_classes == 16 and dm.modalities["x"].shape == (3, 64, 64) and dm.modalities["y"].shape == (40,)
    assert dm.modalities["y"].kind == "tokens" and dm.modalities["y"].pad_id == 0
    sizes = [dm.split_size(s) for s in SPLITS]
    assert sizes == [120, 20, 30, 10, 20] and sum(sizes) == 200
    ids = [set(torch.cat([b["index"] for b in dm.iterate(s, "cpu")]).tolist()) for s in SPLITS]
    assert set().union(*ids) == set(range(200)) and sum(map(len, ids)) == 200  # disjoint, all used
    batch = next(iter(dm.train_dataloader()))
    assert batch["x"].shape == (16, 3, 64, 64) and batch["x"].dtype == torch.float32
    assert batch["y"].shape == (16, 40) and batch["y"].dtype == torch.long
    assert torch.equal(batch["y_mask"], batch["y"] != dm.modalities["y"].pad_id) and batch["label"].dtype == torch.long
    assert (batch["y"][:, 0] == dm.tokenizer.bos_id).all()
    assert len(dm.train_dataloader()) == 120 // 16  # partial batch dropped
    facts = dm.describe()
    assert facts["n_samples"] == 200 and facts["n_style_groups"] == 0 and 0 < facts["majority_baseline"] < 1
    assert 0.6 < facts["label_naming_rate"] < 0.95


def test_vocabulary_is_saved_and_reused(tmp_path):
    """(That held-out words become <unk> is checked on the COCO fixture, whose val captions hold new numbers.)"""
    dm = _module(vocab_path=str(tmp_path / "vocab.json"))
    assert CaptionTokenizer.load(tmp_path / "vocab.json").tokens == dm.tokenizer.tokens
    assert _module(vocab_path=str(tmp_path / "vocab.json"), min_freq=50).tokenizer.tokens == dm.tokenizer.tokens
    assert len(_module(min_freq=50).tokenizer) < len(dm.tokenizer)


def test_training_captions_vary_by_epoch_and_are_seeded():
    dm = _module()
    loader = dm.train_dataloader()

    def epoch(number: int) -> list[dict]:
        loader.sampler.set_epoch(number)  # what the trainer does at the start of each epoch
        return list(loader)

    first, second = epoch(0), epoch(1)
    assert not torch.equal(first[0]["index"], second[0]["index"])  # reshuffled per epoch
    again = next(iter(_module().train_dataloader()))
    assert torch.equal(first[0]["index"], again["index"]) and torch.equal(first[0]["y"], again["y"])
    assert all(torch.equal(a["y"], b["y"]) for a, b in zip(first, epoch(0)))  # an epoch is a function of its number
    # over two epochs of one image set, random captions differ for some images; evaluation always gives caption 0
    by_epoch = [
        {int(i): tuple(y.tolist()) for b in batches for i, y in zip(b["index"], b["y"])} for batches in (first, second)
    ]
    shared = by_epoch[0].keys() & by_epoch[1].keys()
    assert any(by_epoch[0][i] != by_epoch[1][i] for i in shared)
    for split in ("ssl_train", "probe_test"):
        batch = next(iter(dm.iterate(split, "cpu")))
        first_captions = [dm.tokenizer.encode(dm.source.captions[int(i)][0]) for i in batch["index"]]
        assert torch.equal(batch["y"], dm.tokenizer.pad_batch(first_captions)[0])


def test_style_noise_on_ssl_images_only():
    dm = _module(style_strength=0.5)
    clean = dm.source.images
    ssl = next(iter(dm.iterate("ssl_val", "cpu")))
    probe = next(iter(dm.iterate("probe_train", "cpu")))
    assert torch.equal(probe["x"], clean(probe["index"]))
    assert (ssl["x"] - clean(ssl["index"])).abs().mean() > 0.02
    assert torch.equal(ssl["x"], next(iter(dm.iterate("ssl_val", "cpu")))["x"])  # same style every pass
    raw = next(iter(dm.val_dataloader()))
    assert torch.equal(dm.on_after_batch_transfer(raw, 0)["x"], ssl["x"])  # the Trainer path styles the same way
    assert dm.describe()["blur_sigma"] == pytest.approx(2.0)


@pytest.mark.parametrize("mode, marker", [("text_only", "<sep>"), ("scene", "<sep>"), ("style", "image of")])
def test_text_nuisance_modes_touch_ssl_text_only(mode, marker):
    dm = _module(text_nuisance=mode, nuisance_strength=1.0)
    ssl = [dm.tokenizer.decode(y) for b in dm.iterate("ssl_train", "cpu") for y in b["y"]]
    probe = [dm.tokenizer.decode(y) for b in dm.iterate("probe_train", "cpu") for y in b["y"]]
    assert sum(marker in c for c in ssl) > len(ssl) // 3
    assert not any(marker in c for c in probe) and "<unk>" not in " ".join(ssl)
    again = [
        dm.tokenizer.decode(y)
        for b in _module(text_nuisance=mode, nuisance_strength=1.0).iterate("ssl_train", "cpu")
        for y in b["y"]
    ]
    assert again == ssl
    if mode == "style":  # the image carries the described style, without the image-only blur
        batch = next(iter(dm.iterate("ssl_train", "cpu")))
        assert dm.image_noise.sigma == 0.0 and not torch.equal(batch["x"], dm.source.images(batch["index"]))


def test_caption_swap_keeps_the_label():
    dm = _module(text_nuisance="caption_swap", swap_probability=1.0)
    batch = next(iter(dm.iterate("ssl_train", "cpu")))
    swapped = [dm.tokenizer.decode(y) for y in batch["y"]]
    own = [dm.tokenizer.decode(dm.tokenizer.encode(dm.source.captions[int(i)][0])) for i in batch["index"]]
    assert sum(a != b for a, b in zip(swapped, own)) > len(own) // 2


def test_bad_settings_raise_clear_errors():
    with pytest.raises(ValueError, match="style_strength=0"):
        CaptionDataModule(text_nuisance="style", style_strength=0.2)
    with pytest.raises(ValueError, match="text_nuisance"):
        CaptionDataModule(text_nuisance="emoji")
    with pytest.raises(ValueError, match="source"):
        CaptionDataModule(source="flickr")
    with pytest.raises(ValueError, match="sum to 1"):
        split_sizes(100, {s: 0.1 for s in SPLITS}, SPLITS)
    with pytest.raises(ValueError, match="empty"):
        _module(n_samples=4)
    with pytest.raises(ValueError, match="unknown split"):
        _module().split_size("test")
