"""Does InfoNCE with linear encoders resist nuisance correlation better than closed-form CA? (docs/theory.md)

Many independent runs (every nu x seed at one temperature) are trained as one batched torch problem on CPU:
each run has its own W, V, data and minibatch indices, and its own early stop; the encoder a run had when it
stopped is the one scored.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import torch

from alignpredict.objectives.infonce import infonce_loss
from alignpredict.theory.metrics import projector_distance
from alignpredict.theory.solvers import Covariances, solve_ca, solve_cp
from alignpredict.theory.validation import model_at

log = logging.getLogger(__name__)


def train_linear_infonce(
    x: np.ndarray,
    y: np.ndarray,
    k: int,
    tau: float,
    seed: int,
    batch_size: int,
    learning_rate: float,
    max_steps: int,
    patience_window: int,
    tolerance: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Train linear InfoNCE encoders for a stack of runs x, y (runs, n, d); returns W (runs, k, d) and stop steps.

    Minibatches are drawn with replacement; a run stops when the mean loss of the last window differs from
    the previous window's by less than `tolerance`.
    """
    if x.ndim != 3 or x.shape != y.shape:
        raise ValueError(f"x and y must both be (runs, n, d), got {x.shape} and {y.shape}")
    if patience_window < 1 or max_steps < 1 or batch_size < 2:
        raise ValueError("need patience_window >= 1, max_steps >= 1 and batch_size >= 2")
    generator = torch.Generator().manual_seed(seed)
    runs, n, d = x.shape
    xs = torch.as_tensor(x, dtype=torch.float32)
    ys = torch.as_tensor(y, dtype=torch.float32)
    w = (torch.randn(runs, k, d, generator=generator) / np.sqrt(d)).requires_grad_()
    v = (torch.randn(runs, k, d, generator=generator) / np.sqrt(d)).requires_grad_()
    optimizer = torch.optim.Adam([w, v], lr=learning_rate)
    history = torch.zeros(max_steps, runs)
    final_w = torch.zeros(runs, k, d)
    stopped_at = np.full(runs, max_steps)
    active = torch.ones(runs, dtype=torch.bool)
    run_index = torch.arange(runs)[:, None]
    for step in range(max_steps):
        index = torch.randint(n, (runs, batch_size), generator=generator)
        zx = torch.bmm(xs[run_index, index], w.transpose(1, 2))
        zy = torch.bmm(ys[run_index, index], v.transpose(1, 2))
        losses = infonce_loss(zx, zy, tau)
        optimizer.zero_grad()
        losses.sum().backward()
        optimizer.step()
        history[step] = losses.detach()
        if step + 1 >= 2 * patience_window:
            recent = history[step + 1 - patience_window : step + 1].mean(dim=0)
            previous = history[step + 1 - 2 * patience_window : step + 1 - patience_window].mean(dim=0)
            converged = active & ((recent - previous).abs() < tolerance)
            final_w[converged] = w.detach()[converged]
            stopped_at[converged.numpy()] = step + 1
            active &= ~converged
            if not active.any():
                break
    final_w[active] = w.detach()[active]
    return final_w.numpy().astype(float), stopped_at


def infonce_sweep(cfg: Mapping[str, Any]) -> pd.DataFrame:
    """Projector distance to the truth of CA, CP and InfoNCE (each tau) per (nu, seed), from the `infonce` block."""
    torch.set_num_threads(int(cfg["threads"]))
    nus = np.linspace(0.0, cfg["nu_max"], cfg["nu_points"])
    samples, rows = [], []
    for nu in nus:
        model = model_at(cfg["model"], nu=float(nu))
        for seed in range(cfg["seeds"]):
            sample = model.sample(cfg["n"], seed)
            samples.append((float(nu), seed, sample))
            cov = Covariances.from_data(sample.x, sample.y)
            base = {"nu": float(nu), "seed": seed, "steps": 0}
            rows.append(
                {
                    **base,
                    "method": "CA",
                    "tau": float("nan"),
                    "projector_distance": projector_distance(solve_ca(cov, model.k).w, sample.truth_x),
                }
            )
            rows.append(
                {
                    **base,
                    "method": "CP",
                    "tau": float("nan"),
                    "projector_distance": projector_distance(solve_cp(cov, model.k).encoder, sample.truth_x),
                }
            )
    x = np.stack([s.x for _, _, s in samples])
    y = np.stack([s.y for _, _, s in samples])
    k = int(cfg["model"]["k"])
    for tau in cfg["taus"]:
        start = time.perf_counter()
        weights, steps = train_linear_infonce(
            x,
            y,
            k,
            float(tau),
            seed=0,
            batch_size=int(cfg["batch_size"]),
            learning_rate=float(cfg["learning_rate"]),
            max_steps=int(cfg["max_steps"]),
            patience_window=int(cfg["patience_window"]),
            tolerance=float(cfg["tolerance"]),
        )
        log.info(
            "InfoNCE tau=%g: %d runs in %.0f s, median stop step %d",
            tau,
            len(steps),
            time.perf_counter() - start,
            int(np.median(steps)),
        )
        for (nu, seed, sample), w, stop in zip(samples, weights, steps):
            rows.append(
                {
                    "nu": nu,
                    "seed": seed,
                    "steps": int(stop),
                    "method": f"InfoNCE tau={tau:g}",
                    "tau": float(tau),
                    "projector_distance": projector_distance(w, sample.truth_x),
                }
            )
    return pd.DataFrame(rows)


def first_failures(summary: pd.DataFrame, level: float, methods: Sequence[str] | None = None) -> dict[str, float]:
    """Per method, the first nu whose mean projector distance exceeds `level` (NaN if none does)."""
    result = {}
    for method, block in summary.groupby("method", sort=False):
        if methods is not None and method not in methods:
            continue
        failing = block.loc[block["projector_distance_mean"] > level, "nu"]
        result[str(method)] = float(failing.min()) if len(failing) else float("nan")
    return result
