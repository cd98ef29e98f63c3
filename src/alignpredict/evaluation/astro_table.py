"""The paper-style astro table from a sweep's runs: mean +- std over seeds per instrument x task x method,
next to the paper's numbers (docs/protocols/astro.md, "Reported table"), and a check of the paper's claims on it."""

from __future__ import annotations

import numpy as np
import pandas as pd

from alignpredict.evaluation.aggregate import summarise
from alignpredict.evaluation.astro_probe import TASK_METRICS, TUNED_SUFFIX, metric_key

INSTRUMENTS = ("kepler", "tess")
# the seed-free baselines every astro run also scores: method -> representation
BASELINES: dict[str, str] = {"LAMOST": "baseline_lamost", "Phot": "baseline_photometry", "Concat": "baseline_concat"}
UNIMODAL = ("LAMOST", "Phot")
SIDES = (("lamost", "LAMOST side"), ("photometry", "phot. side"))
FAMILY_ORDER = {"alignment": 0, "joint": 1, "prediction": 2, "supervised": 3}
# Project page, 5 seeds (means; the baselines have no std); also in docs/protocols/astro.md.
PAPER_TABLE: dict[tuple[str, str], dict[str, float]] = {
    ("kepler", "binarity"): {"CA": 0.802, "CP": 0.814, "CPrev": 0.751, "LAMOST": 0.814, "Phot": 0.731},
    ("kepler", "logg"): {"CA": 0.956, "CP": 0.976, "CPrev": 0.639, "LAMOST": 0.977, "Phot": 0.542},
    ("kepler", "age"): {"CA": 0.620, "CP": 0.434, "CPrev": 0.497, "LAMOST": 0.431, "Phot": 0.470},
    ("tess", "binarity"): {"CA": 0.756, "CP": 0.763, "CPrev": 0.626, "LAMOST": 0.779, "Phot": 0.604},
    ("tess", "logg"): {"CA": 0.929, "CP": 0.939, "CPrev": -0.312, "LAMOST": 0.942, "Phot": -0.312},
    ("tess", "age"): {"CA": 0.431, "CP": 0.396, "CPrev": -0.072, "LAMOST": 0.503, "Phot": -0.037},
}


def instrument_of(runs: pd.DataFrame) -> pd.Series:
    """kepler / tess from each run's `dataset` fact ("astro_kepler", "astro_tess")."""
    if "dataset" not in runs:
        raise ValueError("runs carry no 'dataset' column; they were not trained with data=astro")
    instrument = runs["dataset"].astype(str).str.removeprefix("astro_")
    unknown = sorted(set(instrument) - set(INSTRUMENTS))
    if unknown:
        raise ValueError(f"runs of datasets {unknown} are not astro runs; pass the folder of an experiment=astro sweep")
    return instrument


def has_tuned_metrics(runs: pd.DataFrame) -> bool:
    """Whether the runs also scored the tuned probe (probe.tuned=true)."""
    return any(str(column).endswith(TUNED_SUFFIX) for column in runs.columns)


def methods_of(runs: pd.DataFrame) -> dict[str, tuple[str | None, str]]:
    """Method label -> (objective whose runs hold it, representation), read from the runs' own objective
    descriptions (label, family, direction), then each side of objectives probed on both projections, then the
    baselines (objective None: every run scores them)."""
    objectives = runs.drop_duplicates("objective")
    label = objectives.get("objective_label", objectives["objective"])
    order = [FAMILY_ORDER.get(f, 9) for f in objectives.get("objective_family", [""] * len(objectives))]
    direction = objectives.get("direction", pd.Series(["none"] * len(objectives), index=objectives.index))
    rows = sorted(zip(order, direction.astype(str), label.astype(str), objectives["objective"].astype(str)))
    methods: dict[str, tuple[str | None, str]] = {}
    for _, _, method, name in rows:
        methods[method] = (name, "self")
        for side, words in SIDES:
            if any(str(column).startswith(f"{name}_{side}_") for column in runs.columns):
                methods[f"{method} ({words})"] = (name, f"{name}_{side}")
    methods.update({method: (None, representation) for method, representation in BASELINES.items()})
    return methods


def cross_modal_methods(table: pd.DataFrame) -> tuple[str, ...]:
    """The table's objective methods (not a baseline, not one side of a projection pair)."""
    return tuple(m for m in table["method"].unique() if m not in BASELINES and not m.endswith(" side)"))


