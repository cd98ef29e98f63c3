"""A resumed run is the run it resumes: a real training process killed with SIGKILL and resumed (with the system
temp folder on another filesystem and a damaged last checkpoint) ends with the uninterrupted run's results; the
data order is a function of (seed, epoch); checkpoint writes are atomic; `ckpt_path` means what it says."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import torch

from alignpredict.data.sampling import EpochShuffle, epoch_permutation
from alignpredict.resume import AtomicCheckpointIO, resume_checkpoint
from alignpredict.utils.io import PARTIAL

TIMING_AND_PLACE = {"fit_seconds", "fit_samples_per_second", "train_samples_per_second", "best_checkpoint"}


def train(repo_root: Path, run_dir: Path, *extra: str, env: dict | None = None) -> subprocess.Popen:
    args = [
        "data=dsprites", "trainer=cpu", "n_samples=320", "batch_size=32", "max_epochs=4", "model=cp",
        "logger=none", "embedding.enabled=false", "probe.inverse_l2_grid=[1.0]", "sweep_id=resume-test",
        "callbacks.early_stopping.patience=10", f"hydra.run.dir={run_dir}", *extra,
    ]  # fmt: skip
    return subprocess.Popen(
        [sys.executable, str(repo_root / "scripts" / "train.py"), *args],
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finished(process: subprocess.Popen) -> str:
    """What the run printed (Hydra logs to stdout, errors go to stderr), once it exited cleanly."""
    stdout, stderr = process.communicate(timeout=600)
    assert process.returncode == 0, stderr[-3000:]
    return stdout + stderr


def test_a_killed_run_resumes_to_the_uninterrupted_result(repo_root: Path, tmp_path: Path) -> None:
    finished(train(repo_root, tmp_path / "whole"))
    whole = json.loads((tmp_path / "whole" / "metrics.json").read_text())

    killed = tmp_path / "killed"
    process = train(repo_root, killed)
    checkpoints = killed / "checkpoints"
    deadline = time.monotonic() + 300
    while not list(checkpoints.glob("best-epoch001.ckpt")) and process.poll() is None:
        assert time.monotonic() < deadline, "the run never wrote its second checkpoint"
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)  # mid-run: during epoch 2 (or while it writes that epoch's checkpoint)
    process.wait()
    assert process.returncode == -signal.SIGKILL and not (killed / "metrics.json").exists()
    # what a kill in the middle of a checkpoint write leaves: a truncated last.ckpt and a half-written temp file
    last = checkpoints / "last.ckpt"
    last.write_bytes(last.read_bytes()[:1000])
    (checkpoints / f".last.ckpt{PARTIAL}x1y2.ckpt").write_bytes(b"half a checkpoint")
    with tempfile.TemporaryDirectory(dir="/dev/shm" if Path("/dev/shm").is_dir() else None) as other_fs:
        printed = finished(train(repo_root, killed, "ckpt_path=last", env={"TMPDIR": other_fs}))
        assert not os.listdir(other_fs)  # nothing staged in the system temp folder
    resumed = json.loads((killed / "metrics.json").read_text())
    assert "last.ckpt is damaged" in printed and not list(checkpoints.glob(f".*{PARTIAL}*"))
    assert resumed["epochs_trained"] == whole["epochs_trained"] == 4
    assert {k: v for k, v in resumed.items() if k not in TIMING_AND_PLACE} == {
        k: v for k, v in whole.items() if k not in TIMING_AND_PLACE
    }


def test_resume_without_a_checkpoint_names_the_run_folder(repo_root: Path, tmp_path: Path) -> None:
    process = train(repo_root, tmp_path / "fresh", "ckpt_path=last")
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 1 and "hydra.run.dir=<that run folder>" in stderr and "Traceback" not in stderr
    assert not (tmp_path / "fresh").exists()  # a run that never started leaves no folder behind


def test_ckpt_path_modes(tmp_path: Path, caplog) -> None:
    assert resume_checkpoint(None, tmp_path) is None and resume_checkpoint("auto", tmp_path) is None
    with pytest.raises(FileNotFoundError, match="hydra.run.dir"):
        resume_checkpoint("last", tmp_path)
    folder = tmp_path / "checkpoints"
    io = AtomicCheckpointIO()
    io.save_checkpoint({"epoch": 0}, folder / "best-epoch000.ckpt")
    time.sleep(0.01)
    io.save_checkpoint({"epoch": 1}, folder / "last.ckpt")
    assert resume_checkpoint("last", tmp_path).name == "last.ckpt"
    (folder / "last.ckpt").write_bytes(b"PK\x03\x04 truncated")
    with caplog.at_level(logging.WARNING):
        assert resume_checkpoint("auto", tmp_path).name == "best-epoch000.ckpt"
    assert "damaged" in caplog.text
    with pytest.raises(ValueError, match="not a complete Lightning checkpoint"):
        resume_checkpoint(str(folder / "last.ckpt"), tmp_path)
    with pytest.raises(FileNotFoundError, match="is not a file"):
        resume_checkpoint(str(folder / "nope.ckpt"), tmp_path)


def test_an_interrupted_checkpoint_write_leaves_the_old_file_and_no_temp(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "last.ckpt"
    AtomicCheckpointIO().save_checkpoint({"epoch": 0}, target)
    before = target.read_bytes()

    def dies_halfway(obj, handle, *args, **kwargs):
        handle.write(b"half")
        raise KeyboardInterrupt

    monkeypatch.setattr(torch, "save", dies_halfway)
    with pytest.raises(KeyboardInterrupt):
        AtomicCheckpointIO().save_checkpoint({"epoch": 1}, target)
    assert target.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["last.ckpt"]


def test_training_order_is_a_function_of_seed_and_epoch() -> None:
    sampler = EpochShuffle(50, seed=3)
    first = list(sampler)
    sampler.set_epoch(1)
    second = list(sampler)
    assert sorted(first) == sorted(second) == list(range(50)) and first != second
    sampler.set_epoch(0)
    assert list(sampler) == first == epoch_permutation(50, 3, 0).tolist()
    assert list(EpochShuffle(50, seed=4)) != first
