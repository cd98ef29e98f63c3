"""The class probes of one run (`probe.methods`), and the same probes every few epochs (`probe.curve_every`).

Each method writes its own keys, so one run reports both protocols from the same weights:
`logistic_acc` (+ `logistic_val_acc`, `logistic_inverse_l2`, `logistic_converged`) and `paper_acc`
(+ `paper_size`, `paper_acc_n<size>`). `probe_acc` is the first method's accuracy.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import pytorch_lightning as pl
from omegaconf import DictConfig

from alignpredict.data.splits import PROBE_SPLITS
from alignpredict.evaluation.aggregate import CURVE_FILE
from alignpredict.evaluation.features import FeatureSet, extract_features
from alignpredict.evaluation.probe import logistic_probe, paper_probe
from alignpredict.utils.io import write_csv

CLASS_PROBES = ("logistic", "paper")


def class_probe_metrics(
    probe_cfg: DictConfig, splits: dict[str, FeatureSet], num_classes: int, seed: int
) -> dict[str, Any]:
    """Every configured class probe on these features; `probe_acc` = the first one's top-1 on probe_test."""
    metrics: dict[str, Any] = {}
    for method in probe_cfg.methods:
        if method == "logistic":
            result = logistic_probe(
                *(splits[name] for name in PROBE_SPLITS),
                inverse_l2_grid=list(probe_cfg.inverse_l2_grid),
                max_iter=probe_cfg.max_iter,
            )
            metrics |= {
                "logistic_acc": result.test_acc,
                "logistic_val_acc": result.val_acc,
                "logistic_inverse_l2": result.inverse_l2,
                "logistic_converged": result.converged,
            }
        elif method == "paper":
            by_size = paper_probe(
                splits["probe_train"],
                splits["probe_test"],
                num_classes,
                sizes=list(probe_cfg.paper_sizes),
                steps=probe_cfg.paper_steps,
                lr=probe_cfg.paper_lr,
                seed=seed,
            )
            largest = max(by_size)
            metrics |= {"paper_acc": by_size[largest], "paper_size": largest}
            metrics |= {f"paper_acc_n{size}": acc for size, acc in by_size.items()}
        else:
            raise ValueError(f"unknown class probe {method!r}; choose from {', '.join(CLASS_PROBES)}")
    metrics["probe_acc"] = metrics[f"{probe_cfg.methods[0]}_acc"]
    return metrics


def probe_splits(module: Any, datamodule: Any, batch_size: int) -> dict[str, FeatureSet]:
    """Frozen features of the three probe splits, on the module's device."""
    return {split: extract_features(module, datamodule, split, module.device, batch_size) for split in PROBE_SPLITS}


class ProbeCurve(pl.Callback):
    """Probe the current weights after every `every`-th epoch (and before training), to `probe_curve.csv`:
    how the probes move with training length, from the run itself rather than from saved checkpoints."""

    def __init__(
        self,
        every: int,
        out_dir: Path,
        probe: Callable[[pl.LightningModule], dict[str, Any]],
        keys: Sequence[str] = ("probe_acc", "logistic_acc", "paper_acc"),
    ) -> None:
        self.every, self.out_dir, self.probe, self.keys = every, Path(out_dir), probe, tuple(keys)
        self.rows: list[dict[str, Any]] = []

    def _record(self, trainer: pl.Trainer, module: pl.LightningModule, epoch: int) -> None:
        started = time.perf_counter()
        metrics = self.probe(module)
        row = {"epoch": epoch, "global_step": trainer.global_step}
        row |= {key: metrics[key] for key in self.keys if key in metrics}
        row["probe_seconds"] = time.perf_counter() - started
        self.rows.append(row)
        write_csv(self.out_dir / CURVE_FILE, pd.DataFrame(self.rows))

    def on_train_start(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        saved = self.out_dir / CURVE_FILE
        if trainer.current_epoch > 0 and saved.is_file():  # resumed: keep the epochs already probed
            rows = pd.read_csv(saved)
            self.rows = rows[rows["epoch"] <= trainer.current_epoch].to_dict("records")
        elif trainer.current_epoch == 0:
            self.rows = []
            self._record(trainer, pl_module, 0)

    def on_train_epoch_end(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        epoch = trainer.current_epoch + 1  # epochs completed
        if epoch % self.every == 0:
            self._record(trainer, pl_module, epoch)
