"""The M-view ranking against training on a real M-view set (digits quadrants): the diagnostic ranks every
pair and direction once, and every pair is then trained (verify) to see which candidate really probes best."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from alignpredict.diagnose.multiview import diagnose_views
from alignpredict.verify.agreement import option_scores, score_matrix
from alignpredict.verify.core import VerifySettings, verify
from alignpredict.verify.suite import ViewSet


def multiview_check(views: ViewSet, settings: VerifySettings) -> tuple[list[dict], dict]:
    """(per-candidate rows: diagnostic probe score and Delta-hat, training mean score; summary of the tops)."""
    rng = np.random.default_rng(settings.seed)
    rows = np.sort(rng.choice(views.n_rows, settings.n_labelled, replace=False))
    budget = int(round((1 - settings.test_fraction) * views.n_rows))
    report = diagnose_views(
        views.views,
        views.labels[rows],
        label_rows=rows,
        label_type=views.label_kind,
        benefit_k=list(settings.ks),
        probe_rows=budget,
        seed=settings.seed,
        **settings.diagnose,
    )
    diagnosed = {row["candidate"]: row for row in report.candidates()}
    practical = {row["candidate"]: row["probe_score"] for row in report.practical_ranking()}
    training: dict[str, float] = {}
    for a, b in itertools.combinations(views.views, 2):
        result = verify(
            views.views[a], views.views[b], views.labels, name=f"{a}|{b}", kind=views.label_kind, settings=settings
        )
        means = option_scores(score_matrix(result), result.ks).mean()
        training[f"CA {a} + {b}"] = float(means["CA"])
        training[f"CP {a} -> {b}"] = float(means["CP (x -> y)"])
        training[f"CP {b} -> {a}"] = float(means["CP (y -> x)"])
        training[f"{a} alone"] = max(training.get(f"{a} alone", -np.inf), float(means["x alone"]))
        training[f"{b} alone"] = max(training.get(f"{b} alone", -np.inf), float(means["y alone"]))
    table = [
        {
            "candidate": name,
            "Delta-hat": diagnosed[name]["delta_hat"] if name in diagnosed else float("nan"),
            "diagnostic probe score": practical[name],
            "training score": training[name],
        }
        for name in sorted(training, key=lambda n: -training[n])
    ]
    cross = [name for name in training if not name.endswith("alone")]
    best_cross = max(cross, key=training.get)
    summary = {
        "training best": max(training, key=training.get),
        "diagnostic best (probe ranking)": report.practical_ranking()[0]["candidate"],
        "training best cross-modal": best_cross,
        "diagnostic best cross-modal (probe ranking)": max(cross, key=practical.get),
        "diagnostic top by Delta-hat": report.recovery_ranking()[0]["candidate"],
        "Spearman (diagnostic probe vs training, all candidates)": float(
            pd.Series([practical[n] for n in training]).corr(pd.Series(list(training.values())), method="spearman")
        ),
    }
    return table, summary
