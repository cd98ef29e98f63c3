"""Multi-task linear probes for the astro experiment, as the paper scores them (docs/protocols/astro.md,
"Evaluation").

Fit on the train split, score on the test split: StandardScaler + Ridge(alpha=1) R^2 for logg and age,
StandardScaler + balanced LogisticRegression(C=1) balanced accuracy for binarity. Representations: the
method's own (CA: both projections concatenated, as the paper does; CP: the LAMOST-side bottleneck;
CP-reverse: the photometry-side bottleneck), CA's single sides, and the baselines (raw LAMOST, raw
photometry, their concatenation), all through the same `score_task`. Metric keys are flat:
`logg_r2`, `ca_lamost_age_r2`, `baseline_photometry_binarity_bal_acc`, ...

Optionally (`tuned=True`) every score is also computed with the regularisation chosen on the train split
(ridge alpha by generalised cross-validation, logistic C by 5-fold cross-validated balanced accuracy), under
the same keys with a `_tuned` suffix: the paper's fixed alpha = C = 1 favours small representations when
there are few labelled stars, and the tuned scores show how much of a gap that explains.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import torch
from sklearn.linear_model import LogisticRegression, Ridge, RidgeCV
from sklearn.metrics import balanced_accuracy_score, r2_score
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from alignpredict.progress import heartbeat

TASK_METRICS: dict[str, str] = {"logg": "r2", "age": "r2", "binarity": "bal_acc"}
PROJECTIONS = ("proj_x", "proj_y")
TUNED_SUFFIX = "_tuned"
RIDGE_ALPHAS = np.logspace(-2, 5, 15)
LOGISTIC_CS = np.logspace(-4, 2, 7)


def metric_key(representation: str, task: str, tuned: bool = False) -> str:
    """`logg_r2` for the method's own representation ("self"), else `<representation>_logg_r2`; `_tuned` suffix
    for the tuned probe."""
    prefix = "" if representation == "self" else f"{representation}_"
    return f"{prefix}{task}_{TASK_METRICS[task]}" + (TUNED_SUFFIX if tuned else "")


def _check_rows(name: str, features: np.ndarray, target: np.ndarray) -> None:
    if features.ndim != 2 or features.shape[0] != target.shape[0]:
        raise ValueError(
            f"representation {name!r} has shape {features.shape} but its split has {target.shape[0]} "
            "labels; features and labels must list the same stars in the same order"
        )
    if not np.isfinite(features).all():
        raise ValueError(
            f"representation {name!r} contains NaN or inf; training diverged (lower lr) or the cached "
            "features hold non-finite values"
        )


def score_task(
    task: str,
    train_features: np.ndarray,
    train_target: np.ndarray,
    test_features: np.ndarray,
    test_target: np.ndarray,
    min_train: int = 50,
    min_test: int = 20,
    name: str = "features",
    tuned: bool = False,
) -> float:
    """The paper's probe (or, `tuned`, its regularisation chosen on train) for one task on the labelled stars."""
    if task not in TASK_METRICS:
        raise ValueError(f"unknown astro task {task!r}; choose from {list(TASK_METRICS)}")
    _check_rows(name, train_features, train_target)
    _check_rows(name, test_features, test_target)
    train_known, test_known = np.isfinite(train_target), np.isfinite(test_target)
    counts = int(train_known.sum()), int(test_known.sum())
    if counts[0] < min_train or counts[1] < min_test:
        raise ValueError(
            f"task {task!r} has {counts[0]} train / {counts[1]} test stars with a known label, fewer "
            f"than the {min_train} / {min_test} the probe needs; drop it from probe.tasks or add labels "
            "(probe.min_train_labels / probe.min_test_labels set the minimum)"
        )
    x_train, y_train = train_features[train_known], train_target[train_known]
    x_test, y_test = test_features[test_known], test_target[test_known]
    if TASK_METRICS[task] == "r2":
        ridge = RidgeCV(alphas=RIDGE_ALPHAS) if tuned else Ridge(alpha=1.0)
        model = make_pipeline(StandardScaler(), ridge).fit(x_train, y_train)
        return float(r2_score(y_test, model.predict(x_test)))
    if np.unique(y_train).size < 2:
        raise ValueError(f"task {task!r}: the train split has a single class; binarity needs both 0 and 1 labels")
    y_train = y_train.astype(np.int64)
    model = _balanced_logistic(_cross_validated_c(x_train, y_train) if tuned else 1.0).fit(x_train, y_train)
    return float(balanced_accuracy_score(y_test.astype(np.int64), model.predict(x_test)))


def _balanced_logistic(c: float) -> Any:
    """The paper's binarity probe: standardised features, class-balanced L2 logistic regression."""
    return make_pipeline(StandardScaler(), LogisticRegression(C=c, class_weight="balanced", max_iter=5000))


