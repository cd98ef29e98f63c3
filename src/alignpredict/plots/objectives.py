"""How figures draw the objectives of a sweep: read from the runs' own metrics (each objective describes
itself when it trains), never from a table kept here, so a new objective is drawn without touching plots."""

from __future__ import annotations

import pandas as pd

from alignpredict.objectives.base import FAMILIES, Drawing

DRAWING_COLUMNS = ("objective_label", "objective_color", "objective_linestyle", "objective_marker")


def objective_drawings(runs: pd.DataFrame) -> dict[str, Drawing]:
    """objective name -> its Drawing, ordered by family (alignment, joint, prediction, supervised) and direction."""
    missing = [column for column in ("objective", "objective_family", *DRAWING_COLUMNS) if column not in runs]
    if missing:
        raise ValueError(f"runs lack {missing}; they were not written by this version of alignpredict.train.run")
    first = runs.drop_duplicates("objective")
    direction = first["direction"] if "direction" in first else pd.Series("none", index=first.index)
    order = sorted(
        zip(first["objective_family"].map(FAMILIES.index), direction.astype(str), first.index), key=lambda t: t[:2]
    )
    drawings = {}
    for _, _, index in order:
        row = first.loc[index]
        drawings[str(row["objective"])] = Drawing(
            label=str(row["objective_label"]),
            color=str(row["objective_color"]),
            linestyle=str(row["objective_linestyle"]),
            marker=str(row["objective_marker"]),
        )
    return drawings


def families(runs: pd.DataFrame) -> dict[str, str]:
    """objective name -> family."""
    first = runs.drop_duplicates("objective")
    return dict(zip(first["objective"].astype(str), first["objective_family"].astype(str)))
