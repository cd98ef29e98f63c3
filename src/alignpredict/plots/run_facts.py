"""What a sweep's runs report about themselves, for figure titles and keys: which probes, at what scale."""

from __future__ import annotations

import pandas as pd

PROBE_LABELS = {  # metrics.json key -> how the figures name the probe
    "logistic_acc": "ours: converged logistic probe",
    "paper_acc": "the authors' probe (50 Adam steps, raw features)",
}


def probe_columns(runs: pd.DataFrame) -> list[str]:
    """The probe accuracies these runs report (older runs: only probe_acc)."""
    found = [key for key in PROBE_LABELS if key in runs and runs[key].notna().any()]
    return found or ["probe_acc"]


def scale_text(runs: pd.DataFrame, items: str) -> str:
    """The scale a figure shows, read from the runs: seeds, `items` (pairs, scenes), epochs, resolution, weights."""
    parts = [f"{runs['seed'].nunique()} seed{'s' if runs['seed'].nunique() > 1 else ''}"]
    if "n_samples" in runs:
        parts.append(f"{int(runs['n_samples'].max())} {items}")
    if "epochs_trained" in runs:
        low, high = int(runs["epochs_trained"].min()), int(runs["epochs_trained"].max())
        parts.append(f"{high} epochs" if low == high else f"{low}-{high} epochs")
    for side in ("resolution", "image_size"):
        if side in runs and runs[side].notna().any():
            parts.append(f"{int(runs[side].max())} px")
    if "probe_weights" in runs and runs["probe_weights"].notna().any():
        parts.append(f"probes read the {runs['probe_weights'].iloc[0]} weights")
    return ", ".join(parts)
