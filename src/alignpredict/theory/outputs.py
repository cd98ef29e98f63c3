"""The linear-theory outputs behind `scripts/theory.py`: phase diagram (PNG, PDF, CSV), its interactive
explorer (phase_explorer.html), GIF sweep, the E4-E7 validation suite and the InfoNCE study, in one folder."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from omegaconf import DictConfig, OmegaConf

from alignpredict.explorer import EXPLORER_FILE, write_explorer
from alignpredict.plots.phase_diagram import out_and_back, panel_subtitle, plot_phase_diagram, write_phase_gif
from alignpredict.plots.theory_validation import (
    plot_infonce,
    plot_joint_lambda,
    plot_nu_sweep,
    plot_partial_recovery,
    plot_prediction,
    plot_recovery_agreement,
)
from alignpredict.progress import duration, heartbeat
from alignpredict.theory.infonce import first_failures, infonce_sweep
from alignpredict.theory.phase_grid import PhaseGrid, homogeneous_grid
from alignpredict.theory.regimes import REGIMES
from alignpredict.theory.validation import measured_thresholds, model_at, nu_thresholds, run_suite, summarise
from alignpredict.utils.io import write_csv, write_json

CSV_COLUMNS = [
    "panel",
    "kappa",
    "nu",
    "gamma_x",
    "gamma_y",
    "gamma_tilde_x",
    "gamma_tilde_y",
    "delta_ca",
    "delta_cp",
    "regime",
]


def panel_grid(pd_cfg: DictConfig, panel: DictConfig, resolution: int) -> PhaseGrid:
    kappa = np.linspace(0.0, pd_cfg.kappa_max, resolution)
    nu = np.linspace(0.0, pd_cfg.nu_max, resolution)
    return homogeneous_grid(kappa, nu, panel.gamma_x, panel.gamma_y, panel.gamma_tilde_y, pd_cfg.gamma_tilde_x)


def grid_rows(name: str, grid: PhaseGrid) -> pd.DataFrame:
    """One CSV row per grid point of one panel."""
    kappa, nu = np.meshgrid(grid.kappa, grid.nu)
    return pd.DataFrame(
        {
            "panel": name,
            "kappa": kappa.ravel(),
            "nu": nu.ravel(),
            "gamma_x": grid.gamma_x,
            "gamma_y": grid.gamma_y,
            "gamma_tilde_x": grid.gamma_tilde_x,
            "gamma_tilde_y": grid.gamma_tilde_y,
            "delta_ca": grid.delta_ca.ravel(),
            "delta_cp": grid.delta_cp.ravel(),
            "regime": np.asarray(REGIMES)[grid.regime.ravel()],
        }
    )[CSV_COLUMNS]


def make_phase_diagram(cfg: DictConfig, out: Path) -> None:
    pd_cfg = cfg.phase_diagram
    names = list(pd_cfg.panels)
    grids = [panel_grid(pd_cfg, pd_cfg.panels[name], pd_cfg.image_resolution) for name in names]
    titles = [pd_cfg.panels[name].title for name in names]
    plot_phase_diagram(
        grids,
        titles,
        [out / "phase_diagram.png", out / "phase_diagram.pdf"],
        pd_cfg.figure.width,
        pd_cfg.figure.height,
        pd_cfg.figure.dpi,
    )
    rows = [grid_rows(name, panel_grid(pd_cfg, pd_cfg.panels[name], pd_cfg.csv_resolution)) for name in names]
    write_csv(out / "phase_diagram.csv", pd.concat(rows, ignore_index=True))


def explorer_presets(pd_cfg: DictConfig) -> list[dict[str, Any]]:
    """One page preset per figure panel: its gammas on the figure's (kappa, nu) window."""
    window = {"kappa_min": 0.0, "kappa_max": pd_cfg.kappa_max, "nu_min": 0.0, "nu_max": pd_cfg.nu_max}
    return [
        {
            "key": str(name),
            "title": panel.title,
            "gamma_x": panel.gamma_x,
            "gamma_y": panel.gamma_y,
            "gamma_tilde_x": pd_cfg.gamma_tilde_x,
            "gamma_tilde_y": panel.gamma_tilde_y,
            **window,
        }
        for name, panel in pd_cfg.panels.items()
    ]


