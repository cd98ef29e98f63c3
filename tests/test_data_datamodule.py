"""StereoDataModule: the training contract (splits, loaders, on-device batches, describe) and its Hydra configs."""

from __future__ import annotations

from pathlib import Path

import hydra
import numpy as np
import pytest
import torch
from omegaconf import OmegaConf

from alignpredict.data import stereo_datamodule as dm_module
from alignpredict.data.dsprites import CANONICAL_CLASSES
from alignpredict.data.splits import SPLITS, split_sizes
from alignpredict.data.stereo_datamodule import StereoDataModule


def test_splits_are_disjoint_contiguous_and_use_exactly_n_samples() -> None:
    dm = StereoDataModule(source="dsprites", n_samples=1003, jitter=0.2, noise_y=0.5)
    seen: list[int] = []
    for split in SPLITS:
        indices = dm.split_indices(split).tolist()
        assert len(indices) == dm.split_size(split) > 0
        seen.extend(indices)
    assert sorted(seen) == list(range(1003)) and len(set(seen)) == 1003
    assert sum(dm.split_size(s) for s in SPLITS) == 1003
    assert dm.split_size("ssl_val") == 100 and dm.split_size("probe_test") == 50


def test_iterate_covers_a_split_in_order_with_contract_batches() -> None:
    dm = StereoDataModule(source="dsprites", n_samples=600, jitter=0.0, noise_y=0.2, batch_size=64)
    batches = list(dm.iterate("probe_train", "cpu", batch_size=25))
    assert torch.equal(torch.cat([b["index"] for b in batches]), dm.split_indices("probe_train"))
    first = batches[0]
    assert first["x"].shape[1:] == dm.modalities["x"].shape == (1, 64, 64) == first["y"].shape[1:]
    assert dm.modalities["y"].shape == (1, 64, 64)
    assert first["label"].dtype == torch.int64 and first["label"].shape == (25,)
    assert first["x"].device.type == "cpu" and dm.num_classes == 3
    again = next(dm.iterate("probe_train", "cpu", batch_size=25))
    assert torch.equal(again["y"], first["y"])


def test_train_loader_is_seeded_shuffled_full_batches_turned_into_images() -> None:
    def make(seed: int) -> StereoDataModule:
        return StereoDataModule(source="dsprites", n_samples=500, jitter=0.1, noise_y=0.3, batch_size=32, seed=seed)

    dm = make(0)
    loader = dm.train_dataloader()
    index_batches = list(loader)
    assert all(b.dtype == torch.int64 and len(b) == 32 for b in index_batches)
    assert len(index_batches) == dm.split_size("ssl_train") // 32
    drawn = torch.cat(index_batches)
    assert len(set(drawn.tolist())) == len(drawn) and set(drawn.tolist()) <= set(dm.split_indices("ssl_train").tolist())
    assert not torch.equal(drawn, torch.sort(drawn).values)
    assert torch.equal(next(iter(make(0).train_dataloader())), index_batches[0])
    batch = dm.on_after_batch_transfer(index_batches[0], 0)
    assert batch["x"].shape == (32, 1, 64, 64) and torch.equal(batch["index"], index_batches[0])
    val_indices = torch.cat(list(dm.val_dataloader()))
    assert torch.equal(val_indices, dm.split_indices("ssl_val"))


def test_describe_records_nominal_and_actual_alignment() -> None:
    dm = StereoDataModule(source="shapes3d", n_samples=2000, jitter=0.2, noise_y=0.9, rotation=0.0)
    facts = dm.describe()
    assert facts["nu_max"] == pytest.approx(0.8)
    assert facts["pos_corr"] == pytest.approx((1 / 12) / (1 / 12 + 0.04))
    assert facts["pos_corr_empirical"] == pytest.approx(facts["pos_corr"], abs=0.04)
    assert facts["template_source"] == "procedural" and facts["num_classes"] == 4
    assert sum(facts[f"n_{s}"] for s in SPLITS) == 2000
    for key in ("frac_out_of_frame_x", "frac_out_of_frame_y", "frac_clipped_x", "frac_clipped_y"):
        assert 0.0 <= facts[key] <= 1.0
    assert all(isinstance(v, (int, float, str)) for v in facts.values())


