"""What training showed, with intervals over splits, and whether the diagnostic's verdicts agree with it.

Units of comparison (each split's diagnostic, run on its own labelled subsample, against training's
outcome averaged over all splits):
- recovery: Delta-hat > 1 for the objective vs "its k-dim representation beats PCA-k of the same view";
- benefit: the diagnostic's estimated gain over PCA-k > 0 vs the same training outcome;
- direction: the CP direction the diagnostic prefers vs the direction whose CP representation probes
  better at that k (recovery: the larger Delta-hat above 1; benefit: the better estimated probe);
- best option: the recommendation (CA, CP with its direction, or a single modality) vs training's best
  option, counted right also when training cannot tell the two apart (paired interval over splits).
Each verdict carries a confidence (share of resamples with that verdict); "confident" means >= 0.8."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from alignpredict.diagnose.benefit import REPRESENTATIONS
from alignpredict.diagnose.recommend import SINGLE_MODALITY
from alignpredict.verify.core import OBJECTIVE_DELTA, VerifyResult

CONFIDENT = 0.8
OPTIONS: dict[str, tuple[str, ...]] = {
    "CA": ("ca_x", "ca_y"),
    "CP (x -> y)": ("cp_xy",),
    "CP (y -> x)": ("cp_yx",),
    "x alone": ("pca_x", "ae_x", "raw_x"),
    "y alone": ("pca_y", "ae_y", "raw_y"),
}


def interval(values: np.ndarray, level: float = 0.95) -> tuple[float, float, float]:
    """(mean, low, high): a t interval over splits."""
    values = np.asarray(values, dtype=float)
    mean = float(values.mean())
    if values.size < 2:
        return mean, mean, mean
    half = float(stats.t.ppf(0.5 + level / 2, values.size - 1) * values.std(ddof=1) / np.sqrt(values.size))
    return mean, mean - half, mean + half


def score_matrix(result: VerifyResult) -> pd.DataFrame:
    """Rows split, columns "representation@k" (raw features: "raw_x", "raw_y")."""
    frame = pd.DataFrame(result.score_table())
    frame["key"] = np.where(
        frame["k"] == 0, frame["representation"], frame["representation"] + "@" + frame["k"].astype(str)
    )
    return frame.pivot(index="split", columns="key", values="score")


def training_summary(result: VerifyResult) -> pd.DataFrame:
    """Per representation and k: mean score and its interval over splits."""
    matrix = score_matrix(result)
    rows = []
    for key in matrix.columns:
        mean, low, high = interval(matrix[key].to_numpy())
        name, _, k = key.partition("@")
        rows.append({"representation": name, "k": int(k) if k else 0, "mean": mean, "low": low, "high": high})
    return pd.DataFrame(rows).sort_values(["representation", "k"]).reset_index(drop=True)


def _gain(matrix: pd.DataFrame, name: str, k: int) -> np.ndarray:
    return (matrix[f"{name}@{k}"] - matrix[f"pca_{REPRESENTATIONS[name]}@{k}"]).to_numpy()


def _replicate_share(report, delta_name: str, verdict: bool) -> float | None:
    if report.resamples is None:
        return None
    return float(np.mean((report.resamples.replicates[delta_name] > 1.0) == verdict))


def objective_cells(result: VerifyResult) -> pd.DataFrame:
    """One row per (split, k, cross-modal representation): recovery and benefit verdicts, their confidences,
    training's mean gain over PCA-k of the same view and its interval."""
    matrix = score_matrix(result)
    rows = []
    for k in result.ks:
        for name in OBJECTIVE_DELTA:
            gain, low, high = interval(_gain(matrix, name, k))
            for split in result.splits:
                report = split.report
                delta = float(getattr(report, OBJECTIVE_DELTA[name]))
                recovery = delta > 1.0
                benefit_gain = report.benefit.gain(name, k) if k in report.benefit.ks else float("nan")
                rows.append(
                    {
                        "dataset": result.name,
                        "split": split.split,
                        "k": k,
                        "objective": name,
                        "delta_hat": delta,
                        "recovery": recovery,
                        "recovery_confidence": _replicate_share(report, OBJECTIVE_DELTA[name], recovery),
                        "benefit_gain": benefit_gain,
                        "benefit": benefit_gain > 0,
                        "benefit_confidence": report.benefit.gain_confidence(name, k)
                        if k in report.benefit.ks
                        else None,
                        "training_gain": gain,
                        "training_low": low,
                        "training_high": high,
                        "training_beats_pca": gain > 0,
                        "training_clear": low > 0 or high < 0,
                    }
                )
    return pd.DataFrame(rows)


