"""What makes a resumed run the run it resumes, and what keeps a killed run from leaving broken files.

* `RandomStates`: the torch / numpy / Python random states travel in every checkpoint and are put back
  on resume (dropout, random captions, anything else drawing from the global generators); the data order
  is a function of (seed, epoch) already (`data.sampling`).
* `AtomicCheckpointIO`: a checkpoint is written to a temp file next to it and renamed into place, on the run
  folder's own filesystem (Lightning's default stages it in the system temp dir and moves it across
  filesystems, which a kill can leave truncated).
* `resume_checkpoint`: what `ckpt_path=last|auto|<file>` means, falling back from a damaged checkpoint to the
  newest complete one with a warning, and refusing `last` where there is nothing to resume.
"""

from __future__ import annotations

import logging
import os
import random
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytorch_lightning as pl
import torch
from lightning_fabric.plugins.io.torch_io import TorchCheckpointIO

from alignpredict.utils.io import atomic_path, remove_partial_files

log = logging.getLogger(__name__)
CHECKPOINT_DIR = "checkpoints"
LAST = "last.ckpt"


class RandomStates(pl.Callback):
    """Saves the global random states with each checkpoint and restores them when training resumes."""

    def state_dict(self) -> dict[str, Any]:
        """Tensors, ints and strings only, so checkpoints still load with torch's safe (weights-only) unpickler."""
        kind, keys, position, has_gauss, cached = np.random.get_state()
        states: dict[str, Any] = {
            "torch": torch.get_rng_state(),
            "numpy": (kind, torch.from_numpy(keys.astype(np.int64)), int(position), int(has_gauss), float(cached)),
            "python": random.getstate(),
        }
        if torch.cuda.is_available():
            states["cuda"] = torch.cuda.get_rng_state_all()
        return states

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        torch.set_rng_state(state_dict["torch"])
        kind, keys, position, has_gauss, cached = state_dict["numpy"]
        np.random.set_state((kind, keys.numpy().astype(np.uint32), position, has_gauss, cached))
        version, internal, gauss = state_dict["python"]
        random.setstate((version, tuple(internal), gauss))
        if "cuda" in state_dict and torch.cuda.is_available():
            torch.cuda.set_rng_state_all(state_dict["cuda"])


class AtomicCheckpointIO(TorchCheckpointIO):
    """torch.save into a temp file in the checkpoint's own folder, flushed, then renamed over the target."""

    def save_checkpoint(self, checkpoint: dict[str, Any], path: Any, storage_options: Any | None = None) -> None:
        if storage_options is not None:
            raise TypeError("AtomicCheckpointIO takes no storage_options")
        with atomic_path(path) as tmp, open(tmp, "wb") as handle:
            torch.save(checkpoint, handle)
            handle.flush()
            os.fsync(handle.fileno())


def is_complete(path: Path) -> bool:
    """Whether a checkpoint file loads (a kill mid-write leaves a truncated zip that does not)."""
    try:
        torch.load(path, map_location="cpu", weights_only=False)
    except (RuntimeError, EOFError, OSError, zipfile.BadZipFile, ValueError, AttributeError, IndexError):
        return False
    except Exception:  # noqa: BLE001 - any unpickling failure means the file is damaged
        return False
    return True


def newest_complete(folder: Path) -> Path | None:
    """The newest checkpoint in `folder` that loads, preferring last.ckpt on ties; damaged ones are named in a
    warning."""
    remove_partial_files(folder)
    finished = [path for path in folder.glob("*.ckpt") if not path.name.startswith(".")]
    candidates = sorted(finished, key=lambda p: (p.stat().st_mtime, p.name == LAST), reverse=True)
    for path in candidates:
        if is_complete(path):
            return path
        log.warning("checkpoint %s is damaged (a run killed while writing it?); trying an older one", path)
    return None


def resume_checkpoint(ckpt_path: str | None, out_dir: Path) -> Path | None:
    """The checkpoint to resume from: None starts fresh; "last" requires one in <out_dir>/checkpoints;
    "auto" resumes if there is one (a requeued job) and starts fresh otherwise; a file path must load."""
    if ckpt_path in (None, ""):
        return None
    folder = out_dir / CHECKPOINT_DIR
    if ckpt_path in ("last", "auto"):
        found = newest_complete(folder) if folder.is_dir() else None
        if found is None and ckpt_path == "last":
            raise FileNotFoundError(
                f"ckpt_path=last but {folder} holds no complete checkpoint to resume; resume in the run's own folder "
                "with hydra.run.dir=<that run folder> ckpt_path=last (or drop ckpt_path to start a fresh run)"
            )
        if found is not None and found.name != LAST:
            log.warning("resuming from %s: %s is missing or damaged", found.name, LAST)
        return found
    path = Path(ckpt_path)
    if not path.is_file():
        raise FileNotFoundError(f"ckpt_path={ckpt_path} is not a file; pass a .ckpt file, last or auto")
    if not is_complete(path):
        raise ValueError(f"ckpt_path={ckpt_path} is not a complete Lightning checkpoint (truncated or another format)")
    return path
