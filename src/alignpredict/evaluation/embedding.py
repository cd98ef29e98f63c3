"""UMAP of a run's own held-out features (probe_test), with a fixed seed, saved as npz and PNG."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from alignpredict.evaluation.features import FeatureSet
from alignpredict.utils.io import atomic_path


def position_x(features: FeatureSet) -> np.ndarray | None:
    """Horizontal position per item when the datamodule provides "pos" (used to shade the scatter)."""
    pos = features.extras.get("pos")
    if pos is None:
        return None
    return pos.reshape(len(features), -1)[:, 0]


def embed_umap(
    features: FeatureSet,
    out_dir: str | Path,
    seed: int,
    max_points: int = 5000,
    n_neighbors: int = 15,
    min_dist: float = 0.1,
    title: str = "",
    class_names: Sequence[str] | None = None,
) -> dict[str, Path]:
    """Embed the first `max_points` items in 2-D; writes embedding.npz (embedding, labels, pos_x, class_names
    when given) and embedding.png (with a key for the class colours and the position shades)."""
    import matplotlib.pyplot as plt
    import umap

    from alignpredict.plots.embedding import embedding_figure
    from alignpredict.utils.io import save_figure

    count = min(max_points, len(features))
    if count <= n_neighbors:
        raise ValueError(f"UMAP needs more than n_neighbors={n_neighbors} items, got {count}; raise n_samples")
    reducer = umap.UMAP(n_neighbors=n_neighbors, min_dist=min_dist, random_state=seed)
    embedding = reducer.fit_transform(features.features[:count]).astype(np.float32)
    labels = features.labels[:count]
    pos_x = position_x(features)
    pos_x = None if pos_x is None else pos_x[:count]
    out = Path(out_dir)
    npz_path, png_path = out / "embedding.npz", out / "embedding.png"
    arrays = {"embedding": embedding, "labels": labels}
    if pos_x is not None:
        arrays["pos_x"] = pos_x
    if class_names is not None:
        arrays["class_names"] = np.asarray(class_names, dtype=str)
    with atomic_path(npz_path) as tmp:
        np.savez_compressed(tmp, **arrays)
    fig = embedding_figure(embedding, labels, pos_x, title=title, class_names=class_names)
    save_figure(fig, png_path, dpi=120, bbox_inches="tight")
    plt.close(fig)
    return {"npz": npz_path, "png": png_path}
