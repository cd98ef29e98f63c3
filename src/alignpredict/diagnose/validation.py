"""Check the diagnostic against the spiked model, where the true Delta_CA and Delta_CP are known in
closed form: per cell, the true and estimated regime and CP direction."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from omegaconf import DictConfig, OmegaConf

from alignpredict.diagnose.api import diagnose
from alignpredict.diagnose.recommend import choose_direction
from alignpredict.theory.model import SpikedModel
from alignpredict.theory.regimes import classify_regime
from alignpredict.theory.spectra import delta_ca, delta_cp
from alignpredict.utils.io import write_csv, write_text

CLEAR_MARGIN = 0.3  # a Delta counts as clear of the boundary when it is < 1 - margin or > 1 + margin


@dataclass(frozen=True)
class ValidationGrid:
    """The spiked-model cells: every combination of these, with k signal coordinates and fixed noises."""

    kappa: tuple[float, ...]
    nu: tuple[float, ...]
    gamma_tilde_y: tuple[float, ...]
    d: tuple[int, ...]
    n: tuple[int, ...]
    seeds: tuple[int, ...]
    k: int = 2
    gamma_x: float = 0.5
    gamma_y: float = 0.5
    gamma_tilde_x: float = 1.0
    n_labelled: int = 1000

    def cells(self) -> Iterable[tuple[float, float, float, int, int, int]]:
        return itertools.product(self.kappa, self.nu, self.gamma_tilde_y, self.d, self.n, self.seeds)


def is_clear(*deltas: float) -> bool:
    """Every Delta at least CLEAR_MARGIN away from the boundary at 1."""
    return all(abs(delta - 1.0) > CLEAR_MARGIN for delta in deltas)


def validate_cell(grid: ValidationGrid, kappa: float, nu: float, gty: float, d: int, n: int, seed: int) -> dict:
    """One sample from the model, diagnosed with the latent signal s as labels on n_labelled rows."""
    model = SpikedModel(
        d=d,
        k=grid.k,
        kappa=kappa,
        gamma_x=grid.gamma_x,
        gamma_y=grid.gamma_y,
        gamma_tilde_x=grid.gamma_tilde_x,
        gamma_tilde_y=gty,
        nu=nu,
    )
    sample = model.sample(n, seed=seed)
    labelled = np.arange(min(grid.n_labelled, n))
    report = diagnose(sample.x, sample.y, sample.signal[labelled], label_rows=labelled, n_resamples=0, seed=seed)
    true = {"ca": delta_ca(model), "cp": delta_cp(model), "cp_reverse": delta_cp(model.swapped())}
    true_direction = choose_direction(true["cp"], true["cp_reverse"])
    one_direction_only = (true["cp"] > 1.0) != (true["cp_reverse"] > 1.0)
    return {
        "kappa": kappa,
        "nu": nu,
        "gamma_tilde_y": gty,
        "d": d,
        "n": n,
        "seed": seed,
        "true_delta_ca": true["ca"],
        "true_delta_cp": true["cp"],
        "true_delta_cp_reverse": true["cp_reverse"],
        "delta_ca": report.delta_ca,
        "delta_cp": report.delta_cp,
        "delta_cp_reverse": report.delta_cp_reverse,
        "true_regime": classify_regime(true["ca"], true["cp"]),
        "regime": report.regime,
        "clear": is_clear(true["ca"], true["cp"]),
        "true_direction": true_direction or "none",
        "direction": report.direction or "none",
        "direction_case": one_direction_only and is_clear(true["cp"], true["cp_reverse"]),
    }


def run_validation(grid: ValidationGrid) -> list[dict]:
    return [validate_cell(grid, *cell) for cell in grid.cells()]


def accuracy_table(rows: list[dict]) -> list[dict]:
    """Per (d, n): clear cases and the share with the right regime; direction cases and the share right."""
    table = []
    for d, n in sorted({(row["d"], row["n"]) for row in rows}):
        group = [row for row in rows if row["d"] == d and row["n"] == n]
        clear = [row for row in group if row["clear"]]
        direction = [row for row in group if row["direction_case"]]
        table.append(
            {
                "d": d,
                "n": n,
                "cells": len(group),
                "clear_cells": len(clear),
                "regime_correct": float(np.mean([r["regime"] == r["true_regime"] for r in clear]))
                if clear
                else float("nan"),
                "direction_cells": len(direction),
                "direction_correct": float(np.mean([r["direction"] == r["true_direction"] for r in direction]))
                if direction
                else float("nan"),
            }
        )
    return table


def _format(value: object) -> str:
    if isinstance(value, float):
        return "-" if np.isnan(value) else f"{value:.1%}" if value <= 1.0 else f"{value:.3g}"
    return str(value)


CELL_COLUMNS = [
    ("kappa", "kappa"),
    ("nu", "nu"),
    ("gamma_tilde_y", "gamma_tilde_y"),
    ("d", "d"),
    ("n", "n"),
    ("seed", "seed"),
]
REGIME_COLUMNS = CELL_COLUMNS + [
    ("true Delta_CA", "true_delta_ca"),
    ("true Delta_CP", "true_delta_cp"),
    ("Delta-hat_CA", "delta_ca"),
    ("Delta-hat_CP", "delta_cp"),
    ("true regime", "true_regime"),
    ("regime", "regime"),
]
DIRECTION_COLUMNS = CELL_COLUMNS + [
    ("true Delta_CP", "true_delta_cp"),
    ("true Delta_CP reverse", "true_delta_cp_reverse"),
    ("Delta-hat_CP", "delta_cp"),
    ("Delta-hat_CP reverse", "delta_cp_reverse"),
    ("true direction", "true_direction"),
    ("direction", "direction"),
]


def _cell_listing(title: str, cells: list[dict], columns: list[tuple[str, str]]) -> list[str]:
    """Markdown lines listing the given cells (nothing when there are none); Deltas to 3 significant digits."""
    if not cells:
        return []

    def show(key: str, value: object) -> str:
        return f"{value:.3g}" if key.startswith(("delta", "true_delta")) else str(value)

    return [
        "",
        title,
        "",
        "| " + " | ".join(name for name, _ in columns) + " |",
        "|" + "---|" * len(columns),
        *["| " + " | ".join(show(key, cell[key]) for _, key in columns) + " |" for cell in cells],
    ]


def validation_markdown(grid: ValidationGrid, rows: list[dict]) -> str:
    """The docs table: per (d, n) and overall, the share of clear cells in the right regime and of
    one-direction-only cells with the right CP direction."""
    table = accuracy_table(rows)
    clear = [row for row in rows if row["clear"]]
    direction = [row for row in rows if row["direction_case"]]
    overall = {
        "d": "all",
        "n": "all",
        "cells": len(rows),
        "clear_cells": len(clear),
        "regime_correct": float(np.mean([r["regime"] == r["true_regime"] for r in clear])),
        "direction_cells": len(direction),
        "direction_correct": float(np.mean([r["direction"] == r["true_direction"] for r in direction])),
    }
    header = list(overall)
    lines = [
        "# Diagnostic validation on the spiked model",
        "",
        "Generated by `python scripts/validate_diagnostic.py out_dir=docs` (do not edit by hand). "
        "Labels are the latent",
        f"signal s on {grid.n_labelled} rows; k = {grid.k}, gamma_x = {grid.gamma_x}, gamma_y = {grid.gamma_y}, "
        f"gamma_tilde_x = {grid.gamma_tilde_x};",
        f"kappa in {list(grid.kappa)}, nu in {list(grid.nu)}, gamma_tilde_y in {list(grid.gamma_tilde_y)}, "
        f"seeds {list(grid.seeds)}.",
        f"A cell is *clear* when the true Delta_CA and Delta_CP (x -> y) are both outside "
        f"[{1 - CLEAR_MARGIN:.1f}, {1 + CLEAR_MARGIN:.1f}];",
        "a *direction* cell is one where exactly one CP direction recovers and both are clear of 1.",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
    ]
    lines += ["| " + " | ".join(_format(row[key]) for key in header) + " |" for row in [*table, overall]]
    wrong = [row for row in clear if row["regime"] != row["true_regime"]]
    lines += _cell_listing("Clear cells in the wrong regime:", wrong, REGIME_COLUMNS)
    missed = [row for row in direction if row["direction"] != row["true_direction"]]
    lines += _cell_listing("Direction cells with the wrong (or no) CP direction:", missed, DIRECTION_COLUMNS)
    return "\n".join(lines) + "\n"


def run(cfg: DictConfig) -> list[dict]:
    """Run the configured grid; write the markdown table and the per-cell CSV (paths relative to out_dir)."""
    root = Path(cfg.out_dir)
    grid_values = OmegaConf.to_container(cfg.grid, resolve=True)
    grid = ValidationGrid(**{k: tuple(v) if isinstance(v, list) else v for k, v in grid_values.items()})
    rows = run_validation(grid)
    markdown = validation_markdown(grid, rows)
    write_text(root / cfg.table_path, markdown)
    write_csv(root / cfg.csv_path, pd.DataFrame(rows))
    print(markdown)
    return rows
