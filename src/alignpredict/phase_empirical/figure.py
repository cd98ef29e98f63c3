"""The measured phase diagram: per panel, each objective's success (mean over seeds) as a heat map under the
theory's Delta = 1 curves, far cells where training disagrees with the theory crossed out; then the empirical
four-colour regime map next to the theory's."""

from __future__ import annotations

import os
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from alignpredict.phase_empirical.agreement import cell_means, empirical_regimes, far_from_boundary
from alignpredict.plots.phase_diagram import CA_LINE, CP_LINE, REGIME_COLOURS, draw_regime_image
from alignpredict.theory.phase_grid import ca_boundary, cp_boundary
from alignpredict.theory.regimes import REGIMES
from alignpredict.utils.io import save_figure

LABELS = {"ca": "CA (VICReg)", "infonce": "CA (InfoNCE)", "cp": "CP x→y", "cp_rev": "CP y→x"}
REVERSE_LINE = {"color": "#2E6B3A", "linestyle": ":", "linewidth": 2.0}


def _image(block: pd.DataFrame, column: str) -> tuple[np.ndarray, tuple[float, float, float, float]]:
    """A (nu, kappa) image of one column over the cells and its extent (cell edges)."""
    kappa, nu = np.sort(block["kappa"].unique()), np.sort(block["nu"].unique())
    table = block.pivot_table(index="nu", columns="kappa", values=column, aggfunc="first")
    image = table.reindex(index=nu, columns=kappa).to_numpy()
    half_k = (kappa[1] - kappa[0]) / 2 if len(kappa) > 1 else 0.5
    half_n = (nu[1] - nu[0]) / 2 if len(nu) > 1 else 0.5
    return image, (kappa[0] - half_k, kappa[-1] + half_k, nu[0] - half_n, nu[-1] + half_n)


def _boundaries(ax: plt.Axes, gammas: pd.Series, extent: Sequence[float], reverse: bool) -> None:
    kappa = np.linspace(max(extent[0], 0.0), extent[1], 300)
    top = extent[3]
    ax.plot(
        kappa,
        np.where(
            ca_boundary(kappa, gammas.gamma_x, gammas.gamma_y) <= top,
            ca_boundary(kappa, gammas.gamma_x, gammas.gamma_y),
            np.nan,
        ),
        **CA_LINE,
    )
    forward = cp_boundary(kappa, gammas.gamma_x, gammas.gamma_tilde_y)
    ax.plot(kappa, np.where(forward <= top, forward, np.nan), **CP_LINE)
    if reverse:
        backward = cp_boundary(kappa, gammas.gamma_y, gammas.gamma_tilde_x)
        ax.plot(kappa, np.where(backward <= top, backward, np.nan), **REVERSE_LINE)
    ax.set_xlim(extent[0], extent[1])
    ax.set_ylim(extent[2], extent[3])


def plot_phase_empirical(frame: pd.DataFrame, path: str | os.PathLike, margin: float, dpi: int = 150) -> None:
    """One row per (panel, mode); columns: the objectives in the CSV, then empirical and theory regime maps
    (those two only when both ca and cp were trained)."""
    objectives = [name for name in LABELS if name in set(frame["objective"])]
    regimes = {"ca", "cp"} <= set(objectives)
    keys = sorted(frame.groupby(["panel", "mode"]).groups)
    columns = len(objectives) + 2 * regimes
    fig, axes = plt.subplots(
        len(keys), columns, figsize=(3.2 * columns + 1.0, 3.0 * len(keys) + 0.8), squeeze=False, layout="constrained"
    )
    means = cell_means(frame)
    heat = None
    for row, (panel, mode) in enumerate(keys):
        block = means[(means["panel"] == panel) & (means["mode"] == mode)]
        gammas = frame.loc[frame["panel"] == panel, ["gamma_x", "gamma_y", "gamma_tilde_x", "gamma_tilde_y"]].iloc[0]
        for col, objective in enumerate(objectives):
            ax, cells = axes[row, col], block[block["objective"] == objective]
            image, extent = _image(cells, "success")
            heat = ax.imshow(
                image,
                origin="lower",
                extent=extent,
                aspect="auto",
                cmap="viridis",
                vmin=0,
                vmax=1,
                interpolation="nearest",
            )
            wrong = cells[
                far_from_boundary(cells["delta"], margin)
                & ((cells["success"] >= 0.5) != cells["theory_success"].astype(bool))
            ]
            ax.scatter(wrong["kappa"], wrong["nu"], marker="x", color="#FF3B30", s=22, linewidths=1.4)
            _boundaries(ax, gammas, extent, reverse=objective == "cp_rev")
            ax.set_title(f"{LABELS[objective]}\npanel {panel}, {mode}", fontsize=9)
        if regimes:
            wide = empirical_regimes(frame[(frame["panel"] == panel) & (frame["mode"] == mode)])
            codes = {name: i for i, name in enumerate(REGIMES)}
            for offset, (column, title) in enumerate(
                (("empirical_regime", "empirical regimes"), ("regime", "theory regimes"))
            ):
                ax = axes[row, len(objectives) + offset]
                image, extent = _image(wide.assign(code=wide[column].map(codes)), "code")
                draw_regime_image(ax, image, extent)
                _boundaries(ax, gammas, extent, reverse=False)
                ax.set_title(f"{title}\npanel {panel}, {mode}", fontsize=9)
        for ax in axes[row]:
            ax.set_xlabel(r"$\kappa$", fontsize=9)
            ax.tick_params(labelsize=8)
        axes[row, 0].set_ylabel(r"$\nu$", fontsize=9)
    handles = [Line2D([], [], label=r"$\Delta_{CA}=1$", **CA_LINE), Line2D([], [], label=r"$\Delta_{CP}=1$", **CP_LINE)]
    if "cp_rev" in objectives:
        handles.append(Line2D([], [], label=r"$\Delta_{CP}^{y\to x}=1$", **REVERSE_LINE))
    handles.append(
        Line2D(
            [], [], marker="x", color="#FF3B30", linestyle="none", label=f"disagrees with theory (|Δ-1| > {margin:g})"
        )
    )
    if regimes:
        handles += [Patch(facecolor=REGIME_COLOURS[name], edgecolor="0.4", label=name) for name in REGIMES]
    fig.legend(handles=handles, loc="outside lower center", ncol=min(len(handles), 9), fontsize=8, frameon=False)
    if heat is not None:
        fig.colorbar(heat, ax=axes[:, -1], shrink=0.8, label="success (mean over seeds)")
    save_figure(fig, path, dpi=dpi)
    plt.close(fig)
