"""The cells of the measured diagram and their data: every (panel, kappa, nu) cell of a grid, with the theory's
separation ratios and regime, and one spiked-model sample per cell and seed, observed in the chosen mode."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import torch

from alignpredict.phase_empirical.observation import NonlinearMap, observe
from alignpredict.theory.model import SpikedModel
from alignpredict.theory.phase_grid import homogeneous_grid
from alignpredict.theory.regimes import REGIMES


def cell_centres(resolution: int, maximum: float) -> np.ndarray:
    """Centres of `resolution` equal cells on [0, maximum]: no cell sits on kappa = 0 or nu = 0, where a ratio
    is 0/0 and the verdict is a convention rather than a prediction."""
    return (np.arange(resolution) + 0.5) * maximum / resolution


def grid_cells(
    panels: Mapping[str, Mapping[str, Any]], resolution: int, kappa_max: float, nu_max: float, gamma_tilde_x: float
) -> pd.DataFrame:
    """One row per (panel, kappa, nu) cell: gammas, Delta_CA, Delta_CP (x -> y), Delta_CP reverse (y -> x), regime."""
    kappa, nu = cell_centres(resolution, kappa_max), cell_centres(resolution, nu_max)
    frames = []
    for name, panel in panels.items():
        gx, gy, gty = float(panel["gamma_x"]), float(panel["gamma_y"]), float(panel["gamma_tilde_y"])
        forward = homogeneous_grid(kappa, nu, gx, gy, gty, gamma_tilde_x)
        reverse = homogeneous_grid(kappa, nu, gy, gx, gamma_tilde_x, gty)  # y is the source, x the target
        kk, nn = np.meshgrid(kappa, nu)
        frames.append(
            pd.DataFrame(
                {
                    "panel": str(name),
                    "kappa": kk.ravel(),
                    "nu": nn.ravel(),
                    "gamma_x": gx,
                    "gamma_y": gy,
                    "gamma_tilde_x": float(gamma_tilde_x),
                    "gamma_tilde_y": gty,
                    "delta_ca": forward.delta_ca.ravel(),
                    "delta_cp": forward.delta_cp.ravel(),
                    "delta_cp_reverse": reverse.delta_cp.ravel(),
                    "regime": np.asarray(REGIMES)[forward.regime.ravel()],
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def spiked_model(cell: Mapping[str, Any], d: int, k: int) -> SpikedModel:
    return SpikedModel(
        d=d,
        k=k,
        kappa=float(cell["kappa"]),
        gamma_x=float(cell["gamma_x"]),
        gamma_y=float(cell["gamma_y"]),
        gamma_tilde_x=float(cell["gamma_tilde_x"]),
        gamma_tilde_y=float(cell["gamma_tilde_y"]),
        nu=float(cell["nu"]),
    )


def rms(model: SpikedModel, side: str) -> float:
    """Population root-mean-square coordinate of one modality (its covariance trace over d)."""
    gamma, tilde = (model.gamma_x, model.gamma_tilde_x) if side == "x" else (model.gamma_y, model.gamma_tilde_y)
    return float(np.sqrt((np.sum(model.kappa**2 + gamma) + np.sum(tilde)) / model.d))


@dataclass
class EnsembleData:
    """Stacked samples, one per (cell, seed) in `index` order; train rows first, then the held-out rows."""

    index: pd.DataFrame  # cell columns + seed, one row per data set
    x: np.ndarray  # (sets, n_train + n_eval, dim_x), float32
    y: np.ndarray  # (sets, n_train + n_eval, dim_y)
    signal: np.ndarray  # (sets, n_train + n_eval, k)
    truth_x: np.ndarray  # (sets, d, k): the signal subspace of x before any nonlinear map
    truth_y: np.ndarray
    n_train: int

    @property
    def n_eval(self) -> int:
        return self.x.shape[1] - self.n_train


def sample_seed(seed: int, set_index: int) -> int:
    """A distinct sampler seed per (seed, cell), stable when the grid is the same."""
    return int(np.random.SeedSequence([int(seed), int(set_index)]).generate_state(1)[0])


def data_sets(cells: pd.DataFrame, seeds: Sequence[int]) -> pd.DataFrame:
    """One row per (seed, cell): the cell's columns, its seed, its position in the grid and its sampler seed."""
    rows = []
    for seed in seeds:
        for position, cell in enumerate(cells.to_dict(orient="records")):
            rows.append({**cell, "seed": int(seed), "cell": position, "sample_seed": sample_seed(seed, position)})
    return pd.DataFrame(rows)


