"""What the apps say on the terminal while they work, and the library chatter they keep off it.

- `say(message)`: one progress line on stdout, flushed (so it shows at once in a pipe or a log file).
- `heartbeat(what)`: a start line, a line every `ALIGNPREDICT_HEARTBEAT_S` seconds (default 60) while a long
  silent phase runs (the astro feature cache, the astro probes, a training job), and a done line with its time.
  Only the innermost running heartbeat speaks.
- `ProgressCallback` (a Hydra callback, conf/train.yaml): `sweep: 27 jobs -> <folder>`, then per job
  `job 4/27 <overrides>` and `job 4/27 done in 31 s, probe_acc 0.810 -> <run folder>`, and
  `sweep done in 12 min 05 s: 27 jobs -> <folder>`. The job count is computed from the
  sweep's overrides when the multirun starts and written to `<sweep>/sweep.json` for the jobs to read.
- `quiet_libraries()`: warnings filters for third-party notices that repeat once per job and say nothing
  about this project (each matched by its own text; our own warnings are never filtered). The logging side
  of the same job (Lightning's info lines, its LitLogger tip) is in conf/hydra/job_logging/alignpredict.yaml.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import sys
import threading
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from hydra.core.hydra_config import HydraConfig
from hydra.experimental.callback import Callback
from omegaconf import DictConfig, OmegaConf

from alignpredict.sweeps import FAILED_DIR, in_multirun
from alignpredict.utils.io import write_json

SWEEP_FILE = "sweep.json"
HEARTBEAT_ENV = "ALIGNPREDICT_HEARTBEAT_S"
DEFAULT_HEARTBEAT_S = 60.0
ASTRO_HEADLINES = ("logg_r2", "age_r2", "binarity_bal_acc")

# third-party notices, one per job, that tell the user nothing (message regex, as warnings.filterwarnings reads it)
LIBRARY_NOTICES = (
    r".*isinstance\(treespec, LeafSpec\)` is deprecated",  # Lightning on torch's pytree, once per fit
    r"The number of training batches \(\d+\) is smaller than the logging interval",  # small quick-scale runs
    r"n_jobs value -?\d+ overridden to 1 by setting random_state",  # UMAP, seeded on purpose
)


class LibraryInfo(logging.Filter):
    """Drops records below WARNING from these libraries' loggers (a handler filter, used by
    conf/hydra/job_logging/alignpredict.yaml). Logger levels alone do not do it: Lightning sets its loggers
    to INFO when it is imported, which is after Hydra configured logging."""

    def __init__(self, names: list[str] | tuple[str, ...] = ()) -> None:
        super().__init__()
        self.names = tuple(names)

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.WARNING:
            return True
        return not any(record.name == name or record.name.startswith(name + ".") for name in self.names)


def say(message: str) -> None:
    print(message, file=sys.stdout, flush=True)


def duration(seconds: float) -> str:
    """31 s, 2 min 05 s, 1 h 02 min."""
    seconds = max(0.0, float(seconds))
    if seconds < 60:
        return f"{seconds:.0f} s" if seconds >= 1 else f"{seconds:.1f} s"
    minutes, secs = divmod(int(round(seconds)), 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def heartbeat_seconds() -> float:
    try:
        return max(0.05, float(os.environ.get(HEARTBEAT_ENV, DEFAULT_HEARTBEAT_S)))
    except ValueError:
        return DEFAULT_HEARTBEAT_S


_running: list[int] = []  # the heartbeats now running, innermost last
_lock = threading.Lock()
_tokens = itertools.count()


@contextmanager
def heartbeat(what: str, every: float | None = None, quiet_start: bool = False) -> Iterator[None]:
    """`what ...` at the start (unless quiet_start), `  still <what> (1 min 00 s)` every `every` seconds while
    it runs and is the innermost heartbeat, `<what>: done in 2 min 03 s` at the end (or `failed after`)."""
    interval = heartbeat_seconds() if every is None else every
    token = next(_tokens)
    stop = threading.Event()
    start = time.perf_counter()
    if not quiet_start:
        say(f"{what} ...")

    def beat() -> None:
        while not stop.wait(interval):
            with _lock:
                innermost = bool(_running) and _running[-1] == token
            if innermost:
                say(f"  still {what} ({duration(time.perf_counter() - start)})")

    with _lock:
        _running.append(token)
    thread = threading.Thread(target=beat, name="alignpredict-heartbeat", daemon=True)
    thread.start()
    ok = False
    try:
        yield
        ok = True
    finally:
        stop.set()
        thread.join(timeout=1.0)
        with _lock:
            _running.remove(token)
        if not quiet_start:
            verdict = "done in" if ok else "failed after"
            say(f"{what}: {verdict} {duration(time.perf_counter() - start)}")


def quiet_libraries() -> None:
    """Filter the third-party notices in LIBRARY_NOTICES, and W&B's terminal chatter unless WANDB_SILENT is set."""
    for pattern in LIBRARY_NOTICES:
        warnings.filterwarnings("ignore", message=pattern)
    os.environ.setdefault("WANDB_SILENT", "true")  # its run history tables, once per job; the run folder has it all