def astro_table(runs: pd.DataFrame, tuned: bool = False) -> pd.DataFrame:
    """Long table: instrument, task, method, mean, std, n (seeds), paper (NaN where the paper has none);
    `tuned` reads the tuned-probe scores instead of the paper probe's."""
    runs = runs.assign(instrument=instrument_of(runs))
    methods = methods_of(runs)
    rows = []
    for instrument, of_instrument in runs.groupby("instrument"):
        for task in TASK_METRICS:
            for method, (objective, representation) in methods.items():
                key = metric_key(representation, task, tuned)
                chosen = of_instrument if objective is None else of_instrument[of_instrument["objective"] == objective]
                if key not in chosen or chosen[key].notna().sum() == 0:
                    continue
                stats = summarise(chosen, by=["instrument"], metric=key).iloc[0]
                rows.append(
                    {
                        "instrument": instrument,
                        "task": task,
                        "method": method,
                        "metric": TASK_METRICS[task],
                        "mean": float(stats["mean"]),
                        "std": float(stats["std"]) if stats["n"] > 1 else np.nan,
                        "n": int(stats["n"]),
                        "paper": PAPER_TABLE.get((instrument, task), {}).get(method, np.nan),
                    }
                )
    if not rows:
        raise ValueError(
            f"no astro probe metrics (e.g. {metric_key('self', 'logg', tuned)}) in these runs; train them "
            "with experiment=astro (probe.methods=[astro]" + (", probe.tuned=true)" if tuned else ")")
        )
    return pd.DataFrame(rows)


def _cell(mean: float, std: float) -> str:
    return f"{mean:.3f}" if np.isnan(std) else f"{mean:.3f} ± {std:.3f}"


def markdown_table(table: pd.DataFrame) -> str:
    """One markdown table per instrument: task rows, method columns, each cell "ours (paper)"."""
    blocks = []
    methods = list(dict.fromkeys(table["method"]))
    for instrument, of_instrument in table.groupby("instrument"):
        lines = [
            f"### {instrument.upper()}-like (ours, paper in brackets)",
            "",
            "| Task | " + " | ".join(methods) + " |",
            "|---" * (len(methods) + 1) + "|",
        ]
        for task in TASK_METRICS:
            cells = []
            for method in methods:
                match = of_instrument[(of_instrument["task"] == task) & (of_instrument["method"] == method)]
                if match.empty:
                    cells.append("–")
                    continue
                row = match.iloc[0]
                paper = "" if np.isnan(row["paper"]) else f" ({row['paper']:.3f})"
                cells.append(_cell(row["mean"], row["std"]) + paper)
            lines.append(f"| {task} ({TASK_METRICS[task]}) | " + " | ".join(cells) + " |")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def _best(rows: pd.DataFrame, methods: tuple[str, ...]) -> tuple[str, float]:
    chosen = rows[rows["method"].isin(methods)]
    if chosen.empty:
        return "", np.nan
    top = chosen.loc[chosen["mean"].idxmax()]
    return str(top["method"]), float(top["mean"])


def paper_claims(table: pd.DataFrame, tolerance: float = 0.005) -> dict[str, bool | None]:
    """The paper's astro claims on this table; "matches" means within `tolerance`; None when not measurable."""
    claims: dict[str, bool | None] = {}
    cross_modal = cross_modal_methods(table)
    by_task = {key: rows for key, rows in table.groupby(["instrument", "task"])}
    kepler = [by_task[("kepler", task)] for task in TASK_METRICS if ("kepler", task) in by_task]
    tess = [by_task[("tess", task)] for task in TASK_METRICS if ("tess", task) in by_task]
    if kepler:
        claims["kepler_cross_modal_matches_or_beats_best_unimodal_on_every_task"] = all(
            _best(rows, cross_modal)[1] >= _best(rows, UNIMODAL)[1] - tolerance for rows in kepler
        )
        age = by_task.get(("kepler", "age"))
        claims["kepler_ca_best_on_age"] = None if age is None else _best(age, cross_modal + UNIMODAL)[0] == "CA"
        cprev, cp = (np.nan, np.nan) if age is None else (_best(age, ("CPrev",))[1], _best(age, ("CP",))[1])
        claims["kepler_cprev_beats_cp_on_age"] = None if np.isnan(cprev) or np.isnan(cp) else bool(cprev > cp)
    if tess:
        claims["tess_no_cross_modal_beats_lamost_only"] = all(
            _best(rows, cross_modal)[1] <= _best(rows, ("LAMOST",))[1] + tolerance for rows in tess
        )
    return claims
