"""Read the empirical phase diagram's CSV (`phase_empirical.csv`) into the page's success-map layer.

One record per (panel, mode, objective, kappa, nu) cell: how many seeds ran and how many recovered the
signal (`success`), the mean recovery and the population Deltas of the cell.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from alignpredict.utils.io import to_jsonable

REQUIRED_COLUMNS: tuple[str, ...] = (
    "panel",
    "mode",
    "objective",
    "seed",
    "kappa",
    "nu",
    "delta_ca",
    "delta_cp",
    "delta_cp_reverse",
    "regime",
    "recovery",
    "success",
)
OBJECTIVES: tuple[str, ...] = ("ca", "infonce", "cp", "cp_rev")
MODES: tuple[str, ...] = ("linear", "nonlinear")
GAMMA_COLUMNS: tuple[str, ...] = ("gamma_x", "gamma_y", "gamma_tilde_x", "gamma_tilde_y")
CELL = ["panel", "mode", "objective", "kappa", "nu"]


def _numeric(frame: pd.DataFrame, column: str, path: Path) -> pd.Series:
    values = pd.to_numeric(frame[column], errors="coerce")
    bad = values.isna() & frame[column].notna()
    if bad.any():
        raise ValueError(f"{path}: column {column!r} must be numeric, got {frame.loc[bad, column].iloc[0]!r}")
    return values


def _check(frame: pd.DataFrame, path: Path) -> pd.DataFrame:
    """Numbers where numbers belong and only the known objectives, modes and 0/1 outcomes."""
    for column, allowed in (("objective", OBJECTIVES), ("mode", MODES)):
        unknown = sorted(set(frame[column].astype(str)) - set(allowed))
        if unknown:
            raise ValueError(f"{path}: unknown {column} values {unknown}; expected some of {list(allowed)}")
    frame = frame.copy()
    for column in ("seed", "kappa", "nu", "delta_ca", "delta_cp", "delta_cp_reverse", "recovery", "success"):
        frame[column] = _numeric(frame, column, path)
    if frame[["kappa", "nu", "success"]].isna().any().any():
        raise ValueError(f"{path}: kappa, nu and success must be given on every row")
    if (frame["kappa"] < 0).any() or (frame["nu"].abs() > 1).any() or not np.isfinite(frame["kappa"]).all():
        raise ValueError(f"{path}: kappa must be finite and >= 0 and nu a correlation (|nu| <= 1)")
    if not frame["success"].isin([0, 1]).all():
        raise ValueError(f"{path}: success must be 0 or 1, got {sorted(set(frame['success']) - {0, 1})}")
    return frame


def _panel_gammas(frame: pd.DataFrame) -> dict[str, dict[str, float] | None]:
    """Each panel's gammas when the CSV records them (one value per panel), else None for that panel."""
    panels: dict[str, dict[str, float] | None] = {}
    for panel, block in frame.groupby("panel", sort=True):
        if not all(column in block.columns for column in GAMMA_COLUMNS):
            panels[str(panel)] = None
            continue
        values = {column: pd.to_numeric(block[column], errors="coerce").unique() for column in GAMMA_COLUMNS}
        unique = all(len(v) == 1 and np.isfinite(v[0]) and v[0] >= 0 for v in values.values())
        panels[str(panel)] = {column: float(v[0]) for column, v in values.items()} if unique else None
    return panels


def _cells(frame: pd.DataFrame) -> list[dict[str, Any]]:
    grouped = frame.groupby(CELL, sort=True)
    cells = grouped.agg(
        seeds=("success", "size"),
        successes=("success", "sum"),
        recovery=("recovery", "mean"),
        delta_ca=("delta_ca", "mean"),
        delta_cp=("delta_cp", "mean"),
        delta_cp_reverse=("delta_cp_reverse", "mean"),
        regime=("regime", "first"),
    ).reset_index()
    cells["seeds"] = cells["seeds"].astype(int)
    cells["successes"] = cells["successes"].astype(int)
    return to_jsonable(cells.to_dict(orient="records"))


def load_empirical(path: str | os.PathLike) -> dict[str, Any]:
    """The layer's data: cells (see module docstring), per-panel gammas (or None) and the file's name."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"empirical phase-diagram CSV not found: {path}")
    frame = pd.read_csv(path, dtype={"panel": str, "mode": str, "objective": str, "regime": str})
    missing = [column for column in REQUIRED_COLUMNS if column not in frame.columns]
    if missing:
        raise ValueError(f"{path} lacks the columns {missing}; an empirical phase diagram has {list(REQUIRED_COLUMNS)}")
    if frame.empty:
        raise ValueError(f"{path} has a header but no rows")
    frame = _check(frame, path)
    return {"source": path.name, "cells": _cells(frame), "panels": _panel_gammas(frame)}
