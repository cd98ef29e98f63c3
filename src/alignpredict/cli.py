"""How every command-line app runs: settings checked before heavy imports, one line per bad input.

`run_app(cfg, check, runner)` checks the settings in plain Python, then imports and calls the runner. A bad
input (a wrong value, a missing or unreadable file, a config that does not build) ends with one line,
`error: ...`, exit status 1, and no trace of the run: a run folder that held nothing but Hydra's own files is
removed. In a multirun, the failing job is recorded and the sweep goes on (its end reports the failures).
An app told to write elsewhere (`out_dir=DIR`) leaves no Hydra run folder behind: Hydra's files move into DIR.
"""

from __future__ import annotations

import importlib
import shutil
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from hydra.errors import HydraException
from omegaconf import DictConfig
from omegaconf.errors import OmegaConfBaseException

USER_ERRORS: tuple[type[BaseException], ...] = (
    ValueError,
    FileNotFoundError,
    IsADirectoryError,
    NotADirectoryError,
    PermissionError,
    HydraException,  # includes InstantiationException: a config whose _target_ refuses its arguments
    OmegaConfBaseException,
)
HYDRA_FILES = (".hydra",)


def one_line(error: BaseException) -> str:
    """The error's message on one line (Hydra wraps constructor errors over several lines)."""
    text = " ".join(str(error).split())
    return text or type(error).__name__


def is_fresh(folder: Path) -> bool:
    """Whether `folder` holds nothing of a run yet: missing, or only Hydra's config folder and empty-ish logs."""
    if not folder.exists():
        return True
    return all(path.name in HYDRA_FILES or path.suffix == ".log" for path in folder.iterdir())


def fail(message: str, fresh_folder: Path | None) -> None:
    """Report one bad input; remove the run's fresh folder; exit 1 (in a multirun: record it, go on)."""
    from alignpredict.sweeps import in_multirun, record_failure

    print(f"error: {message}", file=sys.stderr, flush=True)
    if fresh_folder is not None and fresh_folder.exists():
        shutil.rmtree(fresh_folder, ignore_errors=True)
    if in_multirun():
        record_failure(message)
        return
    sys.exit(1)


def tidy_run_folder(out_dir: Path | None) -> None:
    """When results went to an `out_dir` other than Hydra's run folder, that folder holds only Hydra's config
    record and the app's log: move them into out_dir (when it exists) and remove the folder, and the parents
    under ./outputs it leaves empty (the default run folders are outputs/<app>/<time>/)."""
    from hydra.core.hydra_config import HydraConfig

    from alignpredict.sweeps import in_multirun

    if out_dir is None or not HydraConfig.initialized() or in_multirun():
        return
    run_dir = Path(HydraConfig.get().runtime.output_dir).resolve()
    if not run_dir.is_dir() or run_dir == out_dir.resolve() or not is_fresh(run_dir):
        return
    if out_dir.is_dir():
        for path in run_dir.iterdir():
            if not (out_dir / path.name).exists():
                shutil.move(str(path), str(out_dir / path.name))
    shutil.rmtree(run_dir, ignore_errors=True)
    outputs = Path.cwd().resolve() / "outputs"
    for parent in run_dir.parents:
        if not (parent == outputs or outputs in parent.parents) or any(parent.iterdir()):
            break
        parent.rmdir()


def run_app(cfg: DictConfig, check: Callable[[DictConfig], None], runner: str, replaces: Sequence[str] = ()) -> Any:
    """check(cfg), then `module:function`(cfg); bad inputs end in `fail`. `replaces`: result files of an earlier
    run in the same folder that this run rewrites, removed first so a failed run never leaves them behind."""
    from alignpredict.progress import quiet_libraries

    quiet_libraries()
    out_dir = Path(str(cfg.out_dir)) if "out_dir" in cfg else None
    for name in replaces if out_dir is not None else ():
        (out_dir / name).unlink(missing_ok=True)
    was_fresh = out_dir is not None and is_fresh(out_dir)
    try:
        check(cfg)
        module, name = runner.split(":")
        return getattr(importlib.import_module(module), name)(cfg)
    except USER_ERRORS as error:
        still_fresh = was_fresh and out_dir is not None and is_fresh(out_dir)  # never remove work a run did
        fail(one_line(error), out_dir if still_fresh else None)
        return None
    finally:
        tidy_run_folder(out_dir)
