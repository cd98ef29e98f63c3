"""The reproduction driver: each stage runs the same commands a user would type, into <out>/<stage>.

Stages are subprocesses so every one is a fresh Hydra app (its own run or sweep folder, its own seeds) and
a failure names the command that failed. The headline figures are then copied into docs/figures.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from omegaconf import DictConfig

from alignpredict.utils.io import atomic_path

REPO_ROOT = Path(__file__).resolve().parents[2]
Command = list[str]


def _script(name: str) -> str:
    return str(REPO_ROOT / "scripts" / name)


def theory_commands(python: str, out: Path, args: list[str]) -> list[Command]:
    return [[python, _script("theory.py"), f"hydra.run.dir={out}", *args]]


def diagnose_commands(python: str, out: Path, args: list[str]) -> list[Command]:
    from alignpredict.diagnose.example import write_example

    data = out / "example_data"
    write_example(data)
    return [
        [
            python,
            _script("diagnose.py"),
            f"x={data / 'x.npy'}",
            f"y={data / 'y.npy'}",
            f"labels={data / 'labels.npy'}",
            f"truth={data / 'truth.json'}",
            f"hydra.run.dir={out}",
            *args,
        ]
    ]


def synthetic_commands(python: str, out: Path, args: list[str]) -> list[Command]:
    return [
        [python, _script("train.py"), "-m", f"hydra.sweep.dir={out}", *args],
        [python, _script("plot.py"), f"sweep_dir={out}", f"out_dir={out / 'figures'}"],
    ]


def captions_commands(python: str, out: Path, args: list[str]) -> list[Command]:
    return [
        [python, _script("train.py"), "-m", f"hydra.sweep.dir={out}", *args],
        [python, _script("plot_captions.py"), f"sweep_dir={out}", f"out_dir={out / 'figures'}"],
    ]


def astro_commands(python: str, out: Path, args: list[str]) -> list[Command]:
    return [
        [python, _script("train.py"), "-m", f"hydra.sweep.dir={out}", *args],
        [python, _script("astro_table.py"), f"sweep_dir={out}", f"out_dir={out / 'table'}"],
    ]


def phase_empirical_commands(python: str, out: Path, args: list[str]) -> list[Command]:
    return [[python, _script("phase_empirical.py"), f"hydra.run.dir={out}", *args]]


STAGES: dict[str, Callable[[str, Path, list[str]], list[Command]]] = {
    "theory": theory_commands,
    "diagnose": diagnose_commands,
    "synthetic": synthetic_commands,
    "captions": captions_commands,
    "astro": astro_commands,
    "phase_empirical": phase_empirical_commands,
}

# stage -> files (relative to the stage folder) copied to docs/figures as <stage>_<file name> (a file named after
# its stage keeps its name: phase_empirical.png)
PUBLISHED: dict[str, list[str]] = {
    "theory": [
        "phase_diagram.png",
        "phase_diagram_sweep.gif",
        "e4_nu_sweep.png",
        "e5_prediction.png",
        "e6_joint_lambda.png",
        "e7_partial_recovery.png",
    ],
    "diagnose": ["diagnostics.png"],
    "synthetic": ["figures/accuracy_vs_nu.png", "figures/umap_strip.png"],
    "captions": ["figures/top1_vs_style.png"],
    "astro": ["table/astro_diagnostics.png"],
    "phase_empirical": ["phase_empirical.png"],
}


def run_command(command: Command) -> None:
    """Run one stage command from the repo root; a failure raises naming the command."""
    print("+", " ".join(command), flush=True)
    result = subprocess.run(command, cwd=REPO_ROOT)
    if result.returncode != 0:
        raise RuntimeError(f"stage command failed (exit {result.returncode}): {' '.join(command)}")


def publish(stage: str, stage_dir: Path, publish_dir: Path) -> None:
    """Copy a stage's headline figures atomically into the docs figure folder."""
    for relative in PUBLISHED.get(stage, []):
        source = stage_dir / relative
        if not source.exists():
            raise FileNotFoundError(f"stage {stage!r} did not write {source}")
        name = Path(relative).name
        with atomic_path(publish_dir / (name if Path(name).stem == stage else f"{stage}_{name}")) as tmp:
            shutil.copyfile(source, tmp)


def run(cfg: DictConfig) -> dict[str, float]:
    """Run the configured stages in order; returns seconds per stage."""
    unknown = [stage for stage in cfg.stages if stage not in STAGES]
    if unknown:
        raise ValueError(f"unknown stage(s) {unknown}; choose from {list(STAGES)}")
    out = Path(cfg.out_dir)
    python = cfg.python or sys.executable
    seconds: dict[str, float] = {}
    for stage in cfg.stages:
        start = time.perf_counter()
        stage_dir = out / stage
        stage_dir.mkdir(parents=True, exist_ok=True)
        for command in STAGES[stage](python, stage_dir, list(cfg.stage_args.get(stage, []))):
            run_command(command)
        if cfg.publish:
            publish(stage, stage_dir, REPO_ROOT / cfg.publish_dir)
        seconds[stage] = time.perf_counter() - start
    return seconds