def direction_cells(result: VerifyResult) -> pd.DataFrame:
    """One row per (split, k): the recovery and benefit CP directions and training's better CP direction."""
    matrix = score_matrix(result)
    rows = []
    for k in result.ks:
        difference, low, high = interval((matrix[f"cp_xy@{k}"] - matrix[f"cp_yx@{k}"]).to_numpy())
        better = "x->y" if difference > 0 else "y->x"
        for split in result.splits:
            report = split.report
            benefit_direction = None
            if k in report.benefit.ks:
                xy, yx = report.benefit.scores[f"cp_xy@{k}"], report.benefit.scores[f"cp_yx@{k}"]
                benefit_direction = "x->y" if xy >= yx else "y->x"
            shares = report.resamples.direction_fractions if report.resamples is not None else {}
            rows.append(
                {
                    "dataset": result.name,
                    "split": split.split,
                    "k": k,
                    "recovery_direction": report.direction,
                    "recovery_confidence": shares.get(report.direction) if report.direction else None,
                    "benefit_direction": benefit_direction,
                    "training_direction": better,
                    "training_clear": low > 0 or high < 0,
                }
            )
    return pd.DataFrame(rows)


def option_of(recommendation: str) -> str:
    """The option a recommendation string names."""
    if recommendation.startswith(SINGLE_MODALITY):
        return f"{recommendation[len(SINGLE_MODALITY) :].strip()[0]} alone"
    return recommendation


def option_scores(matrix: pd.DataFrame, ks: tuple[int, ...]) -> pd.DataFrame:
    """Per split, each option's best score over its representations and k (raw features count for a view)."""
    columns = {}
    for option, names in OPTIONS.items():
        keys = [name for name in names if name.startswith("raw")]
        keys += [f"{name}@{k}" for name in names if not name.startswith("raw") for k in ks]
        columns[option] = matrix[[key for key in keys if key in matrix.columns]].max(axis=1)
    return pd.DataFrame(columns)


def best_option_rows(result: VerifyResult) -> pd.DataFrame:
    """One row per split: the recommendation's option, training's best option, and whether they agree."""
    per_split = option_scores(score_matrix(result), result.ks)
    means = per_split.mean()
    best = str(means.idxmax())
    rows = []
    for split in result.splits:
        chosen = option_of(split.report.recommendation)
        _, low, _ = interval((per_split[best] - per_split[chosen]).to_numpy())
        rows.append(
            {
                "dataset": result.name,
                "split": split.split,
                "recommended": chosen,
                "confidence": split.report.recommendation_confidence,
                "training_best": best,
                "exact": chosen == best,
                "agrees": chosen == best or low <= 0,
                "cross_modal_helps": best not in ("x alone", "y alone"),
            }
        )
    return pd.DataFrame(rows)


def _share(values: pd.Series) -> float:
    return float(values.mean()) if len(values) else float("nan")


