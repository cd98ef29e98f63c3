"""What stays of a run's checkpoints once its results are written (`checkpoints.keep`, conf/train.yaml).

Every checkpoint stays while the run is alive, so a killed run resumes (`ckpt_path=last|auto`, alignpredict.resume).
Once metrics.json is written they are pruned to what was asked: `none` (the default: the checkpoints folder
goes), `best` (the best-val-loss file), `last` (last.ckpt) or `all`. A caption run's checkpoint is ~130 MB; a
quick sweep of 27 runs keeps ~54 of them with `all`.
"""

from __future__ import annotations

from pathlib import Path

KEEP_CHOICES = ("none", "best", "last", "all")
LAST = "last.ckpt"


def kept_best(keep: str, best: str) -> str:
    """The best checkpoint's path as metrics.json records it: "" when `keep` removes it."""
    return best if keep in ("best", "all") else ""


def prune_checkpoints(folder: Path, keep: str, best: str | Path = "") -> list[Path]:
    """Keep only what `keep` asks for in `folder` (removing the folder when nothing is left); returns what is kept."""
    if keep not in KEEP_CHOICES:
        raise ValueError(f"checkpoints.keep must be one of {', '.join(KEEP_CHOICES)}, got {keep!r}")
    if not folder.is_dir():
        return []
    files = sorted(folder.glob("*.ckpt"))
    wanted = {
        "none": set(),
        "best": {Path(best).resolve()} if best else set(),
        "last": {(folder / LAST).resolve()},
        "all": {path.resolve() for path in files},
    }[keep]
    kept = []
    for path in files:
        if path.resolve() in wanted:
            kept.append(path)
        else:
            path.unlink(missing_ok=True)
    if not any(folder.iterdir()):
        folder.rmdir()
    return kept
