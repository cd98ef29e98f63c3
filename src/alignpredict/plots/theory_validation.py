"""Figures of the finite-sample validation (E4-E7) and of the InfoNCE study, drawn from their summary tables.

Each figure states its scale (seeds, sample sizes) in its title, from the `scale` text the caller builds out of
the config that produced the table. Bands are mean +- std clipped to the quantity's possible range (a subspace
or projector distance lies in [0, 1], an MSE is >= 0), so no band reaches an impossible value."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from alignpredict.plots.phase_diagram import CA_LINE, CP_LINE, REGIME_COLOURS
from alignpredict.theory.phase_grid import ca_boundary, cp_boundary, geometric_kappas
from alignpredict.utils.io import save_figure

CA_COLOUR = REGIME_COLOURS["CA only"]
CP_COLOUR = REGIME_COLOURS["CP only"]
DPI = 200


DISTANCE_RANGE = (0.0, 1.0)
NON_NEGATIVE = (0.0, np.inf)


def _band(
    ax: plt.Axes,
    x: np.ndarray,
    frame: pd.DataFrame,
    column: str,
    bounds: tuple[float, float] = (-np.inf, np.inf),
    **style,
) -> None:
    """Mean line and a mean +- std band, the band clipped to `bounds` (the range the quantity can take)."""
    mean, std = frame[f"{column}_mean"].to_numpy(), frame[f"{column}_std"].to_numpy()
    ax.plot(x, mean, **style)
    low, high = np.clip(mean - std, *bounds), np.clip(mean + std, *bounds)
    ax.fill_between(x, low, high, color=style.get("color"), alpha=0.18, linewidth=0)


def _titled(title: str, scale: str) -> str:
    return f"{title}\n{scale}" if scale else title


def _save(fig: plt.Figure, path: str | os.PathLike) -> None:
    fig.tight_layout()
    save_figure(fig, path, dpi=DPI)
    plt.close(fig)


def plot_nu_sweep(
    summary: pd.DataFrame, thresholds: Sequence[Mapping[str, float]], path: str | os.PathLike, scale: str = ""
) -> None:
    """E4: subspace distance of CA and CP vs nu per sample size, theory thresholds, and theory Deltas."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.6))
    styles = ["-", "--", ":", "-."]
    for style, (n, block) in zip(styles, summary.groupby("n", sort=True)):
        nu = block["nu"].to_numpy()
        _band(
            left,
            nu,
            block,
            "distance_ca",
            bounds=DISTANCE_RANGE,
            color=CA_COLOUR,
            linestyle=style,
            marker="o",
            markersize=3,
            label=f"CA, n={n}",
        )
        _band(
            left,
            nu,
            block,
            "distance_cp",
            bounds=DISTANCE_RANGE,
            color=CP_COLOUR,
            linestyle=style,
            marker="s",
            markersize=3,
            label=f"CP, n={n}",
        )
    first = thresholds[0]
    left.axvline(
        first["theory_nu_ca"],
        color=CA_LINE["color"],
        linestyle=":",
        label=rf"CA theory $\nu$={first['theory_nu_ca']:.3f}",
    )
    left.axvline(
        first["theory_nu_cp"],
        color=CP_LINE["color"],
        linestyle=":",
        label=rf"CP theory $\nu$={first['theory_nu_cp']:.3f}",
    )
    left.set_xlabel(r"nuisance correlation $\nu$")
    left.set_ylabel(r"subspace distance $1-\frac{1}{k}\sum\cos^2\theta_i$")
    left.set_title(_titled(r"Recovery of the signal subspace span $Q_x[:, :k]$ (mean ± std)", scale))
    left.legend(fontsize=8)
    block = summary[summary["n"] == summary["n"].min()]
    right.semilogy(block["nu"], block["delta_ca_mean"], color=CA_COLOUR, label=r"$\Delta_{CA}$")
    right.semilogy(block["nu"], block["delta_cp_mean"], color=CP_COLOUR, label=r"$\Delta_{CP}$")
    right.axhline(1.0, color="0.3", linestyle="--", linewidth=1)
    right.set_xlabel(r"nuisance correlation $\nu$")
    right.set_ylabel(r"population separation ratio $\Delta$")
    right.set_title("Theory")
    right.legend()
    _save(fig, path)


