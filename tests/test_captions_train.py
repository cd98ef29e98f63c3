"""Image-caption training end to end: tiny real runs of CA, CP I->T and CP T->I through run(cfg), the
coco_style experiment configs, and the figure script on a fake sweep folder."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from alignpredict.plots.captions import PAPER_TOP1, make_caption_figures
from alignpredict.train import run


@pytest.mark.parametrize("objective, loss_name", [("ca", "invariance"), ("cp", "token_ce"), ("cp_rev", "mse")])
def test_tiny_caption_run_writes_metrics(tiny_train, tmp_path: Path, objective: str, loss_name: str) -> None:
    cfg = tiny_train("captions", f"model={objective}", "data.style_strength=0.5", f"out_dir={tmp_path}", "logger=csv")
    metrics = run(cfg)
    saved = json.loads((tmp_path / "metrics.json").read_text())
    assert saved["probe_acc"] == metrics["probe_acc"] and 0.0 <= saved["probe_acc"] <= 1.0
    assert (saved["objective"], saved["data"], saved["style_strength"]) == (objective, "synthetic", 0.5)
    assert saved["n_style_groups"] == 3 and saved["vocab_size"] > 5 and saved["epochs_trained"] == 1
    logged = pd.read_csv(tmp_path / "csv" / "version_0" / "metrics.csv")
    assert f"train/{loss_name}" in logged.columns


def test_bare_captions_command_line_picks_caption_nets_by_group(compose_app) -> None:
    cfg = compose_app("train", "data=captions", "model=cp_rev", "nets=captions")
    assert cfg.nets.enc_x._target_.endswith("ResNetEncoder") and cfg.nets.dec_x._target_.endswith("ConvDecoder")
    assert compose_app("train", "model=cp").nets.enc_x._target_.endswith("ConvEncoder")


@pytest.mark.parametrize("experiment", ["coco_style", "coco_style_quick"])
def test_style_experiments_sweep_strength_objective_and_seed(compose_app, experiment: str) -> None:
    cfg = compose_app("train", f"experiment={experiment}", "model=cp")
    assert cfg.nets.dec_y._target_.endswith("CaptionDecoder") and cfg.data.source == "synthetic"
    hydra_cfg = compose_app("train", f"experiment={experiment}", hydra_keys=True)
    params = hydra_cfg.hydra.sweeper.params
    assert params["data.style_strength"] == "0.0,0.2,0.5" and params["model"] == "ca,cp,cp_rev"


def write_fake_sweep(root: Path, objective_facts) -> dict[tuple[str, float], list[float]]:
    """Two seeds per (objective, strength); returns the probe accuracies written."""
    written: dict[tuple[str, float], list[float]] = {}
    for i, (objective, strength, seed) in enumerate(
        (o, s, seed) for o in PAPER_TOP1 for s in (0.0, 0.2, 0.5) for seed in (0, 1)
    ):
        accuracy = 0.3 + 0.01 * i
        written.setdefault((objective, strength), []).append(accuracy)
        run_dir = root / str(i)
        run_dir.mkdir(parents=True)
        (run_dir / "metrics.json").write_text(
            json.dumps(
                {
                    "sweep_id": "fake",
                    "data": "synthetic",
                    **objective_facts(objective),
                    "x_name": "I",
                    "y_name": "T",
                    "style_strength": strength,
                    "seed": seed,
                    "probe_acc": accuracy,
                    "majority_baseline": 0.25,
                }
            )
        )
    return written


def test_caption_figure_and_table_from_a_sweep(tmp_path: Path, objective_facts) -> None:
    written = write_fake_sweep(tmp_path / "sweep", objective_facts)
    paths = make_caption_figures(tmp_path / "sweep", tmp_path / "figures")
    assert paths["top1_png"].stat().st_size > 0 and paths["top1_pdf"].is_file()
    table = pd.read_csv(paths["summary"])
    assert len(table) == 9 and set(table["n"]) == {2}
    row = table[(table["objective"] == "cp") & (table["style_strength"] == 0.0)].iloc[0]
    assert row["mean"] == pytest.approx(100 * sum(written[("cp", 0.0)]) / 2)
    assert row["std"] == pytest.approx(100 * pd.Series(written[("cp", 0.0)]).std())
    assert row["paper_top1"] == 56.90


def test_plot_script_writes_figure_and_csv(tmp_path: Path, repo_root: Path, objective_facts) -> None:
    write_fake_sweep(tmp_path / "sweep", objective_facts)
    out = tmp_path / "out"
    subprocess.run(
        [
            sys.executable,
            str(repo_root / "scripts" / "plot_captions.py"),
            f"sweep_dir={tmp_path / 'sweep'}",
            f"out_dir={out}",
        ],
        check=True,
        capture_output=True,
        cwd=repo_root,
        timeout=120,
    )
    assert (out / "top1_vs_style.png").is_file() and (out / "summary.csv").is_file()


def test_caption_figure_refuses_a_non_caption_sweep(tmp_path: Path) -> None:
    run_dir = tmp_path / "sweep" / "0"
    run_dir.mkdir(parents=True)
    (run_dir / "metrics.json").write_text(
        json.dumps({"sweep_id": "s", "data": "dsprites", "objective": "ca", "probe_acc": 0.5, "seed": 0})
    )
    with pytest.raises(ValueError, match="style_strength.*data=captions"):
        make_caption_figures(tmp_path / "sweep", tmp_path / "figures")
