"""Frozen features of one split, read in the datamodule's deterministic order."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

IMAGE_KEYS = ("x", "y")


@dataclass(frozen=True)
class FeatureSet:
    """Encoder features, class labels and any other per-item annotations (e.g. "pos") of one split."""

    features: np.ndarray
    labels: np.ndarray
    extras: dict[str, np.ndarray] = field(default_factory=dict)

    def __len__(self) -> int:
        return int(self.labels.shape[0])


@torch.no_grad()
def extract_features(
    module: Any, datamodule: Any, split: str, device: torch.device | str, batch_size: int | None = None
) -> FeatureSet:
    """Run `module.encode_for_probe` over `datamodule.iterate(split)` in eval mode (restoring the mode after)."""
    was_training = module.training
    module.eval()
    chunks: dict[str, list[np.ndarray]] = {"features": [], "labels": []}
    try:
        for batch in datamodule.iterate(split, device=device, batch_size=batch_size):
            chunks["features"].append(module.encode_for_probe(batch).float().cpu().numpy())
            chunks["labels"].append(batch["label"].cpu().numpy())
            for key, value in batch.items():
                if key not in IMAGE_KEYS and key != "label" and torch.is_tensor(value):
                    chunks.setdefault(key, []).append(value.float().cpu().numpy())
    finally:
        module.train(was_training)
    if not chunks["labels"]:
        raise ValueError(f"split {split!r} is empty; raise n_samples or its split fraction")
    stacked = {key: np.concatenate(parts) for key, parts in chunks.items()}
    features, labels = stacked.pop("features"), stacked.pop("labels").astype(np.int64)
    return FeatureSet(features=features, labels=labels, extras=stacked)
