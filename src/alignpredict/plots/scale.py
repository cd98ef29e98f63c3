"""The scale line a sweep figure prints, read from its runs' records: seeds, pairs, epochs. A figure made at
quick CPU scale then says so itself, and cannot be mistaken for the paper-scale one."""

from __future__ import annotations

import pandas as pd


def _span(values: pd.Series, unit: str, thousands: bool = True) -> str:
    low, high = int(values.min()), int(values.max())
    text = f"{low:,}" if thousands else str(low)
    if high != low:
        text += f"-{high:,}" if thousands else f"-{high}"
    return f"{text} {unit}"


def sweep_scale(runs: pd.DataFrame) -> str:
    """'seeds 0-1 (2 per point), 1,200 pairs (840 SSL-train), <= 2 epochs (trained 2)': whatever the runs
    recorded (seed, n_samples, n_ssl_train, max_epochs, epochs_trained, image side, probe weights), in that order."""
    parts = []
    if "seed" in runs:
        seeds = sorted(int(s) for s in runs["seed"].dropna().unique())
        shown = ", ".join(map(str, seeds)) if len(seeds) <= 3 else f"{seeds[0]}-{seeds[-1]}"
        parts.append(f"seed{'s' if len(seeds) > 1 else ''} {shown} ({len(seeds)} per point)")
    if "n_samples" in runs:
        pairs = _span(runs["n_samples"], "pairs")
        if "n_ssl_train" in runs:
            pairs += f" ({_span(runs['n_ssl_train'], 'SSL-train')})"
        parts.append(pairs)
    if "max_epochs" in runs:
        epochs = f"≤ {_span(runs['max_epochs'], 'epochs', thousands=False)}"
        if "epochs_trained" in runs:
            epochs += f" (trained {_span(runs['epochs_trained'], '', thousands=False).strip()})"
        parts.append(epochs)
    for side in ("resolution", "image_size"):
        if side in runs and runs[side].notna().any():
            parts.append(_span(runs[side], "px", thousands=False))
    if "probe_weights" in runs and runs["probe_weights"].notna().any():
        parts.append(f"probes read the {'/'.join(sorted(runs['probe_weights'].dropna().unique()))} weights")
    return ", ".join(parts)
