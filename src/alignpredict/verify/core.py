"""verify(x, y, labels): the diagnostic's verdict on a labelled subsample of the training rows, then what
training shows on disjoint rows, over several random splits and representation sizes k."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np
import torch
from joblib import Parallel, delayed
from threadpoolctl import threadpool_limits

from alignpredict.diagnose.api import diagnose
from alignpredict.diagnose.benefit import REPRESENTATIONS, usable_ks
from alignpredict.diagnose.report import DiagnosticReport
from alignpredict.diagnose.resample import DELTA_NAMES
from alignpredict.diagnose.validate import check_paired_features
from alignpredict.verify.encoders import autoencoder, linear_encoders, reducers
from alignpredict.verify.probe import probe_score

OBJECTIVE_DELTA: dict[str, str] = {
    "ca_x": "delta_ca",
    "ca_y": "delta_ca",
    "cp_xy": "delta_cp",
    "cp_yx": "delta_cp_reverse",
}


@dataclass(frozen=True)
class VerifySettings:
    ks: tuple[int, ...] = (5, 10, 20)
    n_splits: int = 5
    test_fraction: float = 0.3
    n_labelled: int = 300  # labelled rows the diagnostic sees (of the training rows)
    autoencoder: bool = True
    seed: int = 0
    n_jobs: int = 1  # splits run in parallel processes (joblib); the rows drawn do not depend on it
    # DiagnoseSettings overrides: 50 resamples (shares to 2 %) and a 100-shuffle gate keep five diagnostics
    # per dataset cheap
    diagnose: dict[str, Any] = field(default_factory=lambda: {"n_resamples": 50, "n_permutations": 100})

    def __post_init__(self) -> None:
        if self.n_splits < 2 or not 0 < self.test_fraction < 1 or self.n_labelled < 50 or not self.ks:
            raise ValueError(
                f"invalid verify settings: n_splits={self.n_splits} (>= 2), test_fraction={self.test_fraction} "
                f"(in (0, 1)), n_labelled={self.n_labelled} (>= 50), ks={self.ks} (non-empty)"
            )


@dataclass
class SplitResult:
    split: int
    report: DiagnosticReport
    scores: list[dict]  # {"representation", "k", "score"}; k = 0 for the raw features


@dataclass
class VerifyResult:
    name: str
    kind: str
    n_rows: int
    dims: tuple[int, int]
    ks: tuple[int, ...]
    splits: list[SplitResult]
    cpu_seconds: float = 0.0

    def score_table(self) -> list[dict]:
        return [{"split": s.split, **row} for s in self.splits for row in s.scores]


def _label_kind(labels: np.ndarray, kind: str | None) -> str:
    if kind is not None:
        return kind
    values = np.asarray(labels)
    integral = values.dtype.kind in "biuOUS" or bool(np.all(np.mod(values, 1) == 0))
    return "classes" if integral and np.unique(values).size <= 50 else "continuous"


def _split_rows(n: int, fraction: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    order = rng.permutation(n)
    n_test = max(1, int(round(fraction * n)))
    return np.sort(order[n_test:]), np.sort(order[:n_test])


def _train_and_probe(
    x: np.ndarray,
    y: np.ndarray,
    labels: np.ndarray,
    train: np.ndarray,
    test: np.ndarray,
    kind: str,
    settings: VerifySettings,
    seed: int,
) -> tuple[list[dict], tuple[int, ...]]:
    """Probe scores of every representation at every usable k, and of each view's raw features."""
    reduce_x, reduce_y = reducers(x[train], y[train])
    views = {"x": (reduce_x(x[train]), reduce_x(x[test])), "y": (reduce_y(y[train]), reduce_y(y[test]))}
    ks = usable_ks(settings.ks, views["x"][0].shape[1], views["y"][0].shape[1])
    scores = [
        {
            "representation": f"raw_{name}",
            "k": 0,
            "score": probe_score(a[train], labels[train], a[test], labels[test], kind),
        }
        for name, a in (("x", x), ("y", y))
    ]
    for k in ks:
        weights = linear_encoders(views["x"][0], views["y"][0], k)
        for name, matrix in weights.items():
            view_train, view_test = views[REPRESENTATIONS[name]]
            score = probe_score(view_train @ matrix, labels[train], view_test @ matrix, labels[test], kind)
            scores.append({"representation": name, "k": k, "score": score})
        if settings.autoencoder:
            for name in ("x", "y"):
                encode = autoencoder(views[name][0], k, seed)
                score = probe_score(encode(views[name][0]), labels[train], encode(views[name][1]), labels[test], kind)
                scores.append({"representation": f"ae_{name}", "k": k, "score": score})
    return scores, ks


