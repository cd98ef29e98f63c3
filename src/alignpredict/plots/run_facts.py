"""Which probes a sweep's runs report (metrics.json keys), and how figures name them."""

from __future__ import annotations

import pandas as pd

PROBE_LABELS = {  # metrics.json key -> how the figures name the probe
    "logistic_acc": "ours (converged logistic)",
    "paper_acc": "authors' probe (50 steps, raw)",
}


def probe_columns(runs: pd.DataFrame) -> list[str]:
    """The probe accuracies these runs report (older runs: only probe_acc)."""
    found = [key for key in PROBE_LABELS if key in runs and runs[key].notna().any()]
    return found or ["probe_acc"]
