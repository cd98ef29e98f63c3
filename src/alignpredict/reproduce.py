"""The reproduction driver: each stage runs the same commands a user would type, into <out>/<stage>.

Stages are subprocesses so every one is a fresh Hydra app (its own run or sweep folder, its own seeds) and
a failure names the command that failed. Everything goes under the run folder (outputs/reproduce/<time>/); the
headline figures are copied into docs/figures only with publish=true.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from omegaconf import DictConfig

from alignpredict.progress import duration, say
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
    "synthetic": ["figures/accuracy_vs_nu.png", "figures/probe_curve.png", "figures/umap_strip.png"],
    "captions": ["figures/top1_vs_style.png"],
    "astro": ["table/astro_diagnostics.png"],
    "phase_empirical": ["phase_empirical.png"],
}


def run_command(command: Command) -> None:
    """Run one stage command from the repo root; a failure raises naming the command."""
    say("+ " + " ".join(command))
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


def summary_text(out: Path, seconds: dict[str, float], publish_dir: Path | None) -> str:
    """Where everything went: per stage its folder, headline figures and time; then whether docs/figures moved."""
    lines = [f"reproduce: {len(seconds)} stage(s) in {duration(sum(seconds.values()))}, everything under {out}"]
    for stage, took in seconds.items():
        stage_dir = out / stage
        figures = [relative for relative in PUBLISHED.get(stage, []) if (stage_dir / relative).exists()]
        lines.append(f"  {stage:<10} {duration(took):>10}   {stage_dir}")
        lines.extend(f"  {'':<10} {'':>10}     {relative}" for relative in figures)
    if publish_dir is None:
        lines.append("  docs/figures/ untouched (publish=true copies the headline figures there, for the README)")
    else:
        lines.append(f"  headline figures copied to {publish_dir} as <stage>_<file>")
    return "\n".join(lines)


def run(cfg: DictConfig) -> dict[str, float]:
    """Run the configured stages in order, saying which one runs; print where everything went; returns seconds
    per stage."""
    unknown = [stage for stage in cfg.stages if stage not in STAGES]
    if unknown:
        raise ValueError(f"unknown stage(s) {unknown}; choose from {list(STAGES)}")
    out = Path(cfg.out_dir)
    python = cfg.python or sys.executable
    seconds: dict[str, float] = {}
    stages = list(cfg.stages)
    for number, stage in enumerate(stages, start=1):
        start = time.perf_counter()
        stage_dir = out / stage
        stage_dir.mkdir(parents=True, exist_ok=True)
        say(f"stage {number}/{len(stages)} {stage} -> {stage_dir}")
        for command in STAGES[stage](python, stage_dir, list(cfg.stage_args.get(stage, []))):
            run_command(command)
        if cfg.publish:
            publish(stage, stage_dir, REPO_ROOT / cfg.publish_dir)
        seconds[stage] = time.perf_counter() - start
        say(f"stage {number}/{len(stages)} {stage} done in {duration(seconds[stage])}")
    say(summary_text(out, seconds, REPO_ROOT / cfg.publish_dir if cfg.publish else None))
    return seconds
