"""Linear probes on frozen features.

`logistic_probe` is the protocol we report: standardised features, multinomial logistic regression
fitted to convergence (L-BFGS) for each L2 strength in a grid, the strength chosen on probe_val,
top-1 on probe_test. `paper_probe` is the authors' protocol kept for fidelity: a fresh Linear layer
trained for 50 full-batch Adam steps on raw features, for several probe-set sizes.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

from alignpredict.evaluation.features import FeatureSet

PAPER_PROBE_SIZES = tuple(int(round(s)) for s in np.logspace(2, 4, 10))


@dataclass(frozen=True)
class ProbeResult:
    """Top-1 on probe_test (`test_acc`), on probe_val (`val_acc`) and the chosen inverse L2 strength C."""

    test_acc: float
    val_acc: float
    inverse_l2: float
    converged: bool


def _check_features(features: np.ndarray) -> None:
    if not np.all(np.isfinite(features)):
        raise ValueError("probe features contain NaN or inf; the encoder diverged (lower lr or check the data)")


def logistic_probe(
    train: FeatureSet,
    val: FeatureSet,
    test: FeatureSet,
    inverse_l2_grid: Sequence[float] = (1e-3, 1e-2, 1e-1, 1.0, 10.0, 100.0),
    max_iter: int = 2000,
) -> ProbeResult:
    """Fit one probe per C on standardised train features, keep the best on val (ties: stronger L2), score test."""
    if not inverse_l2_grid:
        raise ValueError("inverse_l2_grid is empty; give at least one inverse L2 strength C")
    for split in (train, val, test):
        _check_features(split.features)
    if len(np.unique(train.labels)) < 2:
        raise ValueError("probe_train holds a single class; raise n_samples or the probe_train fraction")
    scaler = StandardScaler().fit(train.features)
    x_train, x_val, x_test = (scaler.transform(s.features) for s in (train, val, test))
    best: tuple[float, float, LogisticRegression, bool] = (-1.0, 0.0, LogisticRegression(), False)
    for inverse_l2 in sorted(inverse_l2_grid):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ConvergenceWarning)
            probe = LogisticRegression(C=inverse_l2, max_iter=max_iter).fit(x_train, train.labels)
        converged = not any(issubclass(w.category, ConvergenceWarning) for w in caught)
        val_acc = float(probe.score(x_val, val.labels))
        if val_acc > best[0]:
            best = (val_acc, inverse_l2, probe, converged)
    val_acc, inverse_l2, probe, converged = best
    return ProbeResult(
        test_acc=float(probe.score(x_test, test.labels)), val_acc=val_acc, inverse_l2=inverse_l2, converged=converged
    )


def paper_probe(
    train: FeatureSet,
    test: FeatureSet,
    num_classes: int,
    sizes: Sequence[int] = PAPER_PROBE_SIZES,
    steps: int = 50,
    lr: float = 1e-3,
    seed: int = 0,
) -> dict[int, float]:
    """Top-1 on test of a Linear probe after `steps` full-batch Adam steps on a seeded random subset of each size.

    Sizes larger than the train split are skipped, as in the authors' code; when none fits (a small run),
    the whole train split is the one size.
    """
    _check_features(train.features)
    generator = torch.Generator().manual_seed(seed)
    x_all = torch.as_tensor(train.features, dtype=torch.float32)
    y_all = torch.as_tensor(train.labels)
    x_test = torch.as_tensor(test.features, dtype=torch.float32)
    y_test = torch.as_tensor(test.labels)
    accuracies: dict[int, float] = {}
    fitting = [size for size in sizes if size <= len(train)] or [len(train)]
    for size in fitting:
        subset = torch.randperm(len(train), generator=generator)[:size]
        probe = torch.nn.Linear(x_all.shape[1], num_classes)
        with torch.no_grad():
            bound = 1.0 / np.sqrt(x_all.shape[1])
            probe.weight.uniform_(-bound, bound, generator=generator)
            probe.bias.uniform_(-bound, bound, generator=generator)
        optimiser = torch.optim.Adam(probe.parameters(), lr=lr)
        for _ in range(steps):
            optimiser.zero_grad()
            F.cross_entropy(probe(x_all[subset]), y_all[subset]).backward()
            optimiser.step()
        with torch.no_grad():
            accuracies[size] = float((probe(x_test).argmax(dim=1) == y_test).float().mean())
    return accuracies