def _shade_ca_only(ax: plt.Axes, summary: pd.DataFrame) -> None:
    nu = summary["nu"].to_numpy()
    ca_only = (summary["delta_ca_mean"] > 1) & (summary["delta_cp_mean"] <= 1)
    ax.fill_between(
        nu,
        0,
        1,
        where=ca_only.to_numpy(),
        transform=ax.get_xaxis_transform(),
        color=CA_COLOUR,
        alpha=0.12,
        label=r"CA only ($\Delta_{CA}>1\geq\Delta_{CP}$)",
    )


def plot_prediction(summary: pd.DataFrame, path: str | os.PathLike, scale: str = "") -> None:
    """E5: test MSE of CA + linear probe vs CP, signal-only (against the noiseless signal part of y) and total."""
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.6))
    nu = summary["nu"].to_numpy()
    labels = [r"signal MSE (target: $y$'s signal part $Q_y[:, :k]\,s$)", r"total MSE (target: $y$)"]
    for ax, kind, label in zip(axes, ["signal", "total"], labels):
        _shade_ca_only(ax, summary)
        _band(
            ax,
            nu,
            summary,
            f"{kind}_mse_ca_probe",
            bounds=NON_NEGATIVE,
            color=CA_COLOUR,
            marker="o",
            markersize=3,
            label="CA + linear probe",
        )
        _band(
            ax,
            nu,
            summary,
            f"{kind}_mse_cp",
            bounds=NON_NEGATIVE,
            color=CP_COLOUR,
            marker="s",
            markersize=3,
            label="CP (reduced-rank regression)",
        )
        ax.set_xlabel(r"nuisance correlation $\nu$")
        ax.set_ylabel(f"test {label}")
        ax.set_yscale("log")
        ax.legend(fontsize=9)
    axes[0].set_title(_titled("CA + probe predicts the signal better where only CA recovers it", scale))
    axes[1].set_title(_titled("CP can still win on total MSE by fitting the nuisance", scale))
    _save(fig, path)


def plot_joint_lambda(summary: pd.DataFrame, path: str | os.PathLike, scale: str = "") -> None:
    """E6: the joint objective moves from the CP subspace (lambda = 0) to the CCA subspace (large lambda)."""
    fig, ax = plt.subplots(figsize=(7, 4.6))
    lam = summary["lam"].to_numpy()
    bands = [
        ("distance_to_cp", {"color": CP_COLOUR, "marker": "s", "markersize": 3, "label": "to CP subspace"}),
        ("distance_to_ca", {"color": CA_COLOUR, "marker": "o", "markersize": 3, "label": "to CCA subspace"}),
        ("distance_to_truth", {"color": "0.2", "linestyle": "--", "label": "to the truth"}),
    ]
    for column, style in bands:
        _band(ax, lam, summary, column, bounds=DISTANCE_RANGE, **style)
    positive = lam[lam > 0]
    ax.set_xscale("symlog", linthresh=float(positive.min()) if positive.size else 1.0)
    ax.set_xlabel(r"alignment weight $\lambda$")
    ax.set_ylabel("subspace distance (mean ± std)")
    ax.set_title(_titled(r"Joint objective $E\|BWx-y\|^2+\lambda E\|Wx-Vy\|^2$", scale))
    ax.legend()
    _save(fig, path)


