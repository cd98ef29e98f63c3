"""The representations training would give, fitted on training rows: linear CA (CCA) and CP (reduced-rank
regression, both directions) from the closed-form solvers, and the unimodal baselines (PCA-k and a small
MLP autoencoder of each view). Each is a function from a view's rows to k features."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch

from alignpredict.diagnose.pca import pca_dimension
from alignpredict.theory.solvers import Covariances, solve_ca, solve_cp

Encoder = Callable[[np.ndarray], np.ndarray]
CROSS_MODAL: dict[str, str] = {"ca_x": "x", "ca_y": "y", "cp_xy": "x", "cp_yx": "y"}
UNIMODAL: dict[str, str] = {"pca_x": "x", "pca_y": "y", "ae_x": "x", "ae_y": "y"}
RIDGE = 1e-3  # relative to each view's mean eigenvalue: a light guard for near-singular real features


class Reducer:
    """Centring and projection on the top principal axes of the training rows (the diagnostic's rule for the
    dimension), the input space in which CA and CP are fitted."""

    def __init__(self, train: np.ndarray, dim: int) -> None:
        self.mean = train.mean(axis=0)
        centred = train - self.mean
        values, vectors = np.linalg.eigh(centred.T @ centred / len(train))
        order = np.argsort(values)[::-1][:dim]
        self.axes = vectors[:, order]

    def __call__(self, rows: np.ndarray) -> np.ndarray:
        return (rows - self.mean) @ self.axes


def reducers(x: np.ndarray, y: np.ndarray, max_dim: int = 128, rows_per_dim: int = 20) -> tuple[Reducer, Reducer]:
    n = x.shape[0]
    return (
        Reducer(x, pca_dimension(n, x.shape[1], max_dim, rows_per_dim)),
        Reducer(y, pca_dimension(n, y.shape[1], max_dim, rows_per_dim)),
    )


def _ridged(x: np.ndarray, y: np.ndarray) -> Covariances:
    cov = Covariances.from_data(x, y)

    def ridge(matrix: np.ndarray) -> np.ndarray:
        return matrix + RIDGE * float(np.trace(matrix)) / matrix.shape[0] * np.eye(matrix.shape[0])

    return Covariances(sxx=ridge(cov.sxx), syy=ridge(cov.syy), sxy=cov.sxy)


def linear_encoders(x: np.ndarray, y: np.ndarray, k: int) -> dict[str, np.ndarray]:
    """(d, k) weight matrices on centred, reduced features: CA's two encoders, CP x -> y and y -> x, PCA-k."""
    cov = _ridged(x, y)
    swapped = Covariances(sxx=cov.syy, syy=cov.sxx, sxy=cov.sxy.T)
    ca = solve_ca(cov, k)
    axes = {}
    for name, matrix in (("pca_x", cov.sxx), ("pca_y", cov.syy)):
        values, vectors = np.linalg.eigh(matrix)
        axes[name] = vectors[:, np.argsort(values)[::-1][:k]]
    return {
        "ca_x": ca.w.T,
        "ca_y": ca.v.T,
        "cp_xy": solve_cp(cov, k).encoder.T,
        "cp_yx": solve_cp(swapped, k).encoder.T,
        **axes,
    }


def autoencoder(train: np.ndarray, k: int, seed: int, hidden: int = 32, steps: int = 100) -> Encoder:
    """A small MLP autoencoder (d -> hidden -> k -> hidden -> d, ReLU) on standardised features, full-batch
    Adam; returns the encoder (the k-dim bottleneck)."""
    mean, scale = train.mean(axis=0), train.std(axis=0) + 1e-8
    inputs = torch.as_tensor((train - mean) / scale, dtype=torch.float32)
    generator = torch.Generator().manual_seed(seed)
    d = inputs.shape[1]
    encoder = torch.nn.Sequential(torch.nn.Linear(d, hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, k))
    decoder = torch.nn.Sequential(torch.nn.Linear(k, hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, d))
    for layer in [*encoder, *decoder]:
        if isinstance(layer, torch.nn.Linear):
            bound = 1.0 / np.sqrt(layer.in_features)
            with torch.no_grad():
                layer.weight.uniform_(-bound, bound, generator=generator)
                layer.bias.zero_()
    optimiser = torch.optim.Adam([*encoder.parameters(), *decoder.parameters()], lr=2e-2)
    for _ in range(steps):
        optimiser.zero_grad()
        loss = ((decoder(encoder(inputs)) - inputs) ** 2).mean()
        loss.backward()
        optimiser.step()

    def encode(rows: np.ndarray) -> np.ndarray:
        with torch.no_grad():
            return encoder(torch.as_tensor((rows - mean) / scale, dtype=torch.float32)).double().numpy()

    return encode
