"""The paper's phase-diagram figure and its animated sweep, drawn from precomputed `PhaseGrid`s."""

from __future__ import annotations

import os
from collections.abc import Sequence

import imageio.v3 as iio
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from alignpredict.theory.phase_grid import PhaseGrid, boundary_crossing
from alignpredict.theory.regimes import REGIMES
from alignpredict.utils.io import atomic_path, save_figure

REGIME_COLOURS = {"Both": "#7B6D8E", "CA only": "#4A90C4", "CP only": "#E07B54", "Neither": "#F2F0EB"}
CA_LINE = {"color": "#1A3A5C", "linestyle": "-", "linewidth": 2.2}
CP_LINE = {"color": "#8B3A1E", "linestyle": "--", "linewidth": 2.2}


def _legend_handles() -> list:
    patches = [Patch(facecolor=REGIME_COLOURS[name], edgecolor="0.4", label=name) for name in REGIMES]
    lines = [
        Line2D([], [], label=r"$\Delta_{CA}=1$", **CA_LINE),
        Line2D([], [], label=r"$\Delta_{CP}=1$", **CP_LINE),
    ]
    return patches + lines


def draw_regime_image(ax: plt.Axes, codes: np.ndarray, extent: tuple[float, float, float, float]) -> None:
    """A (nu, kappa) array of regime codes (indices into REGIMES) drawn in the regimes' colours."""
    colours = ListedColormap([REGIME_COLOURS[name] for name in REGIMES])
    ax.imshow(
        codes,
        origin="lower",
        extent=extent,
        aspect="auto",
        cmap=colours,
        vmin=-0.5,
        vmax=len(REGIMES) - 0.5,
        interpolation="nearest",
    )


def draw_phase_panel(ax: plt.Axes, grid: PhaseGrid, title: str) -> None:
    """Regions coloured by regime, the two Delta = 1 boundaries, and the crossing kappa* when there is one."""
    extent = (grid.kappa[0], grid.kappa[-1], grid.nu[0], grid.nu[-1])
    draw_regime_image(ax, grid.regime, extent)
    ax.plot(grid.kappa, grid.ca_boundary, **CA_LINE)
    cp = np.where(grid.cp_boundary <= grid.nu[-1], grid.cp_boundary, np.nan)
    ax.plot(grid.kappa, cp, **CP_LINE)
    crossing = boundary_crossing(grid.gamma_y, grid.gamma_tilde_y)
    if grid.kappa[0] < crossing < grid.kappa[-1]:
        ax.axvline(crossing, color="0.25", linestyle=":", linewidth=1.2)
        ax.annotate(
            rf"$\kappa^*\approx{crossing:.2f}$",
            (crossing, 0.04),
            xytext=(6, 0),
            textcoords="offset points",
            fontsize=11,
            color="0.15",
        )
    ax.set_xlim(extent[0], extent[1])
    ax.set_ylim(extent[2], extent[3])
    ax.set_xlabel(r"signal strength $\kappa$", fontsize=13)
    ax.set_ylabel(r"nuisance correlation $\nu$", fontsize=13)
    ax.set_title(title, fontsize=14)
    ax.tick_params(labelsize=11)


def panel_subtitle(grid: PhaseGrid) -> str:
    """The parameters that decide the boundaries, for a panel or frame title."""
    return (
        rf"$\gamma_x={grid.gamma_x:g},\ \gamma_y={grid.gamma_y:.3g},\ "
        rf"\tilde\gamma_y={grid.gamma_tilde_y:.3g}$"
    )


def plot_phase_diagram(
    grids: Sequence[PhaseGrid],
    titles: Sequence[str],
    paths: Sequence[str | os.PathLike],
    width: float,
    height: float,
    dpi: int,
) -> None:
    """Side-by-side panels sharing one legend, saved to every path (format from the suffix)."""
    fig, axes = plt.subplots(1, len(grids), figsize=(width, height), squeeze=False)
    for ax, grid, title in zip(axes[0], grids, titles):
        draw_phase_panel(ax, grid, f"{title}\n{panel_subtitle(grid)}")
    fig.legend(handles=_legend_handles(), loc="lower center", ncol=6, fontsize=12, frameon=False)
    fig.tight_layout(rect=(0, 0.08, 1, 1))
    for path in paths:
        save_figure(fig, path, dpi=dpi)
    plt.close(fig)


def out_and_back(start: float, turn: float, frames: int) -> np.ndarray:
    """`frames` values going linearly start -> turn -> back towards start; the loop closes on the first frame."""
    if frames < 3:
        raise ValueError(f"an out-and-back sweep needs at least 3 frames, got {frames}")
    half = frames // 2
    up = np.linspace(start, turn, half + 1)
    down = np.linspace(turn, start, frames - half + 1)[1:-1]
    return np.concatenate([up, down])


def frame_durations(count: int, fps: float, hold: int) -> list[float]:
    """Milliseconds per frame: 1/fps, with the first frame and the turning-point frame shown `hold` times longer."""
    if hold < 1 or fps <= 0:
        raise ValueError(f"need hold >= 1 and fps > 0, got hold={hold}, fps={fps}")
    base = 1000.0 / fps
    return [base * hold if index in (0, count // 2) else base for index in range(count)]


def frame_figure(grid: PhaseGrid, title: str) -> plt.Figure:
    """One GIF frame; the key sits below the axes so that it never hides a region or a boundary."""
    fig, ax = plt.subplots(figsize=(7.5, 6.8))
    draw_phase_panel(ax, grid, title)
    fig.legend(handles=_legend_handles(), loc="lower center", ncol=3, fontsize=10, frameon=False)
    fig.tight_layout(rect=(0, 0.1, 1, 1))
    return fig


def _render(grid: PhaseGrid, title: str, dpi: int) -> np.ndarray:
    fig = frame_figure(grid, title)
    fig.set_dpi(dpi)
    fig.canvas.draw()
    frame = np.asarray(fig.canvas.buffer_rgba())[..., :3].copy()
    plt.close(fig)
    return frame


def write_phase_gif(
    grids: Sequence[PhaseGrid], titles: Sequence[str], path: str | os.PathLike, fps: float, hold: int, dpi: int
) -> None:
    """Animated GIF, one frame per grid, ends held; loops forever."""
    frames = np.stack([_render(grid, title, dpi) for grid, title in zip(grids, titles)])
    with atomic_path(path) as tmp:
        iio.imwrite(tmp, frames, extension=".gif", duration=frame_durations(len(frames), fps, hold), loop=0)
