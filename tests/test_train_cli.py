"""scripts/train.py from the command line: multirun sweeps, launcher and experiment presets, bad names."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from alignpredict.evaluation.aggregate import load_runs
from alignpredict.train import job_devices


@pytest.fixture
def tiny(tiny_overrides) -> list[str]:
    return tiny_overrides["stereo"]


def train_cli(repo_root: Path, cwd: Path, *args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key != "HYDRA_FULL_ERROR"}  # what a user sees
    return subprocess.run(
        [sys.executable, str(repo_root / "scripts" / "train.py"), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.mark.parametrize("group, name", [("model", "vicreg"), ("data", "mnist")])
def test_unknown_group_option_gives_a_clear_message(
    repo_root: Path, tmp_path: Path, tiny: list[str], group: str, name: str
) -> None:
    result = train_cli(repo_root, tmp_path, f"{group}={name}", *tiny[1:])
    assert result.returncode != 0
    assert f"Could not find '{group}/{name}'" in result.stderr and "Available options" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_multirun_sweep_shares_one_sweep_id(repo_root: Path, tmp_path: Path, tiny: list[str]) -> None:
    sweep = tmp_path / "sweep"
    result = train_cli(repo_root, tmp_path, "-m", "jitter=0,0.5", *tiny, f"hydra.sweep.dir={sweep}")
    assert result.returncode == 0, result.stderr[-3000:]
    runs = load_runs(sweep)
    assert sorted(runs["jitter"]) == [0.0, 0.5] and runs["sweep_id"].nunique() == 1
    assert sorted(runs["nu_max"]) == pytest.approx([0.5, 1.0])
    assert all((Path(d) / "config.yaml").is_file() and (Path(d) / ".hydra").is_dir() for d in runs["run_dir"])


@pytest.mark.slow
def test_two_job_sweep_through_submitit_local(repo_root: Path, tmp_path: Path, tiny: list[str]) -> None:
    sweep = tmp_path / "sweep"
    result = train_cli(
        repo_root,
        tmp_path,
        "-m",
        "hydra/launcher=submitit_local",
        "seed=0,1",
        *tiny,
        f"hydra.sweep.dir={sweep}",
        "hydra.launcher.timeout_min=10",
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    metrics = [json.loads(p.read_text()) for p in sorted(sweep.glob("*/metrics.json"))]
    assert [m["seed"] for m in metrics] == [0, 1] and len({m["sweep_id"] for m in metrics}) == 1
    assert list((sweep / ".submitit").iterdir())


def test_launcher_presets(compose_app) -> None:
    joblib = compose_app("train", "launcher=joblib", hydra_keys=True)
    slurm = compose_app("train", "launcher=slurm", hydra_keys=True)
    assert "JoblibLauncher" in joblib.hydra.launcher._target_ and joblib.spread_jobs_over_gpus == "auto"
    assert "SlurmLauncher" in slurm.hydra.launcher._target_
    assert (slurm.hydra.launcher.gpus_per_node, slurm.hydra.launcher.tasks_per_node) == (1, 1)
    assert slurm.ckpt_path == "auto" and slurm.trainer.devices == 1  # requeued jobs resume, new ones start; no DDP
    if not torch.cuda.is_available():
        assert job_devices(joblib) == joblib.trainer.devices  # auto: the CPU when no GPU is visible
        joblib.spread_jobs_over_gpus = True
        with pytest.raises(ValueError, match="no GPU is visible"):
            job_devices(joblib)


def test_experiment_grids(compose_app) -> None:
    quick = compose_app("train", "experiment=synthetic_quick", hydra_keys=True)
    paper = compose_app("train", "experiment=synthetic_paper", hydra_keys=True)
    for cfg in (quick, paper):
        params = cfg.hydra.sweeper.params
        assert str(cfg.hydra.mode) == "RunMode.MULTIRUN"
        assert (params.jitter, params.noise, params.model) == ("0.0,0.2,0.5", "0.2,0.5,0.9", "ca,cp,supervised")
    assert quick.trainer.accelerator == "cpu" and quick.data.source == "dsprites"
    assert paper.n_samples == 100_000 and paper.trainer.accelerator == "gpu"
    assert (
        paper.hydra.sweeper.params.data == "dsprites,shapes3d" and len(paper.hydra.sweeper.params.seed.split(",")) >= 5
    )


def test_two_sweeps_into_one_folder_are_refused_not_mixed(repo_root: Path, tmp_path: Path, tiny: list[str]) -> None:
    sweep = tmp_path / "sweep"
    first = train_cli(repo_root, tmp_path, "-m", "jitter=0,0.5", *tiny, f"hydra.sweep.dir={sweep}")
    assert first.returncode == 0, first.stderr[-3000:]
    second = train_cli(repo_root, tmp_path, "-m", "jitter=0.2", *tiny, f"hydra.sweep.dir={sweep}")
    assert second.returncode == 0, second.stderr[-3000:]
    ids = {json.loads(p.read_text())["sweep_id"] for p in sweep.glob("*/metrics.json")}
    assert len(ids) == 2  # job 0 rewritten by the second launch, job 1 left from the first
    with pytest.raises(ValueError, match=r"holds runs of 2 sweeps .*pass sweep_id="):
        load_runs(sweep)


def test_a_failed_job_keeps_no_older_result_and_fails_the_sweep(
    repo_root: Path, tmp_path: Path, tiny: list[str]
) -> None:
    sweep = tmp_path / "sweep"
    assert train_cli(repo_root, tmp_path, "-m", "seed=0", *tiny, f"hydra.sweep.dir={sweep}").returncode == 0
    assert (sweep / "0" / "metrics.json").is_file()
    again = train_cli(repo_root, tmp_path, "-m", "seed=0,1", "lr=-1", *tiny, f"hydra.sweep.dir={sweep}")
    assert again.returncode == 1 and "Traceback" not in again.stderr
    assert "error: 2 job(s) of this sweep failed" in again.stderr and "lr must be a number > 0, got -1" in again.stderr
    assert not (sweep / "0" / "metrics.json").exists() and not (sweep / "1").exists()