def test_official_template_file_is_used_when_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    images = (np.random.default_rng(0).random((3, 64, 64)) < 0.1).astype(np.uint8)
    path = tmp_path / "dsprites.npz"
    np.savez_compressed(path, imgs=images, latents_classes=CANONICAL_CLASSES, latents_values=CANONICAL_CLASSES * 1.0)
    source = dm_module.SOURCES["dsprites"]
    monkeypatch.setitem(
        dm_module.SOURCES,
        "dsprites",
        dm_module.TemplateSource(
            source.class_names,
            source.channels,
            source.image_size,
            lambda p: dm_module.dsprites.load_dsprites_templates(p, indices=(0, 1, 2)),
            source.render,
        ),
    )
    dm = StereoDataModule(source="dsprites", n_samples=100, jitter=0.0, noise_y=0.0, template_path=str(path))
    dm.setup("fit")
    assert dm.describe()["template_source"] == "official"
    assert np.array_equal(dm.templates().images[:, 0].numpy(), images.astype(np.float32))


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"jitter": -0.5}, ValueError, "jitter"),
        ({"noise_y": 1.2}, ValueError, "noise_y"),
        ({"source": "mnist"}, ValueError, "source"),
        ({"n_samples": 3}, ValueError, "empty"),
        ({"split_fractions": {"ssl_train": 0.9, "ssl_val": 0.1}}, ValueError, "keys"),
        ({"split_fractions": dict.fromkeys(SPLITS, 0.3)}, ValueError, "sum to 1"),
    ],
)
def test_bad_arguments_are_clear_errors(kwargs: dict, error: type, message: str) -> None:
    arguments = {"source": "dsprites", "n_samples": 100, "jitter": 0.1, "noise_y": 0.5, **kwargs}
    with pytest.raises(error, match=message):
        StereoDataModule(**arguments)


def test_missing_template_file_fails_at_setup(tmp_path: Path) -> None:
    dm = StereoDataModule(
        source="shapes3d", n_samples=100, jitter=0.1, noise_y=0.5, template_path=str(tmp_path / "3dshapes.h5")
    )
    with pytest.raises(FileNotFoundError, match="3dshapes.h5"):
        dm.setup("fit")
    with pytest.raises(ValueError, match="unknown split"):
        dm.split_size("test")


def test_split_sizes_honour_large_n_samples() -> None:
    sizes = split_sizes(100_000, dm_module.DEFAULT_SPLIT_FRACTIONS)
    assert sizes == {
        "ssl_train": 70_000,
        "ssl_val": 10_000,
        "probe_train": 10_000,
        "probe_val": 5_000,
        "probe_test": 5_000,
    }


@pytest.mark.parametrize(("name", "rotation", "channels"), [("dsprites", None, 1), ("shapes3d", 0.02, 3)])
def test_hydra_data_configs_build_the_datamodule(
    conf_dir: Path, name: str, rotation: float | None, channels: int
) -> None:
    knobs = {"jitter": 0.5, "noise": 0.9, "seed": 3, "n_samples": 1234, "batch_size": 16}
    cfg = OmegaConf.merge(OmegaConf.create(knobs), {"data": OmegaConf.load(conf_dir / "data" / f"{name}.yaml")})
    dm = hydra.utils.instantiate(cfg.data)
    assert isinstance(dm, StereoDataModule) and dm.source == name
    assert dm.config.jitter == 0.5 and dm.config.noise_y == 0.9 and dm.config.noise_x == 0.1
    assert dm.config.seed == 3 and dm.n_samples == 1234 and dm.batch_size == 16
    assert dm.config.rotation == rotation and dm.modalities["x"].shape == (channels, 64, 64)
    assert sum(dm.split_size(s) for s in SPLITS) == 1234
