"""2-D embeddings (UMAP) of a run's features, drawn so that they read alone: the hue of a point is its class
(one colormap per class), its shade the item's horizontal position (light = left of the frame, dark = right),
and a key explains both. Used for each run's embedding.png and meant for the UMAP strip of a sweep."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402

CLASS_CMAPS = ("Blues", "Greens", "Reds", "Purples", "Oranges", "Greys")
SHADE_RANGE = (0.2, 1.0)  # colormap values for the leftmost / rightmost item
KEY_SHADE = 0.7  # colormap value of a class's swatch in the key, and of every point when position is unknown


def class_colour(cls: int, shade: float | np.ndarray = KEY_SHADE):
    """RGBA of class `cls` at `shade` (a colormap value in [0, 1]; larger is darker)."""
    return plt.get_cmap(CLASS_CMAPS[int(cls) % len(CLASS_CMAPS)])(shade)


def position_shade(pos_x: np.ndarray | None, count: int) -> np.ndarray:
    """Colormap value per item: horizontal position min-max scaled onto SHADE_RANGE (constant when unknown)."""
    if pos_x is None:
        return np.full(count, KEY_SHADE)
    span = np.ptp(pos_x) or 1.0
    low, high = SHADE_RANGE
    return low + (high - low) * (pos_x - pos_x.min()) / span


def class_label(cls: int, class_names: Sequence[str] | None) -> str:
    return class_names[int(cls)] if class_names is not None and int(cls) < len(class_names) else f"class {int(cls)}"


def draw_embedding(
    ax: Axes,
    embedding: np.ndarray,
    labels: np.ndarray,
    pos_x: np.ndarray | None,
    title: str = "",
    class_names: Sequence[str] | None = None,
) -> None:
    """Scatter coloured by class (one colormap each), shaded by horizontal position when known."""
    shade = position_shade(pos_x, len(labels))
    for cls in np.unique(labels):
        mask = labels == cls
        ax.scatter(
            embedding[mask, 0],
            embedding[mask, 1],
            c=class_colour(cls, shade[mask]),
            s=3,
            linewidths=0,
            label=class_label(cls, class_names),
        )
    ax.set_title(title, fontsize=9)
    ax.set_xticks([])
    ax.set_yticks([])


def add_embedding_key(
    fig: Figure,
    classes: Sequence[int],
    shaded: bool,
    class_names: Sequence[str] | None = None,
    ncol: int | None = None,
) -> None:
    """A figure-level key below the panels: one swatch per class (hue), and, when points are shaded by
    position, one gradient row per class from its left-of-frame shade to its right-of-frame shade."""
    classes = [int(c) for c in classes]
    handles = [
        Line2D([], [], marker="o", linestyle="", markersize=6, color=class_colour(c), label=class_label(c, class_names))
        for c in classes
    ]
    fig.legend(
        handles=handles,
        title="colour = class",
        loc="lower left",
        bbox_to_anchor=(0.0, 0.0),
        ncol=ncol or len(handles),
        fontsize=8,
        title_fontsize=8,
        frameon=False,
    )
    if not shaded:
        return
    key = fig.add_axes((0.62, 0.02, 0.3, 0.02 + 0.025 * len(classes)))
    ramp = np.linspace(*SHADE_RANGE, 64)
    key.imshow(np.stack([class_colour(c, ramp) for c in classes]), aspect="auto", interpolation="nearest")
    key.set_yticks(range(len(classes)), [class_label(c, class_names) for c in classes], fontsize=7)
    key.set_xticks([0, len(ramp) - 1], ["left", "right"], fontsize=7)
    key.set_title("shade = horizontal position of the object", fontsize=8)
    key.tick_params(length=0)


def embedding_figure(
    embedding: np.ndarray,
    labels: np.ndarray,
    pos_x: np.ndarray | None,
    title: str = "",
    class_names: Sequence[str] | None = None,
) -> Figure:
    """One run's embedding with its key (room for the key is left below the scatter)."""
    classes = np.unique(labels)
    fig = plt.figure(figsize=(4.2, 4.2 + 0.9 + 0.1 * len(classes)))
    bottom = (0.9 + 0.1 * len(classes)) / fig.get_figheight()
    ax = fig.add_axes((0.03, bottom + 0.02, 0.94, 0.92 - bottom))
    draw_embedding(ax, embedding, labels, pos_x, title=title, class_names=class_names)
    add_embedding_key(fig, classes, pos_x is not None, class_names, ncol=min(len(classes), 2))
    return fig
