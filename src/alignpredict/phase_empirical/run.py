"""`scripts/phase_empirical.py`: train the ensemble over the grid, score it, write the CSV, tables and figure.

Data sets (one per cell x seed) are processed in chunks of `sets_per_chunk` to bound memory; within a chunk every
objective's models train together as one stacked ensemble. A model's data, initial weights and batch order
depend only on its cell, seed and objective, never on the chunk it lands in.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import torch
from omegaconf import DictConfig, OmegaConf

from alignpredict.phase_empirical.agreement import (
    OWN_DELTA,
    SOURCE,
    agreement_table,
    empirical_ca_boundaries,
    empirical_regimes,
    markdown_table,
    neither_vs_unimodal,
)
from alignpredict.phase_empirical.baselines import closed_form_features, pca_features
from alignpredict.phase_empirical.data import EnsembleData, build_data, data_sets, grid_cells, moments, whitened
from alignpredict.phase_empirical.ensemble import make_groups, train_stacked
from alignpredict.phase_empirical.figure import plot_phase_empirical
from alignpredict.phase_empirical.observation import NonlinearMap
from alignpredict.phase_empirical.recovery import recovery, subspace_distance
from alignpredict.utils.io import write_csv, write_json, write_text

log = logging.getLogger(__name__)
CSV_NAME = "phase_empirical.csv"
COLUMNS = [
    "panel",
    "mode",
    "objective",
    "seed",
    "kappa",
    "nu",
    "gamma_x",
    "gamma_y",
    "gamma_tilde_x",
    "gamma_tilde_y",
    "delta_ca",
    "delta_cp",
    "delta_cp_reverse",
    "regime",
    "delta",
    "theory_success",
    "recovery",
    "success",
    "subspace_distance",
    "closed_form_recovery",
    "unimodal_recovery",
    "linear_readout",
    "n",
    "epochs",
]


def maps(cfg: DictConfig) -> tuple[NonlinearMap, NonlinearMap] | None:
    if cfg.mode != "nonlinear":
        return None
    spec = cfg.nonlinear
    return (
        NonlinearMap(cfg.d, int(spec.seed), float(spec.gain), int(spec.width_factor)),
        NonlinearMap(cfg.d, int(spec.seed) + 1, float(spec.gain), int(spec.width_factor)),
    )


def score_chunk(cfg: DictConfig, data: EnsembleData) -> pd.DataFrame:
    """Train every objective on one chunk of data sets and score each model."""
    x, y, signal = (torch.from_numpy(a) for a in (data.x, data.y, data.signal))
    n = data.n_train
    dims = {"x": x.shape[2], "y": y.shape[2]}
    views = {"x": x, "y": y}
    stats = moments(x, y, n)
    if cfg.whiten_inputs:
        views |= {f"{side}_white": whitened(views[side], stats.mean(side), stats.cov(side)) for side in "xy"}
    groups = make_groups(
        list(cfg.objectives), list(data.index["sample_seed"]), dims, cfg.net.hidden, cfg.k, cfg.net.activation
    )
    train_stacked(
        groups, {key: v[:, :n] for key, v in views.items()}, cfg.epochs, cfg.batch_size, cfg.lr, cfg.train_seed
    )
    held = {key: v[:, n:] for key, v in views.items()}
    index = data.index
    kappa = index["kappa"].to_numpy()
    truths = {"x": torch.from_numpy(data.truth_x), "y": torch.from_numpy(data.truth_y)}
    baselines = {}
    for side in ("x", "y"):
        gamma = index[f"gamma_{side}"].to_numpy()
        pca = pca_features(held[side], stats.cov(side), cfg.k)
        baselines[side] = {
            "unimodal_recovery": recovery(pca, signal[:, n:], kappa, gamma, cfg.cv_folds),
            "linear_readout": recovery(held[side], signal[:, n:], kappa, gamma, cfg.cv_folds),
        }
    frames = []
    for name, group in zip(cfg.objectives, groups):
        side = SOURCE[name]
        features = group.represent(held)
        score = recovery(features, signal[:, n:], kappa, index[f"gamma_{side}"].to_numpy(), cfg.cv_folds)
        distance = (
            subspace_distance(held[side], features, truths[side])
            if cfg.mode == "linear"
            else np.full(len(index), np.nan)
        )
        closed = closed_form_features(name, held[side], stats, cfg.k)
        delta = index[OWN_DELTA[name]].to_numpy()
        frames.append(
            index.assign(
                mode=cfg.mode,
                objective=name,
                delta=delta,
                theory_success=(delta > 1.0).astype(int),
                recovery=score,
                success=(score >= cfg.success_threshold).astype(int),
                subspace_distance=distance,
                closed_form_recovery=recovery(
                    closed, signal[:, n:], kappa, index[f"gamma_{side}"].to_numpy(), cfg.cv_folds
                ),
                **baselines[side],
                n=n,
                epochs=cfg.epochs,
            )
        )
    return pd.concat(frames, ignore_index=True)


def tables(frame: pd.DataFrame, cfg: DictConfig) -> dict[str, pd.DataFrame]:
    result = {
        "agreement": agreement_table(frame, cfg.margin, cfg.success_threshold),
        "agreement_by_panel": agreement_table(
            frame, cfg.margin, cfg.success_threshold, by=("mode", "objective", "panel")
        ),
        "neither_vs_unimodal": neither_vs_unimodal(frame),
    }
    if {"ca", "infonce"} & set(cfg.objectives):
        result["ca_boundaries"] = empirical_ca_boundaries(frame)
    if {"ca", "cp"} <= set(cfg.objectives):
        result["regimes"] = empirical_regimes(frame)
    return result


def report(cfg: DictConfig, results: dict[str, pd.DataFrame], seconds: float, models: int) -> str:
    lines = [
        f"# Measured phase diagram ({cfg.mode} mode)",
        "",
        f"{cfg.grid.resolution} x {cfg.grid.resolution} cells per panel, panels {list(cfg.panels)}, objectives "
        f"{list(cfg.objectives)}, seeds {list(cfg.seeds)}; d={cfg.d}, k={cfg.k}, n={cfg.n} training + "
        f"{cfg.n_eval} held-out rows per cell, {cfg.epochs} epochs of batch {cfg.batch_size}; success = recovery >= "
        f"{cfg.success_threshold}; far cells: |Delta - 1| > {cfg.margin}. {models} models in {seconds:.0f} s.",
    ]
    for name in ("agreement", "agreement_by_panel", "neither_vs_unimodal", "ca_boundaries"):
        if name in results:
            lines += ["", f"## {name}", "", markdown_table(results[name])]
    return "\n".join(lines) + "\n"


def run(cfg: DictConfig) -> dict[str, Any]:
    torch.set_num_threads(int(cfg.threads))
    out = Path(cfg.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    panels = OmegaConf.to_container(cfg.panels, resolve=True)
    cells = grid_cells(panels, cfg.grid.resolution, cfg.grid.kappa_max, cfg.grid.nu_max, cfg.gamma_tilde_x)
    sets = data_sets(cells, list(cfg.seeds))
    frames = []
    for first in range(0, len(sets), cfg.sets_per_chunk):
        chunk = sets.iloc[first : first + cfg.sets_per_chunk]
        data = build_data(chunk, cfg.d, cfg.k, cfg.n, cfg.n_eval, cfg.mode, maps(cfg))
        frames.append(score_chunk(cfg, data))
        log.info(
            "trained data sets %d-%d of %d (%.0f s)", first, first + len(chunk), len(sets), time.perf_counter() - start
        )
    frame = pd.concat(frames, ignore_index=True)[COLUMNS]
    write_csv(out / CSV_NAME, frame)
    results = tables(frame, cfg)
    for name, table in results.items():
        write_csv(out / f"{name}.csv", table)
    seconds = time.perf_counter() - start
    models = len(frame)
    write_text(out / "agreement.md", report(cfg, results, seconds, models))
    plot_phase_empirical(frame, out / "phase_empirical.png", cfg.margin, cfg.figure.dpi)
    summary = {
        "models": models,
        "seconds": round(seconds, 1),
        "agreement": {
            f"{r.mode}/{r.objective}": round(float(r.agreement), 4) for r in results["agreement"].itertuples()
        },
    }
    write_json(out / "phase_empirical_summary.json", summary)
    return summary
