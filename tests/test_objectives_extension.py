"""Adding an objective is one Python file plus one YAML file: a toy objective written here trains end to end
through scripts/train.py without touching the repository, and an objective without its loss is refused before
training starts, with a message naming the missing part."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

TOY_OBJECTIVE = '''
"""A unimodal autoencoder of x, as a new objective would be written by a user."""
import torch.nn.functional as F

from alignpredict.objectives.base import Objective


class AutoEncoder(Objective):
    family = "prediction"
    nets = ("enc_x", "dec_x")

    def loss(self, nets, batch):
        reconstruction = F.mse_loss(nets["dec_x"](nets["enc_x"](batch["x"])), batch["x"])
        return {"loss": reconstruction, "reconstruction": reconstruction}


class Forgetful(Objective):
    family = "alignment"
    nets = ("enc_x", "enc_y")
'''


def write_extension(root: Path) -> Path:
    """toy_objective.py on a Python path of its own, and conf/model/{toy,forgetful}.yaml on a Hydra search path."""
    (root / "code").mkdir(parents=True)
    (root / "code" / "toy_objective.py").write_text(TOY_OBJECTIVE)
    models = root / "conf" / "model"
    models.mkdir(parents=True)
    (models / "toy.yaml").write_text(
        "_target_: toy_objective.AutoEncoder\nname: toy\n"
        'drawing: {label: AE, color: "#000000", linestyle: ":", marker: x}\n'
    )
    (models / "forgetful.yaml").write_text("_target_: toy_objective.Forgetful\nname: forgetful\ndrawing: {label: F}\n")
    return root


def train_with_extension(repo_root: Path, root: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(root / "code"), os.environ.get("PYTHONPATH", "")])}
    env.pop("HYDRA_FULL_ERROR", None)
    return subprocess.run(
        [sys.executable, str(repo_root / "scripts" / "train.py"), f"hydra.searchpath=[file://{root / 'conf'}]", *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_a_new_objective_trains_end_to_end_from_one_file_and_one_yaml(repo_root, tmp_path, tiny_overrides) -> None:
    root = write_extension(tmp_path)
    run_dir = tmp_path / "run"
    result = train_with_extension(
        repo_root, root, "model=toy", *tiny_overrides["stereo"], "logger=csv", f"hydra.run.dir={run_dir}"
    )
    assert result.returncode == 0, result.stderr[-3000:]
    metrics = json.loads((run_dir / "metrics.json").read_text())
    assert (metrics["objective"], metrics["objective_label"], metrics["objective_family"]) == (
        "toy",
        "AE",
        "prediction",
    )
    assert metrics["probe_reads"] == "x" and 0.0 <= metrics["probe_acc"] <= 1.0 and metrics["epochs_trained"] == 1
    logged = (run_dir / "csv" / "version_0" / "metrics.csv").read_text().splitlines()[0]
    assert "train/reconstruction" in logged and "val/loss" in logged
    assert not (repo_root / "conf" / "model" / "toy.yaml").exists()


def test_an_objective_without_its_loss_is_refused_before_training(repo_root, tmp_path, tiny_overrides) -> None:
    root = write_extension(tmp_path)
    run_dir = tmp_path / "run"
    result = train_with_extension(
        repo_root, root, "model=forgetful", *tiny_overrides["stereo"], f"hydra.run.dir={run_dir}"
    )
    assert result.returncode != 0
    assert "objective 'forgetful' (toy_objective.Forgetful) does not define loss: override loss()" in result.stderr
    assert not (run_dir / "checkpoints").exists() and not (run_dir / "metrics.json").exists()