def verify(
    x: np.ndarray,
    y: np.ndarray,
    labels: np.ndarray,
    *,
    name: str = "data",
    kind: str | None = None,
    settings: VerifySettings | None = None,
) -> VerifyResult:
    """For each split: diagnose a labelled subsample of the training rows (all training rows unlabelled
    besides), then fit every representation on the training rows and probe it on the held-out rows."""
    import time

    settings = settings or VerifySettings()
    x, y = check_paired_features(x, y)
    labels = np.asarray(labels)
    if labels.shape[0] != x.shape[0] or labels.ndim != 1:
        raise ValueError(f"labels must be one value per row ({x.shape[0]}), got shape {labels.shape}")
    kind = _label_kind(labels, kind)
    if kind == "classes":
        labels = np.unique(labels.astype(str), return_inverse=True)[1]
    rng = np.random.default_rng(settings.seed)
    cpu = time.process_time()
    plans = []
    for split in range(settings.n_splits):  # every split's rows are drawn here, so n_jobs cannot change them
        train, test = _split_rows(x.shape[0], settings.test_fraction, rng)
        labelled = np.sort(rng.choice(train.size, min(settings.n_labelled, train.size // 2), replace=False))
        plans.append((split, train, test, labelled))
    run = partial(_one_split, x, y, labels, kind, settings)
    if settings.n_jobs > 1:
        outcomes = Parallel(n_jobs=settings.n_jobs)(delayed(run)(*plan) for plan in plans)
    else:
        outcomes = [run(*plan) for plan in plans]
    splits = [outcome[0] for outcome in outcomes]
    ks = outcomes[0][1]
    worker_cpu = sum(outcome[2] for outcome in outcomes) if settings.n_jobs > 1 else 0.0
    cpu = time.process_time() - cpu + worker_cpu
    return VerifyResult(name, kind, x.shape[0], (x.shape[1], y.shape[1]), ks, splits, cpu)


def _one_split(
    x: np.ndarray,
    y: np.ndarray,
    labels: np.ndarray,
    kind: str,
    settings: VerifySettings,
    split: int,
    train: np.ndarray,
    test: np.ndarray,
    labelled: np.ndarray,
) -> tuple[SplitResult, tuple[int, ...], float]:
    """Diagnose the split's labelled training rows, then train and probe; (result, ks, CPU seconds)."""
    import time

    cpu = time.process_time()
    # a sparse column (a rare pixel) can be constant on the training rows: training cannot use it
    x_split, y_split = x[:, np.ptp(x[train], axis=0) > 0], y[:, np.ptp(y[train], axis=0) > 0]
    options = {
        "seed": settings.seed + split,
        "label_type": kind,
        "benefit_k": list(settings.ks),
        "probe_rows": int(train.size),  # the probes below are trained on every training row
        **settings.diagnose,
    }
    report = diagnose(x_split[train], y_split[train], labels[train][labelled], label_rows=labelled, **options)
    with threadpool_limits(limits=1, user_api="blas"):
        torch.set_num_threads(1)
        scores, ks = _train_and_probe(x_split, y_split, labels, train, test, kind, settings, settings.seed + split)
    return SplitResult(split, report, scores), ks, time.process_time() - cpu


__all__ = ["DELTA_NAMES", "OBJECTIVE_DELTA", "VerifyResult", "VerifySettings", "verify"]
