"""Sweep aggregation from per-run metrics.json files: re-read from scratch each time (idempotent) and
filtered to one sweep id stored in each run, so two sweeps sharing a folder never mix.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

METRICS_FILE = "metrics.json"
CURVE_FILE = "probe_curve.csv"  # a run's probes every probe.curve_every epochs


def load_runs(sweep_dir: str | Path, sweep_id: str | None = None) -> pd.DataFrame:
    """One row per metrics.json under `sweep_dir`; refuses a folder holding several sweeps unless one is named."""
    root = Path(sweep_dir)
    if not root.is_dir():
        raise FileNotFoundError(f"sweep directory {root} does not exist; pass the folder of a finished sweep")
    rows = []
    for path in sorted(root.rglob(METRICS_FILE)):
        record = json.loads(path.read_text())
        record["run_dir"] = str(path.parent)
        rows.append(record)
    if not rows:
        raise FileNotFoundError(f"no {METRICS_FILE} under {root}; did the sweep's runs finish?")
    runs = pd.DataFrame(rows)
    if "sweep_id" not in runs:
        raise ValueError(f"runs under {root} carry no sweep_id; they were not written by alignpredict.train.run")
    found = sorted(runs["sweep_id"].dropna().unique())
    if sweep_id is None:
        if len(found) != 1:
            raise ValueError(f"{root} holds runs of {len(found)} sweeps {found}; pass sweep_id=<one of them>")
        sweep_id = found[0]
    elif sweep_id not in found:
        raise ValueError(f"sweep_id {sweep_id!r} not found under {root}; available: {found}")
    return runs[runs["sweep_id"] == sweep_id].reset_index(drop=True)


def summarise(
    runs: pd.DataFrame, by: Sequence[str], metric: str = "probe_acc", confidence: float = 0.95
) -> pd.DataFrame:
    """Mean, std, count and a Student-t `confidence` interval of `metric` over the runs (seeds) of each group."""
    missing = [key for key in (*by, metric) if key not in runs]
    if missing:
        raise ValueError(f"runs lack columns {missing}; available: {sorted(runs.columns)}")
    grouped = runs.groupby(list(by), dropna=False)[metric]
    table = grouped.agg(mean="mean", std="std", n="count").reset_index()
    t_quantile = stats.t.ppf(0.5 + confidence / 2, np.maximum(table["n"] - 1, 1))
    half_width = np.where(table["n"] > 1, t_quantile * table["std"] / np.sqrt(table["n"]), np.nan)
    table["ci_low"] = table["mean"] - half_width
    table["ci_high"] = table["mean"] + half_width
    table.insert(len(by), "metric", metric)
    return table.sort_values(list(by)).reset_index(drop=True)