def plot_partial_recovery(
    summary: pd.DataFrame, model: Mapping[str, float], path: str | os.PathLike, scale: str = ""
) -> None:
    """E7: 2 x len(decays) heatmaps of the empirical recovered count with theory contours and Delta = 1 lines."""
    decays = sorted(summary["decay"].unique(), reverse=True)
    k = int(model["k"])
    fig, axes = plt.subplots(2, len(decays), figsize=(4 * len(decays), 7.4), squeeze=False, layout="constrained")
    for column, decay in enumerate(decays):
        block = summary[summary["decay"] == decay].sort_values(["nu", "kappa_bar"])
        kappa_bar = np.sort(block["kappa_bar"].unique())
        nu = np.sort(block["nu"].unique())
        weakest = geometric_kappas(kappa_bar, float(decay), k)[:, -1]
        boundaries = {
            "ca": ca_boundary(weakest, model["gamma_x"], model["gamma_y"]),
            "cp": cp_boundary(weakest, model["gamma_x"], model["gamma_tilde_y"]),
        }
        for row, (method, line) in enumerate([("ca", CA_LINE), ("cp", CP_LINE)]):
            ax = axes[row, column]
            empirical = block[f"r_{method}_empirical_mean"].to_numpy().reshape(len(nu), len(kappa_bar))
            theory = block[f"r_{method}_theory_mean"].to_numpy().reshape(len(nu), len(kappa_bar))
            image = ax.pcolormesh(kappa_bar, nu, empirical, cmap="viridis", vmin=0, vmax=k, shading="nearest")
            ax.contour(kappa_bar, nu, theory, levels=np.arange(k) + 0.5, colors="white", linewidths=0.8)
            ax.plot(
                kappa_bar,
                np.where(boundaries[method] <= 1, boundaries[method], np.nan),
                color="black",
                linestyle=line["linestyle"],
                linewidth=1.8,
            )
            ax.set_ylim(nu[0], nu[-1])
            ax.set_title(rf"{method.upper()}, $\varrho={decay:g}$")
            ax.set_xlabel(r"$\bar\kappa$")
            ax.set_ylabel(r"$\nu$")
    fig.colorbar(image, ax=axes, shrink=0.8, label="recovered directions (empirical mean)")
    fig.suptitle(
        _titled(r"Partial recovery: colour = empirical $r$, white = theory $r$ contours, black = $\Delta=1$", scale)
    )
    save_figure(fig, path, dpi=DPI)
    plt.close(fig)


def plot_recovery_agreement(summary: pd.DataFrame, path: str | os.PathLike, scale: str = "") -> None:
    """E7 scatter: empirical mean recovered count vs the theoretical count, per cell."""
    fig, axes = plt.subplots(1, 2, figsize=(10, 4.6))
    rng = np.random.default_rng(0)
    for ax, method, colour in zip(axes, ["ca", "cp"], [CA_COLOUR, CP_COLOUR]):
        theory = summary[f"r_{method}_theory_mean"].to_numpy()
        empirical = summary[f"r_{method}_empirical_mean"].to_numpy()
        ax.scatter(theory + rng.uniform(-0.2, 0.2, theory.size), empirical, s=6, alpha=0.35, color=colour)
        top = max(theory.max(), empirical.max())
        ax.plot([0, top], [0, top], color="0.3", linestyle="--", linewidth=1)
        ax.set_xlabel("theory $r$ (jittered)")
        ax.set_ylabel("empirical $r$ (mean over seeds)")
        agree = np.mean(np.isclose(np.round(empirical), theory))
        ax.set_title(f"{method.upper()}: rounded empirical = theory in {agree:.0%} of cells")
    if scale:
        fig.suptitle(scale, fontsize=10)
    _save(fig, path)


def plot_infonce(
    summary: pd.DataFrame, thresholds: tuple[float, float], path: str | os.PathLike, scale: str = ""
) -> None:
    """InfoNCE (per temperature) vs closed-form CA and CP: projector distance to the truth vs nu."""
    fig, ax = plt.subplots(figsize=(8, 5))
    greens = plt.get_cmap("Greens")
    infonce = [m for m in summary["method"].unique() if m.startswith("InfoNCE")]
    styles = {"CA": {"color": CA_COLOUR, "marker": "o"}, "CP": {"color": CP_COLOUR, "marker": "s"}}
    styles.update(
        {m: {"color": greens(0.45 + 0.5 * i / max(len(infonce) - 1, 1)), "marker": "^"} for i, m in enumerate(infonce)}
    )
    for method, block in summary.groupby("method", sort=False):
        nu = block["nu"].to_numpy()
        _band(ax, nu, block, "projector_distance", DISTANCE_RANGE, markersize=4, label=method, **styles[method])
    ax.axvline(thresholds[0], color=CA_LINE["color"], linestyle=":", label=rf"CA theory $\nu$={thresholds[0]:.3f}")
    ax.axvline(thresholds[1], color=CP_LINE["color"], linestyle=":", label=rf"CP theory $\nu$={thresholds[1]:.3f}")
    ax.axhline(0.5, color="0.5", linewidth=0.8)
    ax.set_xlabel(r"nuisance correlation $\nu$")
    ax.set_ylabel(r"projector distance $\|P_{\hat U}-P_U\|_F/\sqrt{2k}$")
    ax.set_title(_titled("Linear InfoNCE vs closed-form CA and CP (mean ± std)", scale))
    ax.legend(fontsize=8)
    _save(fig, path)
