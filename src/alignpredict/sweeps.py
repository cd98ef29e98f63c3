"""One id per launched sweep, and a sweep's failed jobs reported at its end.

A Hydra callback (`SweepCallback`, registered in conf/train.yaml) writes a fresh id into the sweep folder when
a multirun starts; every job stamps it on its metrics.json, so two launches into one folder never share an id
and the aggregation (which reads one id only) refuses the folder instead of mixing them. Jobs that fail on bad
input record a line under `<sweep>/failed/`; when the sweep ends the callback prints them and exits non-zero.
"""

from __future__ import annotations

import hashlib
import sys
import uuid
from pathlib import Path
from typing import Any

from hydra.core.hydra_config import HydraConfig
from hydra.experimental.callback import Callback
from hydra.types import RunMode
from omegaconf import DictConfig

from alignpredict.utils.io import write_text

SWEEP_ID_FILE = "sweep_id.txt"
FAILED_DIR = "failed"


def in_multirun() -> bool:
    return HydraConfig.initialized() and HydraConfig.get().mode == RunMode.MULTIRUN


def sweep_id(configured: str | None, out_dir: Path) -> str:
    """The configured id; in a multirun the id its launch wrote; else one derived from the run folder."""
    if configured:
        return str(configured)
    if in_multirun():
        launched = Path(HydraConfig.get().sweep.dir) / SWEEP_ID_FILE
        if launched.is_file():
            return launched.read_text().strip()
        base = Path(HydraConfig.get().sweep.dir).resolve()
    else:
        base = out_dir.resolve()
    return f"{base.name}-{hashlib.sha1(str(base).encode()).hexdigest()[:8]}"


def record_failure(message: str) -> None:
    """Note a multirun job that stopped on bad input (the sweep goes on; its end reports the failures)."""
    hydra = HydraConfig.get()
    overrides = " ".join(hydra.overrides.task)
    write_text(
        Path(hydra.sweep.dir) / FAILED_DIR / f"{hydra.job.num}.txt", f"job {hydra.job.num} ({overrides}): {message}\n"
    )


class SweepCallback(Callback):
    """Gives each launch its own sweep id and turns failed jobs into a non-zero exit at the sweep's end."""

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        folder = Path(config.hydra.sweep.dir)
        for stale in (folder / FAILED_DIR).glob("*.txt"):
            stale.unlink()
        write_text(folder / SWEEP_ID_FILE, f"{folder.name}-{uuid.uuid4().hex[:8]}\n")

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        failed = sorted((Path(config.hydra.sweep.dir) / FAILED_DIR).glob("*.txt"), key=lambda p: int(p.stem))
        if failed:
            lines = [path.read_text().strip() for path in failed]
            print(f"error: {len(lines)} job(s) of this sweep failed:\n  " + "\n  ".join(lines), file=sys.stderr)
            sys.exit(1)