def make_explorer(cfg: DictConfig, out: Path) -> None:
    explorer = cfg.explorer
    write_explorer(
        out / EXPLORER_FILE,
        presets=explorer_presets(cfg.phase_diagram),
        slider_max=OmegaConf.to_container(explorer.slider_max, resolve=True),
        empirical_csv=explorer.empirical_csv,
        report=explorer.report,
    )


def make_gif(cfg: DictConfig, out: Path) -> None:
    gif, pd_cfg = cfg.gif, cfg.phase_diagram
    kappa = np.linspace(0.0, pd_cfg.kappa_max, gif.resolution)
    nu = np.linspace(0.0, pd_cfg.nu_max, gif.resolution)
    gamma_y = out_and_back(gif.gamma_y.start, gif.gamma_y.turn, gif.frames)
    gamma_tilde_y = out_and_back(gif.gamma_tilde_y.start, gif.gamma_tilde_y.turn, gif.frames)
    grids = [
        homogeneous_grid(kappa, nu, gif.gamma_x, gy, gty, gif.gamma_tilde_x) for gy, gty in zip(gamma_y, gamma_tilde_y)
    ]
    titles = [f"Target noise and nuisance variance move together\n{panel_subtitle(g)}" for g in grids]
    write_phase_gif(grids, titles, out / "phase_diagram_sweep.gif", gif.fps, gif.hold, gif.dpi)


def make_validation(cfg: DictConfig, out: Path) -> dict[str, Any]:
    suite_cfg = OmegaConf.to_container(cfg.validation, resolve=True)
    tables = run_suite(suite_cfg)
    for name, table in tables.items():
        write_csv(out / f"{name}.csv", table)
    thresholds = measured_thresholds(tables["e4_nu_sweep"], model_at(suite_cfg["e4"]["model"], nu=0.0))
    write_json(out / "e4_thresholds.json", thresholds)
    scales = validation_scales(suite_cfg)
    plot_nu_sweep(tables["e4_nu_sweep"], thresholds, out / "e4_nu_sweep.png", scales["e4"])
    plot_prediction(tables["e5_prediction"], out / "e5_prediction.png", scales["e5"])
    plot_joint_lambda(tables["e6_joint_lambda"], out / "e6_joint_lambda.png", scales["e6"])
    e7_model = suite_cfg["e7"]["model"]
    plot_partial_recovery(tables["e7_partial_recovery"], e7_model, out / "e7_partial_recovery.png", scales["e7"])
    plot_recovery_agreement(tables["e7_partial_recovery"], out / "e7_recovery_agreement.png", scales["e7"])
    return {"e4_thresholds": thresholds}


def _sizes(values: list[int]) -> str:
    return " and ".join(f"{n:,}" for n in values)


def validation_scales(suite: dict[str, Any]) -> dict[str, str]:
    """Per study, the scale line its figure prints: seeds, sample sizes, dimensions (from the config used)."""
    seeds, n = suite["seeds"], suite["n"]

    def dims(study: str) -> str:
        return f"d = {suite[study]['model']['d']}, k = {suite[study]['model']['k']}"

    return {
        "e4": f"{seeds} seeds per point, n = {_sizes(list(suite['e4']['n_values']))} pairs, {dims('e4')}",
        "e5": f"{seeds} seeds, n = {n:,} training + {suite['e5']['n_test']:,} test pairs, {dims('e5')}",
        "e6": f"{seeds} seeds, n = {n:,} pairs, {dims('e6')}",
        "e7": f"{suite['e7']['seeds']} seeds per cell, n = {n:,} pairs, {dims('e7')}",
    }


