"""Real tiny training runs through run(cfg): files written, determinism, resuming, W&B offline, UMAP."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml
from omegaconf import DictConfig

from alignpredict.train import run


@pytest.fixture
def tiny_config(tiny_train):
    def make(out_dir: Path, *overrides: str) -> DictConfig:
        return tiny_train("stereo", f"out_dir={out_dir}", *overrides)

    return make


def test_run_writes_metrics_config_and_checkpoints(tiny_config, tmp_path: Path) -> None:
    metrics = run(
        tiny_config(
            tmp_path, "model=cp", "jitter=0.2", "noise=0.9", "seed=0", "data.n_samples=240", "checkpoints.keep=all"
        )
    )
    saved = yaml.safe_load((tmp_path / "metrics.json").read_text())
    assert saved["probe_acc"] == metrics["probe_acc"] and saved["best_val_loss"] == metrics["best_val_loss"]
    assert 0.0 <= saved["probe_acc"] <= 1.0
    assert (saved["objective"], saved["jitter"], saved["noise"], saved["seed"]) == ("cp", 0.2, 0.9, 0)
    assert saved["nu_max"] == pytest.approx(0.8) and saved["data"] == "dsprites"
    assert saved["epochs_trained"] == 1 and saved["sweep_id"] and saved["n_samples"] == 240  # the data's own
    assert all(not isinstance(v, (dict, list)) for v in saved.values())  # flat
    config = yaml.safe_load((tmp_path / "config.yaml").read_text())
    assert config["model"]["name"] == "cp" and config["out_dir"] == str(tmp_path)
    assert config["data"]["noise_y"] == 0.9  # resolved interpolations
    assert Path(saved["best_checkpoint"]).is_file() and (tmp_path / "checkpoints" / "last.ckpt").is_file()


def test_same_seed_same_numbers(tiny_config, tmp_path: Path) -> None:
    first = run(tiny_config(tmp_path / "a", "seed=0"))
    second = run(tiny_config(tmp_path / "b", "seed=0"))
    assert (first["best_val_loss"], first["probe_acc"]) == (second["best_val_loss"], second["probe_acc"])


def test_resume_continues_the_epoch_count(tiny_config, tmp_path: Path) -> None:
    first = run(tiny_config(tmp_path, "logger=csv", "max_epochs=1", "checkpoints.keep=last"))  # extended below
    resumed = run(tiny_config(tmp_path, "logger=csv", "max_epochs=2", "ckpt_path=last"))
    assert (first["epochs_trained"], resumed["epochs_trained"]) == (1, 2)
    assert resumed["global_step"] == 2 * first["global_step"]
    second_log = pd.read_csv(tmp_path / "csv" / "version_1" / "metrics.csv")
    assert set(second_log["epoch"].dropna()) == {1}  # the resumed session trained only the missing epoch


def test_wandb_offline_run_is_written_and_closed(tiny_config, tmp_path: Path, monkeypatch) -> None:
    import wandb

    monkeypatch.setenv("WANDB_MODE", "offline")
    init_calls: list[dict] = []
    real_init = wandb.init

    def recording_init(*args, **kwargs):
        init_calls.append(kwargs)
        return real_init(*args, **kwargs)

    monkeypatch.setattr(wandb, "init", recording_init)
    run(tiny_config(tmp_path, "logger=wandb", "model=supervised", "sweep_id=test-sweep", "jitter=0.2"))
    assert [(c["group"], c["job_type"], c["name"]) for c in init_calls] == [
        ("test-sweep", "supervised", "supervised-jit0.2-noise0.5-s0")
    ]
    run_dirs = list((tmp_path / "wandb").glob("offline-run-*"))
    assert len(run_dirs) == 1 and list(run_dirs[0].glob("run-*.wandb"))
    assert wandb.run is None  # finished, so a next multirun job gets its own run


def test_unknown_probe_method_is_refused(tiny_config, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"probe.methods must be a non-empty list of logistic, paper, astro"):
        run(tiny_config(tmp_path, "probe.methods=[ridge]"))
    with pytest.raises(ValueError, match=r"probe.methods=\[astro\] is the astro probe alone"):
        run(tiny_config(tmp_path, "probe.methods=[logistic,astro]"))


@pytest.mark.slow
def test_run_embeds_its_own_held_out_split(tiny_config, tmp_path: Path) -> None:
    import numpy as np

    metrics = run(
        tiny_config(
            tmp_path,
            "n_samples=600",
            "embedding.enabled=true",
            "probe.methods=[paper]",
            "probe.paper_sizes=[20,60]",
        )
    )
    assert {"paper_acc_n20", "paper_acc_n60"} <= set(metrics) and metrics["probe_acc"] == metrics["paper_acc_n60"]
    with np.load(tmp_path / "embedding.npz") as saved:
        assert saved["embedding"].shape == (metrics["n_probe_test"], 2)
        assert saved["labels"].shape == saved["pos_x"].shape == (metrics["n_probe_test"],)
    assert (tmp_path / "embedding.png").stat().st_size > 1000
