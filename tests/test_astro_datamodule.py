"""AstroFeatureDataModule: the training-stack contract on hand-written caches and on a tiny simulated cache."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch
from hydra.utils import instantiate
from omegaconf import OmegaConf

from alignpredict.data.astro.datamodule import AstroFeatureDataModule
from alignpredict.data.astro.encoders import PCAEncoder, simulate_feature_cache
from alignpredict.data.astro.features import load_feature_split
from alignpredict.data.astro.lightcurves import tess
from test_astro_features import write_tiny_cache

TINY_SIMULATION = {
    "n_pairs": 40,
    "seed": 0,
    "pool_size": 30,
    "spectra_dim": 6,
    "photometry_dim": 5,
    "channel_length": 32,
    "light_curve_points": 256,
    "split_fractions": [0.5, 0.25, 0.25],
}


def test_contract_on_hand_written_cache(tmp_path):
    write_tiny_cache(tmp_path)
    meta = pd.read_parquet(tmp_path / "meta_train.parquet")
    meta.loc[[0, 3], "age"] = np.nan  # unknown ages: kept for SSL, dropped from the age probe
    meta.to_parquet(tmp_path / "meta_train.parquet", index=False)
    dm = AstroFeatureDataModule(feature_dir=str(tmp_path), photometry="kepler", task="age", batch_size=4)
    assert dm.modalities["x"].shape == (8,) and dm.modalities["y"].shape == (4,) and dm.num_classes == 0
    sizes = {s: dm.split_size(s) for s in ("ssl_train", "ssl_val", "probe_train", "probe_val", "probe_test")}
    assert sizes == {"ssl_train": 12, "ssl_val": 5, "probe_train": 10, "probe_val": 5, "probe_test": 6}
    batches = list(dm.iterate("ssl_train", "cpu", batch_size=5))
    assert [b["x"].shape[0] for b in batches] == [5, 5, 2]
    x = torch.cat([b["x"] for b in batches])
    assert torch.allclose(x.mean(0), torch.zeros(8), atol=1e-5)  # standardised with train statistics
    raw = np.load(tmp_path / "z_lamost_train.npy")
    assert torch.allclose(x, torch.from_numpy((raw - raw.mean(0)) / (raw.std(0) + 1e-6)), atol=1e-5)
    probe = next(dm.iterate("probe_train", "cpu", batch_size=100))
    assert set(probe) == {"x", "y", "label", "logg", "age", "binarity"}
    assert torch.isfinite(probe["label"]).all() and probe["label"].dtype == torch.float32
    assert torch.equal(probe["label"], probe["age"])
    assert torch.allclose(
        probe["logg"], torch.tensor(meta["logg"].to_numpy()[[1, 2, 4, 5, 6, 7, 8, 9, 10, 11]], dtype=torch.float32)
    )
    facts = dm.describe()
    assert facts["source"] == "cached" and facts["n_samples"] == 23 and facts["n_probe_train"] == 10


def test_binarity_task_labels_and_loaders(tmp_path):
    write_tiny_cache(tmp_path, photometry="tess")
    dm = AstroFeatureDataModule(feature_dir=str(tmp_path), photometry="tess", task="binarity", batch_size=4, seed=3)
    dm.setup()
    assert dm.num_classes == 2
    test = next(dm.iterate("probe_test", "cpu", batch_size=64))
    assert test["label"].dtype == torch.long and set(test["label"].tolist()) <= {0, 1}
    expected = pd.read_parquet(tmp_path / "meta_test.parquet")["binarity"].to_numpy()
    assert test["label"].tolist() == expected.tolist()
    order = [int(i) for batch in dm.train_dataloader() for i in batch]
    again = [
        int(i)
        for batch in AstroFeatureDataModule(
            feature_dir=str(tmp_path), photometry="tess", task="binarity", batch_size=4, seed=3
        ).train_dataloader()
        for i in batch
    ]
    assert sorted(order) == list(range(12)) and order == again and order != list(range(12))
    batch = dm.on_after_batch_transfer(next(iter(dm.val_dataloader())), 0)
    assert batch["x"].shape == (4, 8) and batch["y"].shape == (4, 4)


def test_datamodule_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="feature_dir .* does not exist"):
        AstroFeatureDataModule(feature_dir=str(tmp_path / "nowhere")).setup()
    with pytest.raises(ValueError, match="task must be one of"):
        AstroFeatureDataModule(feature_dir=str(tmp_path), task="teff")
    with pytest.raises(ValueError, match="photometry must be"):
        AstroFeatureDataModule(feature_dir=str(tmp_path), photometry="gaia")
    with pytest.raises(ValueError, match="no Hydra run is active"):
        AstroFeatureDataModule(feature_dir=None).setup()
    write_tiny_cache(tmp_path)
    np.save(tmp_path / "z_kepler_test.npy", np.zeros((6, 7), np.float32))
    with pytest.raises(ValueError, match="different widths"):
        AstroFeatureDataModule(feature_dir=str(tmp_path)).setup()
    dm = AstroFeatureDataModule(feature_dir=str(tmp_path))
    with pytest.raises(ValueError, match="unknown split"):
        dm.split_size("train")


def test_missing_task_labels_in_a_probe_split(tmp_path):
    write_tiny_cache(tmp_path)
    meta = pd.read_parquet(tmp_path / "meta_test.parquet")
    meta["binarity"] = np.nan
    meta.to_parquet(tmp_path / "meta_test.parquet", index=False)
    with pytest.raises(ValueError, match="every 'binarity' label is missing"):
        AstroFeatureDataModule(feature_dir=str(tmp_path), task="binarity").setup()


def test_pca_encoder_is_a_projection():
    rng = np.random.default_rng(0)
    inputs = rng.standard_normal((200, 3)) @ np.diag([5.0, 1.0, 0.1])
    encoder = PCAEncoder.fit(inputs, 2)
    assert np.allclose(encoder.components @ encoder.components.T, np.eye(2), atol=1e-8)
    z = encoder(inputs)
    assert z.shape == (200, 2) and abs(np.corrcoef(z[:, 0], inputs[:, 0])[0, 1]) > 0.6
    with pytest.raises(ValueError, match="exceeds"):
        PCAEncoder.fit(inputs, 4)


def test_simulated_cache_is_deterministic_and_in_the_documented_layout(tmp_path):
    params = {k: v for k, v in TINY_SIMULATION.items() if k != "light_curve_points"}
    params["split_fractions"] = tuple(params["split_fractions"])
    a = simulate_feature_cache(tmp_path / "a", instrument=tess(256), **params)
    b = simulate_feature_cache(tmp_path / "b", instrument=tess(256), **params)
    names = sorted(p.name for p in a.iterdir())
    assert names == sorted(
        ["manifest.json"]
        + [
            f"{k}_{s}.{e}"
            for s in ("train", "val", "test")
            for k, e in (("z_lamost", "npy"), ("z_tess", "npy"), ("meta", "parquet"))
        ]
    )
    for split in ("train", "val", "test"):
        one = load_feature_split(a, split, ("lamost", "tess"), ("logg", "age", "binarity"))
        two = load_feature_split(b, split, ("lamost", "tess"))
        assert np.array_equal(one.features["tess"], two.features["tess"]) and one.features["lamost"].shape[1] == 6
    assert len(load_feature_split(a, "train", ("lamost",))) == 20
    with pytest.raises(ValueError, match="n_pairs must be"):
        simulate_feature_cache(tmp_path / "c", n_pairs=5, instrument=tess(256), seed=0)


def test_hydra_config_simulates_into_the_cache_dir(tmp_path, conf_dir):
    data = OmegaConf.load(conf_dir / "data" / "astro.yaml")
    cfg = OmegaConf.create({"seed": 1, "batch_size": 8, "data": data})
    cfg.data.cache_dir = str(tmp_path)
    cfg.data.simulation = TINY_SIMULATION
    dm = instantiate(cfg.data)
    assert isinstance(dm, AstroFeatureDataModule) and dm.photometry == "kepler" and dm.batch_size == 8
    assert dm.modalities["x"].shape == (6,) and dm.modalities["y"].shape == (5,)
    cache = dm.resolved_dir
    assert cache.parent == tmp_path and (cache / "manifest.json").exists()
    stamp = (cache / "z_kepler_train.npy").stat().st_mtime_ns
    again = instantiate(cfg.data)
    again.setup()
    assert again.resolved_dir == cache and (cache / "z_kepler_train.npy").stat().st_mtime_ns == stamp  # reused
    assert dm.describe()["source"] == "simulated" and dm.split_size("probe_test") == 10


def test_vicreg_loss_closed_form_on_identical_views():
    from alignpredict.data.astro.cnn import ASTRO_VICREG
    from alignpredict.objectives.vicreg import vicreg_loss

    z = torch.randn(64, 8)
    cov = torch.cov(z.T)
    expected = (
        25 * torch.relu(1 - torch.sqrt(z.var(0) + 1e-4)).mean() + ((cov**2).sum() - (cov.diagonal() ** 2).sum()) / 8
    )
    assert vicreg_loss(z, z, **ASTRO_VICREG)["loss"].item() == pytest.approx(expected.item(), rel=1e-4)


def test_cnn_trainers_are_seeded_and_frozen():
    from alignpredict.data.astro.cnn import CNNTraining, train_lightcurve_encoder, train_spectrum_encoder
    from alignpredict.data.astro.lightcurves import lightcurve_channels

    rng = np.random.default_rng(0)
    settings = CNNTraining(epochs=1, batch_size=8)
    spectra, targets = rng.random((16, 1, 256)), rng.random((16, 2))
    first = train_spectrum_encoder(spectra, targets, dim=4, seed=0, settings=settings)
    second = train_spectrum_encoder(spectra, targets, dim=4, seed=0, settings=settings)
    assert first(spectra).shape == (16, 4) and np.allclose(first(spectra), second(spectra), atol=1e-5)
    assert not first.net.training  # frozen: eval mode, batch-norm statistics fixed
    flux = rng.standard_normal((16, 256)) * 100
    encoder = train_lightcurve_encoder(flux, 0.02, 32, dim=3, seed=1, settings=settings)
    channels = lightcurve_channels(flux, 0.02, 32)
    assert np.array_equal(encoder(channels), encoder(channels)) and encoder(channels).shape == (16, 3)


@pytest.mark.slow
def test_cnn_encoders_build_a_deterministic_frozen_cache(tmp_path):
    params = {k: v for k, v in TINY_SIMULATION.items() if k != "light_curve_points"}
    params.update(split_fractions=tuple(params["split_fractions"]), encoder="cnn", cnn_epochs=1)
    a = simulate_feature_cache(tmp_path / "a", instrument=tess(256), **params)
    b = simulate_feature_cache(tmp_path / "b", instrument=tess(256), **params)
    one, two = (load_feature_split(c, "test", ("lamost", "tess")) for c in (a, b))
    assert one.features["tess"].shape == (10, 5) and one.features["lamost"].shape == (10, 6)
    assert np.allclose(one.features["lamost"], two.features["lamost"], atol=1e-5)
    assert np.allclose(one.features["tess"], two.features["tess"], atol=1e-5)
    with pytest.raises(ValueError, match="encoder must be"):
        simulate_feature_cache(tmp_path / "x", instrument=tess(256), **{**params, "encoder": "vit"})
