"""What the apps say while they work and what they leave behind: job lines with a count, heartbeats, no library
chatter, checkpoints pruned once a run is done, no stray run folders, reproduce publishing only when asked."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from omegaconf import OmegaConf

from alignpredict.checkpoints import prune_checkpoints
from alignpredict.progress import duration, headline, heartbeat, sweep_job_count

LIBRARY_CHATTER = ("LitLogger", "LeafSpec", "smaller than the logging interval", "anonymous setting", "overridden to 1")


def test_a_two_job_sweep_prints_its_count_and_no_library_chatter(repo_root: Path, tmp_path: Path, tiny_overrides):
    sweep = tmp_path / "sweep"
    tiny = [item for item in tiny_overrides["stereo"] if not item.startswith("logger=")]
    env = {key: value for key, value in os.environ.items() if key != "WANDB_SILENT"}  # what a user's shell has
    done = subprocess.run(
        [sys.executable, str(repo_root / "scripts" / "train.py"), "-m", "model=ca,cp", *tiny, "logger=wandb"]
        + [f"hydra.sweep.dir={sweep}"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    printed = done.stdout + done.stderr
    lines = printed.splitlines()
    assert f"sweep: 2 jobs -> {sweep}" in lines
    for number, model in ((1, "ca"), (2, "cp")):
        assert any(re.fullmatch(rf"job {number}/2 model={model} .*", line) for line in lines), printed
        assert any(re.fullmatch(rf"job {number}/2 done in .*, probe_acc \d\.\d{{3}} -> .*", line) for line in lines)
    assert any(re.fullmatch(rf"sweep done in .*: 2 jobs -> {re.escape(str(sweep))}", line) for line in lines)
    assert not [line for line in lines if any(noise in line for noise in LIBRARY_CHATTER)], printed
    assert not [line for line in lines if re.search(r"#\d+ : ", line)]  # Hydra's count-less job lines
    assert not [line for line in lines if line.startswith("wandb:")]  # W&B's run tables, per job
    assert (sweep / "0" / "metrics.json").is_file() and (sweep / "0" / "wandb").is_dir()
    assert not list(sweep.rglob("*.ckpt")) and not (sweep / "0" / "checkpoints").exists()  # checkpoints.keep=none


def test_the_job_count_comes_from_sweeper_params_and_command_line():
    def config(params: dict, task: list[str]):
        return OmegaConf.create({"hydra": {"sweeper": {"params": params}, "overrides": {"task": task}}})

    assert sweep_job_count(config({}, ["model=ca,cp", "seed=0,1,2", "lr=0.1"])) == 6
    assert sweep_job_count(config({"jitter": "0,0.2,0.5", "model": "ca,cp"}, ["jitter=0.5"])) == 2  # later wins
    assert sweep_job_count(config({"seed": "range(0,4)"}, [])) == 4
    assert sweep_job_count(config({}, ["lr=interval(0,1)"])) is None  # the basic sweeper cannot count that


@pytest.mark.parametrize("experiment, jobs", [("synthetic_quick", 27), ("coco_style_quick", 9), ("astro_quick", 12)])
def test_the_job_count_of_the_main_commands_sweeps(compose_app, experiment: str, jobs: int):
    assert sweep_job_count(compose_app("train", f"experiment={experiment}", hydra_keys=True)) == jobs


def test_a_heartbeat_speaks_while_a_long_phase_runs_and_only_the_innermost(capsys):
    with heartbeat("outer phase", every=0.05):
        time.sleep(0.2)
        with heartbeat("inner phase", every=0.05):
            time.sleep(0.3)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "outer phase ..." and lines[-1].startswith("outer phase: done in ")
    assert "inner phase ..." in lines and any(line.startswith("inner phase: done in ") for line in lines)
    inner = lines.index("inner phase ...")
    assert any(line.startswith("  still outer phase (") for line in lines[:inner])
    inner_end = next(i for i, line in enumerate(lines) if line.startswith("inner phase: done"))
    between = lines[inner + 1 : inner_end]
    assert between and all(line.startswith("  still inner phase (") for line in between)


def test_a_failing_phase_says_so(capsys):
    with pytest.raises(RuntimeError), heartbeat("doomed phase", every=10):
        raise RuntimeError("boom")
    assert capsys.readouterr().out.splitlines()[-1].startswith("doomed phase: failed after ")


def test_durations_and_headlines_read_well():
    assert [duration(s) for s in (0.25, 31.4, 125, 3720)] == ["0.2 s", "31 s", "2 min 05 s", "1 h 02 min"]
    assert headline({"probe_acc": 0.8123, "seed": 0}) == "probe_acc 0.812"
    assert headline({"logg_r2": 0.5, "binarity_bal_acc": 0.61}) == "logg_r2 0.500, binarity_bal_acc 0.610"


@pytest.mark.parametrize(
    "keep, left", [("none", []), ("best", ["best-epoch001.ckpt"]), ("last", ["last.ckpt"]), ("all", None)]
)
def test_checkpoints_keep_leaves_what_was_asked(tmp_path: Path, keep: str, left: list[str] | None):
    folder = tmp_path / "checkpoints"
    folder.mkdir()
    names = ["best-epoch001.ckpt", "last.ckpt"]
    for name in names:
        (folder / name).write_bytes(b"weights")
    kept = prune_checkpoints(folder, keep, folder / "best-epoch001.ckpt")
    expected = names if left is None else left
    assert sorted(path.name for path in kept) == expected
    assert (sorted(p.name for p in folder.iterdir()) if folder.exists() else []) == expected  # none: folder gone
    with pytest.raises(ValueError, match="checkpoints.keep"):
        prune_checkpoints(tmp_path, "some")


def test_a_run_keeps_no_checkpoint_by_default(tiny_train, tmp_path: Path):
    from alignpredict.train import run

    metrics = run(tiny_train("stereo", f"out_dir={tmp_path / 'none'}"))
    assert metrics["best_checkpoint"] == "" and not (tmp_path / "none" / "checkpoints").exists()
    metrics = run(tiny_train("stereo", f"out_dir={tmp_path / 'best'}", "checkpoints.keep=best"))
    assert [path.name for path in (tmp_path / "best" / "checkpoints").iterdir()] == [
        Path(metrics["best_checkpoint"]).name
    ]


def test_an_app_writing_to_out_dir_leaves_no_run_folder(repo_root: Path, tmp_path: Path):
    sweep, out = tmp_path / "sweep", tmp_path / "elsewhere"
    sweep.mkdir()
    done = subprocess.run(
        [sys.executable, str(repo_root / "scripts" / "astro_table.py"), f"sweep_dir={sweep}", f"out_dir={out}"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 1 and done.stderr.startswith("error: ")  # an empty sweep folder
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sweep"] and not any(sweep.iterdir())  # no <sweep>/table


def test_reproduce_without_publish_leaves_docs_figures_untouched(compose_app, repo_root: Path, tmp_path: Path, capsys):
    from alignpredict import reproduce

    figures = repo_root / "docs" / "figures"
    before = {path.name: (path.stat().st_mtime_ns, path.stat().st_size) for path in figures.iterdir()}
    tiny = ["phase_diagram.image_resolution=50", "phase_diagram.csv_resolution=5", "gif.enabled=false"]
    tiny += ["validation.enabled=false", "explorer.enabled=false"]
    cfg = compose_app(
        "reproduce",
        f"out_dir={tmp_path}",
        "stages=[theory]",
        "stage_args.theory=[" + ",".join(f"'{a}'" for a in tiny) + "]",
    )
    assert cfg.publish is False
    reproduce.run(cfg)
    assert {path.name: (path.stat().st_mtime_ns, path.stat().st_size) for path in figures.iterdir()} == before
    printed = capsys.readouterr().out
    assert f"stage 1/1 theory -> {tmp_path / 'theory'}" in printed and "stage 1/1 theory done in " in printed
    assert f"everything under {tmp_path}" in printed and "phase_diagram.png" in printed
    assert "docs/figures/ untouched" in printed