def sweep_job_count(config: DictConfig) -> int | None:
    """How many jobs the basic sweeper launches for this multirun (sweeper params + command-line overrides), or
    None when it cannot tell (another sweeper, a range it does not expand)."""
    try:
        from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
        from hydra.core.override_parser.overrides_parser import OverridesParser

        params = config.hydra.sweeper.get("params") or {}
        arguments = [f"{key}={value}" for key, value in params.items()] + list(config.hydra.overrides.task)
        overrides = OverridesParser.create().parse_overrides(arguments)
        return len(BasicSweeper.split_arguments(overrides, None)[0])
    except Exception:  # a count is a nicety; never let it stop a sweep
        return None


def job_label() -> str:
    """`job 4/27` in a multirun (`job 4/?` when the total is unknown), `run` otherwise."""
    if not in_multirun():
        return "run"
    hydra = HydraConfig.get()
    total = "?"
    try:
        total = str(json.loads((Path(hydra.sweep.dir) / SWEEP_FILE).read_text())["jobs"] or "?")
    except (OSError, ValueError, KeyError):
        pass
    return f"job {int(hydra.job.num) + 1}/{total}"


def headline(metrics: dict[str, Any]) -> str:
    """probe_acc 0.81 (astro: logg_r2 0.52, age_r2 0.10, binarity_bal_acc 0.61)."""
    keys = ["probe_acc"] if "probe_acc" in metrics else [key for key in ASTRO_HEADLINES if key in metrics]
    parts = [f"{key} {metrics[key]:.3f}" for key in keys if isinstance(metrics[key], (int, float))]
    return ", ".join(parts)


def _job_out_dir(config: DictConfig) -> Path | None:
    try:
        return Path(str(OmegaConf.select(config, "out_dir")))
    except Exception:
        return None


class ProgressCallback(Callback):
    """One line when a sweep starts (its job count), one when each job starts and one when it ends (its time and
    headline metric), a heartbeat while a job runs, and one when the sweep ends."""

    def __init__(self, metrics_file: str = "metrics.json") -> None:
        self.metrics_file = metrics_file
        self._sweep_started = 0.0
        self._jobs: dict[int, tuple[float, Any]] = {}

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        folder = Path(config.hydra.sweep.dir)
        jobs = sweep_job_count(config)
        write_json(folder / SWEEP_FILE, {"jobs": jobs})
        self._sweep_started = time.perf_counter()
        say(f"sweep: {jobs if jobs is not None else 'some'} jobs -> {folder}")

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        folder = Path(config.hydra.sweep.dir)
        failed = len(list((folder / FAILED_DIR).glob("*.txt")))
        jobs = sweep_job_count(config)
        total = f"{jobs} jobs" if jobs is not None else "jobs"
        outcome = f"{failed} of {total} failed (listed below)" if failed else total
        say(f"sweep done in {duration(time.perf_counter() - self._sweep_started)}: {outcome} -> {folder}")

    def on_job_start(self, config: DictConfig, **kwargs: Any) -> None:
        quiet_libraries()
        label = job_label()
        overrides = " ".join(HydraConfig.get().overrides.task) if HydraConfig.initialized() else ""
        say(f"{label} {overrides}".rstrip())
        beat = heartbeat("running" if label == "run" else f"running {label}", quiet_start=True)
        beat.__enter__()
        self._jobs[id(config)] = (time.perf_counter(), beat)

    def on_job_end(self, config: DictConfig, job_return: Any, **kwargs: Any) -> None:
        started, beat = self._jobs.pop(id(config), (time.perf_counter(), None))
        if beat is not None:
            beat.__exit__(None, None, None)
        label, took = job_label(), duration(time.perf_counter() - started)
        out_dir = _job_out_dir(config)
        status = str(getattr(job_return, "status", ""))
        if status.endswith("FAILED"):
            error = getattr(job_return, "_return_value", None)
            say(f"{label} failed after {took}: {type(error).__name__}: {error}")
            return
        if self._recorded_failure():  # its error line is printed already, and listed again when the sweep ends
            say(f"{label} failed after {took}")
            return
        metrics: dict[str, Any] = {}
        if out_dir is not None and (out_dir / self.metrics_file).is_file():
            try:
                metrics = json.loads((out_dir / self.metrics_file).read_text())
            except ValueError:
                metrics = {}
        summary = headline(metrics)
        say(f"{label} done in {took}" + (f", {summary}" if summary else "") + f" -> {out_dir}")

    @staticmethod
    def _recorded_failure() -> bool:
        """Whether this job stopped on bad input (alignpredict.sweeps.record_failure wrote its line)."""
        if not in_multirun():
            return False
        hydra = HydraConfig.get()
        return (Path(hydra.sweep.dir) / FAILED_DIR / f"{hydra.job.num}.txt").is_file()
