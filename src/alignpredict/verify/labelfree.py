"""Label-free mode against the labelled diagnostic on the real-data suite: k-means proxy labels on x, on y
or on both views, compared with the verdicts from the true labels on the same rows."""

from __future__ import annotations

import numpy as np
import pandas as pd

from alignpredict.diagnose.api import diagnose
from alignpredict.diagnose.proxy import PROXY_MODALITIES
from alignpredict.verify.agreement import option_of
from alignpredict.verify.suite import ViewSet

VERDICTS: dict[str, str] = {
    "delta_ca": "CA recovers",
    "delta_cp": "CP x->y recovers",
    "delta_cp_reverse": "CP y->x recovers",
}


def labelfree_rows(views: ViewSet, n_labelled: int, seed: int, options: dict) -> list[dict]:
    """One row per proxy modality: does each label-free verdict equal the labelled one?"""
    x, y = views.pair()
    rng = np.random.default_rng(seed)
    rows_labelled = np.sort(rng.choice(views.n_rows, min(n_labelled, views.n_rows // 2), replace=False))
    common = {"seed": seed, **options}
    labelled = diagnose(
        x, y, views.labels[rows_labelled], label_rows=rows_labelled, label_type=views.label_kind, **common
    )
    result = []
    for modality in PROXY_MODALITIES:
        free = diagnose(x, y, None, proxy_modality=modality, **common)
        row = {
            "dataset": views.name,
            "proxy": modality,
            "labelled regime": labelled.regime,
            "label-free regime": free.regime,
        }
        row["regime"] = free.regime == labelled.regime
        for name, label in VERDICTS.items():
            row[label] = (getattr(free, name) > 1) == (getattr(labelled, name) > 1)
        row["labelled option"] = option_of(labelled.recommendation)
        row["label-free option"] = option_of(free.recommendation)
        row["recommendation"] = row["labelled option"] == row["label-free option"]
        result.append(row)
    return result


def labelfree_summary(rows: pd.DataFrame) -> list[dict]:
    """Per proxy modality: the share of datasets where each label-free verdict matches the labelled one."""
    summary = []
    for modality, part in rows.groupby("proxy", sort=False):
        entry = {"proxy labels from": modality, "datasets": len(part)}
        for column in ("regime", *VERDICTS.values(), "recommendation"):
            entry[column] = float(part[column].mean())
        summary.append(entry)
    return summary