def agreement_summary(objectives: pd.DataFrame, directions: pd.DataFrame, options: pd.DataFrame) -> list[dict]:
    """The aggregate table: agreement on all units and on confident ones, per objective and overall."""
    rows = []
    for label, part in [*objectives.groupby("objective", sort=False), ("all objectives", objectives)]:
        for verdict in ("recovery", "benefit"):
            agree = part[verdict] == part["training_beats_pca"]
            confident = part[f"{verdict}_confidence"].fillna(0) >= CONFIDENT
            clear = confident & part["training_clear"]
            rows.append(
                {
                    "verdict": f"{verdict}: beats PCA-k",
                    "objective": label,
                    "units": len(part),
                    "agree": _share(agree),
                    "confident units": int(confident.sum()),
                    "agree (confident)": _share(agree[confident]),
                    "agree (confident, training clear)": _share(agree[clear]),
                    "constant answer": max(_share(part["training_beats_pca"]), 1 - _share(part["training_beats_pca"])),
                }
            )
    recovery = directions.dropna(subset=["recovery_direction"])
    agree = recovery["recovery_direction"] == recovery["training_direction"]
    confident = recovery["recovery_confidence"].fillna(0) >= CONFIDENT
    rows.append(
        {
            "verdict": "recovery direction (when one is recommended)",
            "objective": "CP",
            "units": len(recovery),
            "agree": _share(agree),
            "confident units": int(confident.sum()),
            "agree (confident)": _share(agree[confident]),
            "agree (confident, training clear)": float("nan"),
            "constant answer": float("nan"),
        }
    )
    agree = directions["benefit_direction"] == directions["training_direction"]
    rows.append(
        {
            "verdict": "benefit direction (better CP probe)",
            "objective": "CP",
            "units": len(directions),
            "agree": _share(agree),
            "confident units": float("nan"),
            "agree (confident)": float("nan"),
            "agree (confident, training clear)": float("nan"),
            "constant answer": max(
                _share(directions["training_direction"] == "x->y"), _share(directions["training_direction"] == "y->x")
            ),
        }
    )
    cp_recommended = options[options["recommended"].str.startswith("CP")]
    rows.append(
        {
            "verdict": "recommended CP direction is the better CP probe",
            "objective": "CP",
            "units": len(cp_recommended),
            "agree": _share(_recommended_direction_right(cp_recommended, directions)),
            "confident units": float("nan"),
            "agree (confident)": float("nan"),
            "agree (confident, training clear)": float("nan"),
            "constant answer": float("nan"),
        }
    )
    confident = options["confidence"].fillna(0) >= CONFIDENT
    rows.append(
        {
            "verdict": "best option named (tie within training's interval counts)",
            "objective": "all",
            "units": len(options),
            "agree": _share(options["agrees"]),
            "confident units": int(confident.sum()),
            "agree (confident)": _share(options["agrees"][confident]),
            "constant answer": float("nan"),
        }
    )
    rows.append(
        {
            "verdict": "best option named exactly",
            "objective": "all",
            "units": len(options),
            "agree": _share(options["exact"]),
            "confident units": int(confident.sum()),
            "agree (confident)": _share(options["exact"][confident]),
            "constant answer": float("nan"),
        }
    )
    return rows


def _recommended_direction_right(cp_rows: pd.DataFrame, directions: pd.DataFrame) -> pd.Series:
    """For each split recommending CP, whether its direction is training's better CP probe at most k
    (majority over the k values)."""
    right = []
    for _, row in cp_rows.iterrows():
        chosen = "x->y" if "x -> y" in row["recommended"] else "y->x"
        part = directions[(directions["dataset"] == row["dataset"]) & (directions["split"] == row["split"])]
        right.append(bool((part["training_direction"] == chosen).mean() >= 0.5))
    return pd.Series(right, dtype=bool)


def calibration(
    objectives: pd.DataFrame,
    options: pd.DataFrame | None = None,
    bins: tuple[float, ...] = (0.0, 0.5, 0.6, 0.7, 0.8, 0.9, 1.01),
) -> list[dict]:
    """Verdicts binned by confidence (share of resamples): does it predict how often training agrees?"""
    rows = []
    verdicts = [
        (name, objectives[f"{name}_confidence"].astype(float), objectives[name] == objectives["training_beats_pca"])
        for name in ("recovery", "benefit")
    ]
    if options is not None:
        verdicts.append(("recommendation", options["confidence"].astype(float), options["agrees"]))
    for verdict, confidence, agree in verdicts:
        for low, high in zip(bins[:-1], bins[1:]):
            mask = (confidence >= low) & (confidence < high)
            if not mask.any():
                continue
            rows.append(
                {
                    "verdict": verdict,
                    "confidence": f"[{low:.1f}, {min(high, 1.0):.1f}{']' if high > 1 else ')'}",
                    "units": int(mask.sum()),
                    "mean confidence": float(confidence[mask].mean()) if mask.any() else float("nan"),
                    "agree": _share(agree[mask]),
                }
            )
    return rows