def infonce_scale(study: dict[str, Any]) -> str:
    return (
        f"{study['seeds']} seeds, n = {study['n']:,} pairs, batch {study['batch_size']}, <= {study['max_steps']} steps"
    )


def make_infonce(cfg: DictConfig, out: Path) -> dict[str, Any]:
    study = OmegaConf.to_container(cfg.infonce, resolve=True)
    summary = summarise(infonce_sweep(study), ["method", "nu"])
    write_csv(out / "infonce_vs_ca.csv", summary)
    thresholds = nu_thresholds(model_at(study["model"], nu=0.0))
    plot_infonce(summary, thresholds, out / "infonce_vs_ca.png", infonce_scale(study))
    failures = first_failures(summary, study["failure_level"])
    result = {
        "level": study["failure_level"],
        "first_failing_nu": failures,
        "theory_nu_ca": thresholds[0],
        "theory_nu_cp": thresholds[1],
    }
    write_json(out / "infonce_first_failure.json", result)
    return {"infonce": result}


def run(cfg: DictConfig) -> dict[str, Any]:
    """Write every enabled output into the output dir; returns the headline numbers and per-part seconds."""
    out = Path(cfg.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    parts = [
        ("explorer", cfg.explorer.enabled, make_explorer),  # first: a bad report or CSV path fails in seconds
        ("phase_diagram", True, make_phase_diagram),
        ("gif", cfg.gif.enabled, make_gif),
        ("validation", cfg.validation.enabled, make_validation),
        ("infonce", cfg.infonce.enabled, make_infonce),
    ]
    summary: dict[str, Any] = {"seconds": {}}
    enabled_parts = [(name, part) for name, enabled, part in parts if enabled]
    for number, (name, part) in enumerate(enabled_parts, start=1):
        start = time.perf_counter()
        with heartbeat(f"theory {number}/{len(enabled_parts)} {name.replace('_', ' ')}"):
            summary.update(part(cfg, out) or {})
        summary["seconds"][name] = round(time.perf_counter() - start, 3)
    write_json(out / "theory_summary.json", summary)
    return summary


PART_FILES = {
    "explorer": "phase_explorer.html",
    "phase_diagram": "phase_diagram.png, .pdf, .csv",
    "gif": "phase_diagram_sweep.gif",
    "validation": "e4_nu_sweep.png, e5_prediction.png, e6_joint_lambda.png, e7_partial_recovery.png (+ their CSVs)",
    "infonce": "infonce_vs_ca.png, infonce_vs_ca.csv, infonce_first_failure.json",
}


def _nu(value: Any) -> str:
    return "never" if value is None or value != value else f"{float(value):.3f}"  # NaN: no crossing in the sweep


def summary_text(summary: dict[str, Any], out: Path) -> str:
    """What scripts/theory.py prints at its end: each part's files and time, then the headline numbers."""
    lines = [f"theory outputs in {out}:"]
    for name, seconds in summary.get("seconds", {}).items():
        lines.append(f"  {name.replace('_', ' '):<14} {duration(seconds):>10}   {PART_FILES.get(name, '')}")
    for row in summary.get("e4_thresholds", []):
        lines.append(
            f"  E4 (n={row['n']}): CA fails at nu {_nu(row['measured_nu_ca'])} (theory {_nu(row['theory_nu_ca'])}), "
            f"CP at nu {_nu(row['measured_nu_cp'])} (theory {_nu(row['theory_nu_cp'])})"
        )
    infonce = summary.get("infonce")
    if infonce:
        failing = ", ".join(f"{method} {_nu(nu)}" for method, nu in infonce["first_failing_nu"].items())
        lines.append(
            f"  InfoNCE: first nu with mean projector distance > {infonce['level']}: {failing} "
            f"(theory: CA {_nu(infonce['theory_nu_ca'])}, CP {_nu(infonce['theory_nu_cp'])})"
        )
    lines.append(f"  numbers: {out / 'theory_summary.json'}")
    return "\n".join(lines)