def _cross_validated_c(x: np.ndarray, y: np.ndarray, folds: int = 5) -> float:
    """The inverse L2 strength with the best mean balanced accuracy over stratified folds (seeded); the paper's
    C = 1 when the rarer class has fewer than two stars to spread over folds."""
    smallest_class = int(np.bincount(y).min())
    if smallest_class < 2:
        return 1.0
    splits = list(StratifiedKFold(min(folds, smallest_class), shuffle=True, random_state=0).split(x, y))

    def score(c: float) -> float:
        model = _balanced_logistic(c)
        return float(
            np.mean(
                [
                    balanced_accuracy_score(y[test], model.fit(x[train], y[train]).predict(x[test]))
                    for train, test in splits
                ]
            )
        )

    return float(max(LOGISTIC_CS, key=score))


def probe_representations(
    train: Mapping[str, np.ndarray],
    test: Mapping[str, np.ndarray],
    train_labels: Mapping[str, np.ndarray],
    test_labels: Mapping[str, np.ndarray],
    tasks: Sequence[str],
    min_train: int = 50,
    min_test: int = 20,
    tuned: bool = False,
) -> dict[str, float]:
    """Every representation x task score, flat; labels are float arrays with NaN where unknown; with `tuned`
    also every tuned-probe score."""
    missing = [task for task in tasks if task not in train_labels or task not in test_labels]
    if missing:
        raise ValueError(
            f"no labels for tasks {missing}; the cache's meta tables need columns {list(tasks)} "
            "(NaN where unknown) or drop those tasks from probe.tasks"
        )
    return {
        metric_key(name, task, tune): score_task(
            task, train[name], train_labels[task], test[name], test_labels[task], min_train, min_test, name, tune
        )
        for tune in ((False, True) if tuned else (False,))
        for name in train
        for task in tasks
    }


def _module_representations(module: Any, batch: Mapping[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """Objectives with projections of both sides (CA-like) are read, as the paper does, on the two projections
    concatenated ("self") and on each side (`<objective>_lamost`, `<objective>_photometry`); the others on
    the representation their probe reads."""
    objective = module.objective
    if all(name in objective.offers() for name in PROJECTIONS):
        p_x, p_y = (module.represent(batch, name) for name in PROJECTIONS)
        return {
            "self": torch.cat([p_x, p_y], dim=1),
            f"{objective.name}_lamost": p_x,
            f"{objective.name}_photometry": p_y,
        }
    return {"self": module.encode_for_probe(batch)}


@torch.no_grad()
def collect_split(
    module: Any, datamodule: Any, split: str, device: torch.device | str, baselines: bool, batch_size: int | None = None
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Representations (eval mode) and every task's labels (float, NaN = unknown) of one datamodule split."""
    was_training = module.training
    module.eval()
    chunks: dict[str, list[np.ndarray]] = {}
    labels: dict[str, list[np.ndarray]] = {task: [] for task in TASK_METRICS}
    try:
        for batch in datamodule.iterate(split, device=device, batch_size=batch_size):
            reps = _module_representations(module, batch)
            if baselines:
                reps.update(
                    {
                        "baseline_lamost": batch["x"],
                        "baseline_photometry": batch["y"],
                        "baseline_concat": torch.cat([batch["x"], batch["y"]], dim=1),
                    }
                )
            for name, value in reps.items():
                chunks.setdefault(name, []).append(value.float().cpu().numpy())
            for task in TASK_METRICS:
                if task in batch:
                    values = batch[task].cpu().numpy().astype(np.float64)
                    labels[task].append(np.where(values < 0, np.nan, values) if task == "binarity" else values)
    finally:
        module.train(was_training)
    if not chunks:
        raise ValueError(f"split {split!r} is empty; the probe needs stars in the cache's train and test splits")
    return (
        {name: np.concatenate(parts) for name, parts in chunks.items()},
        {task: np.concatenate(parts) for task, parts in labels.items() if parts},
    )


def astro_probe_metrics(
    module: Any,
    datamodule: Any,
    tasks: Sequence[str],
    baselines: bool = True,
    min_train: int = 50,
    min_test: int = 20,
    batch_size: int | None = None,
    tuned: bool = False,
) -> dict[str, float]:
    """Fit on probe_train (= the cache's train split), score on probe_test; flat metric keys (see module doc)."""
    unknown = [task for task in tasks if task not in TASK_METRICS]
    if unknown or not tasks:
        raise ValueError(f"probe.tasks {list(tasks)} must be a non-empty subset of {list(TASK_METRICS)}")
    with heartbeat(f"astro probes ({', '.join(tasks)}{', tuned' if tuned else ''})"):
        train, train_labels = collect_split(module, datamodule, "probe_train", module.device, baselines, batch_size)
        test, test_labels = collect_split(module, datamodule, "probe_test", module.device, baselines, batch_size)
        return probe_representations(train, test, train_labels, test_labels, tasks, min_train, min_test, tuned)