def build_data(
    sets: pd.DataFrame,
    d: int,
    k: int,
    n_train: int,
    n_eval: int,
    mode: str,
    maps: tuple[NonlinearMap, NonlinearMap] | None,
) -> EnsembleData:
    """Sample every data set (rows of `data_sets`) with the theory's sampler and observe it in `mode`
    (maps: x's and y's)."""
    xs, ys, ss, tx, ty = [], [], [], [], []
    map_x, map_y = maps if maps is not None else (None, None)
    for data_set in sets.to_dict(orient="records"):
        model = spiked_model(data_set, d, k)
        sample = model.sample(n_train + n_eval, int(data_set["sample_seed"]))
        xs.append(observe(sample.x, mode, map_x, rms(model, "x")).astype(np.float32))
        ys.append(observe(sample.y, mode, map_y, rms(model, "y")).astype(np.float32))
        ss.append(sample.signal.astype(np.float32))
        tx.append(sample.truth_x)
        ty.append(sample.q_y[:, :k])
    return EnsembleData(
        index=sets.reset_index(drop=True),
        x=np.stack(xs),
        y=np.stack(ys),
        signal=np.stack(ss),
        truth_x=np.stack(tx),
        truth_y=np.stack(ty),
        n_train=n_train,
    )


@dataclass
class Moments:
    """Per data set, the training rows' means (sets, 1, dim) and covariances (sets, dim, dim) of x and y and their
    cross-covariance, computed once and shared by the whitening, PCA and closed-form baselines."""

    mean_x: torch.Tensor
    mean_y: torch.Tensor
    sxx: torch.Tensor
    syy: torch.Tensor
    sxy: torch.Tensor

    def mean(self, side: str) -> torch.Tensor:
        return self.mean_x if side == "x" else self.mean_y

    def cov(self, side: str) -> torch.Tensor:
        return self.sxx if side == "x" else self.syy


def moments(x: torch.Tensor, y: torch.Tensor, n_train: int) -> Moments:
    """Moments of the first n_train rows of x, y (sets, rows, dim) (float32 products, float64 results)."""
    joint = torch.cat([x[:, :n_train], y[:, :n_train]], dim=2)
    mean = joint.mean(dim=1, keepdim=True)
    centred = joint - mean
    cov = (centred.transpose(1, 2) @ centred / n_train).double()
    dx = x.shape[2]
    return Moments(mean[:, :, :dx], mean[:, :, dx:], cov[:, :dx, :dx], cov[:, dx:, dx:], cov[:, :dx, dx:])


def whitened(values: torch.Tensor, mean: torch.Tensor, cov: torch.Tensor, ridge: float = 1e-6) -> torch.Tensor:
    """values (sets, rows, dim) centred and whitened with each set's training covariance `cov` (ZCA, a relative
    ridge on the eigenvalues). The encoders read this copy: an invertible linear map of the input, which their
    first layer could absorb, so no objective's optimum changes, but plain gradient steps no longer favour the
    high-variance directions of an input over what the objective rewards (see docs/phase_empirical.md)."""
    eigenvalues, vectors = torch.linalg.eigh(cov)
    floor = ridge * eigenvalues.mean(dim=1, keepdim=True)
    root = (vectors / torch.sqrt(eigenvalues.clamp_min(0) + floor)[:, None, :]) @ vectors.transpose(1, 2)
    return (values - mean) @ root.to(values.dtype)
