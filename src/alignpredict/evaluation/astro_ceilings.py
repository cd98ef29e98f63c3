"""How much each cached feature set knows about each label, read three ways (no training involved).

For the raw LAMOST, photometry and concatenated features of one cache: the paper's probe (fixed alpha / C),
the same linear probe with its regularisation chosen on train, and a gradient-boosted trees probe (a
nonlinear ceiling). The gaps say where a shortfall comes from: paper < tuned means the fixed probe
over- or under-regularises at this sample size; tuned < trees means the information is in the features
but not linearly readable (the encoder, not the instrument, loses it). Labels: the meta table's `logg`,
`age`, `binarity`, plus `age_true` when the cache has it (simulated caches: every star's true age next to
the catalogue's gyrochronology age).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.metrics import balanced_accuracy_score, r2_score

from alignpredict.data.astro.features import load_feature_split
from alignpredict.evaluation.astro_probe import score_task
from alignpredict.utils.io import write_csv, write_text

PROBES = ("paper", "tuned", "trees")


def _trees_score(
    task: str, x_train: np.ndarray, y_train: np.ndarray, x_test: np.ndarray, y_test: np.ndarray, seed: int
) -> float:
    known_train, known_test = np.isfinite(y_train), np.isfinite(y_test)
    if task == "binarity":
        model = HistGradientBoostingClassifier(class_weight="balanced", random_state=seed)
        model.fit(x_train[known_train], y_train[known_train].astype(np.int64))
        return float(balanced_accuracy_score(y_test[known_test].astype(np.int64), model.predict(x_test[known_test])))
    model = HistGradientBoostingRegressor(random_state=seed).fit(x_train[known_train], y_train[known_train])
    return float(r2_score(y_test[known_test], model.predict(x_test[known_test])))


def feature_ceilings(
    feature_dir: str | Path,
    photometry: str,
    tasks: tuple[str, ...] = ("logg", "age", "binarity"),
    seed: int = 0,
    min_train: int = 50,
    min_test: int = 20,
) -> pd.DataFrame:
    """Long table: representation, task, probe, score, n_train, n_test (train split -> test split)."""
    train = load_feature_split(feature_dir, "train", ("lamost", photometry), tasks)
    test = load_feature_split(feature_dir, "test", ("lamost", photometry), tasks)
    labels = [*tasks, *(["age_true"] if "age" in tasks and "age_true" in train.meta else [])]
    representations = {
        "LAMOST": lambda split: split.features["lamost"],
        "Phot": lambda split: split.features[photometry],
        "Concat": lambda split: np.hstack([split.features["lamost"], split.features[photometry]]),
    }
    rows = []
    for name, features in representations.items():
        x_train, x_test = features(train), features(test)
        for label in labels:
            task = "age" if label == "age_true" else label
            y_train = pd.to_numeric(train.meta[label], errors="coerce").to_numpy(dtype=float)
            y_test = pd.to_numeric(test.meta[label], errors="coerce").to_numpy(dtype=float)
            counts = {"n_train": int(np.isfinite(y_train).sum()), "n_test": int(np.isfinite(y_test).sum())}
            for probe in PROBES:
                score = (
                    _trees_score(task, x_train, y_train, x_test, y_test, seed)
                    if probe == "trees"
                    else score_task(task, x_train, y_train, x_test, y_test, min_train, min_test, name, probe == "tuned")
                )
                rows.append({"representation": name, "task": label, "probe": probe, "score": score, **counts})
    return pd.DataFrame(rows)


def ceilings_markdown(table: pd.DataFrame) -> str:
    """Task rows x (representation, probe) columns."""
    wide = table.pivot_table(index="task", columns=["representation", "probe"], values="score", sort=False)
    header = [f"{rep} {probe}" for rep, probe in wide.columns]
    lines = ["| label (n train / test) | " + " | ".join(header) + " |", "|---" * (len(header) + 1) + "|"]
    counts = table.groupby("task", sort=False)[["n_train", "n_test"]].first()
    for task, row in wide.iterrows():
        lines.append(
            f"| {task} ({counts.loc[task, 'n_train']} / {counts.loc[task, 'n_test']}) | "
            + " | ".join(f"{value:.3f}" for value in row)
            + " |"
        )
    return "\n".join(lines) + "\n"


def run(cfg: Any) -> pd.DataFrame:
    """scripts/astro_ceilings.py: the table for one cache, written as CSV and markdown and printed."""
    table = feature_ceilings(cfg.feature_dir, cfg.photometry, tuple(cfg.tasks), int(cfg.seed))
    out = Path(cfg.out_dir)
    write_csv(out / "astro_ceilings.csv", table)
    markdown = ceilings_markdown(table)
    write_text(out / "astro_ceilings.md", markdown)
    print(markdown)
    return table
