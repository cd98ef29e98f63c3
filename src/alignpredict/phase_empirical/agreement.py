"""Does training agree with the theory? Verdicts per objective on the cells far from a boundary, the empirical
regime map, where each CA objective's boundary lies, and the Neither region against the unimodal baseline."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from alignpredict.theory.phase_grid import ca_boundary
from alignpredict.theory.regimes import REGIMES

OWN_DELTA: dict[str, str] = {"ca": "delta_ca", "infonce": "delta_ca", "cp": "delta_cp", "cp_rev": "delta_cp_reverse"}
SOURCE: dict[str, str] = {"ca": "x", "infonce": "x", "cp": "x", "cp_rev": "y"}
CELL = ["panel", "mode", "kappa", "nu"]


def far_from_boundary(delta: pd.Series, margin: float) -> pd.Series:
    """Delta < 1 - margin or Delta > 1 + margin: cells where finite n and finite training should not decide."""
    return (delta < 1.0 - margin) | (delta > 1.0 + margin)


def agreement_table(
    frame: pd.DataFrame, margin: float, threshold: float, by: Sequence[str] = ("mode", "objective")
) -> pd.DataFrame:
    """Per group: far verdicts (one per cell x seed), how many equal the theory's, the fraction, and the same
    fraction for the closed-form linear solution on the same rows (what finite n alone allows)."""
    far = frame[far_from_boundary(frame["delta"], margin)]
    closed = ((far["closed_form_recovery"] >= threshold).astype(int) == far["theory_success"]).astype(int)
    far = far.assign(agree=(far["success"] == far["theory_success"]).astype(int), closed=closed)
    grouped = far.groupby(list(by), sort=True)
    table = grouped.agg(
        verdicts=("agree", "size"), agree=("agree", "sum"), seeds=("seed", "nunique"), closed=("closed", "mean")
    ).reset_index()
    table["agreement"] = table["agree"] / table["verdicts"]
    return table.rename(columns={"closed": "closed_form_agreement"})[
        [*by, "verdicts", "agree", "seeds", "agreement", "closed_form_agreement"]
    ]


def cell_means(frame: pd.DataFrame) -> pd.DataFrame:
    """Mean success and recovery over seeds per cell and objective."""
    return (
        frame.groupby([*CELL, "objective"], sort=True)
        .agg(
            success=("success", "mean"),
            recovery=("recovery", "mean"),
            unimodal=("unimodal_recovery", "mean"),
            theory_success=("theory_success", "first"),
            delta=("delta", "first"),
            regime=("regime", "first"),
        )
        .reset_index()
    )


def empirical_regimes(frame: pd.DataFrame) -> pd.DataFrame:
    """Per cell: the regime training shows (CA = VICReg's majority verdict over seeds, CP = x -> y's) next to the
    theory's; needs both objectives ca and cp."""
    means = cell_means(frame)
    wide = means.pivot_table(index=CELL, columns="objective", values="success").reset_index()
    theory = means.groupby(CELL, sort=True)["regime"].first().reset_index()
    wide = wide.merge(theory, on=CELL)
    ca, cp = wide["ca"] >= 0.5, wide["cp"] >= 0.5
    codes = np.where(ca & cp, 0, np.where(ca, 1, np.where(cp, 2, 3)))
    wide["empirical_regime"] = np.asarray(REGIMES)[codes]
    return wide


def empirical_ca_boundaries(frame: pd.DataFrame, objectives: Sequence[str] = ("ca", "infonce")) -> pd.DataFrame:
    """Per panel, mode and kappa column: the lowest nu from which an alignment objective fails (mean success over
    seeds < 0.5 at that nu and every higher one; NaN if it never fails), with the theory's Delta_CA = 1 line."""
    means = cell_means(frame[frame["objective"].isin(objectives)])
    rows = []
    for (panel, mode, kappa), block in means.groupby(["panel", "mode", "kappa"], sort=True):
        gammas = frame.loc[frame["panel"] == panel, ["gamma_x", "gamma_y"]].iloc[0]
        row = {
            "panel": panel,
            "mode": mode,
            "kappa": kappa,
            "theory_nu": float(ca_boundary(np.array([kappa]), gammas["gamma_x"], gammas["gamma_y"])[0]),
        }
        for objective, column in block.groupby("objective", sort=True):
            column = column.sort_values("nu")
            ok = column["success"].to_numpy() >= 0.5
            failing_from = np.flatnonzero(np.cumprod(~ok[::-1])[::-1])  # cells from which every higher nu fails
            row[f"{objective}_nu"] = float(column["nu"].to_numpy()[failing_from[0]]) if failing_from.size else np.nan
        rows.append(row)
    return pd.DataFrame(rows)


def neither_vs_unimodal(frame: pd.DataFrame) -> pd.DataFrame:
    """In the theory's Neither cells: median recovery of each cross-modal objective and of the unimodal baseline
    (PCA-k of the same source), and the share of cells where the objective (mean over seeds) is worse than the
    baseline. Medians: at small kappa the ceiling is tiny and single ratios are noisy."""
    means = cell_means(frame)
    neither = means[means["regime"] == "Neither"]
    if neither.empty:
        return pd.DataFrame(columns=["mode", "objective", "cells", "recovery", "unimodal", "worse_than_unimodal"])
    return (
        neither.assign(worse=(neither["recovery"] < neither["unimodal"]).astype(float))
        .groupby(["mode", "objective"], sort=True)
        .agg(
            cells=("worse", "size"),
            recovery=("recovery", "median"),
            unimodal=("unimodal", "median"),
            worse_than_unimodal=("worse", "mean"),
        )
        .reset_index()
    )


def markdown_table(table: pd.DataFrame, digits: int = 3) -> str:
    """A pandas table as a GitHub markdown table (no extra dependency)."""

    def show(value: object) -> str:
        if isinstance(value, float):
            return "-" if np.isnan(value) else f"{value:.{digits}g}" if abs(value) >= 1 else f"{value:.{digits}f}"
        return str(value)

    lines = ["| " + " | ".join(map(str, table.columns)) + " |", "|" + "---|" * len(table.columns)]
    lines += ["| " + " | ".join(show(v) for v in row) + " |" for row in table.itertuples(index=False)]
    return "\n".join(lines)
