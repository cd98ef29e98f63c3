"""VICReg against a reference written term by term from the paper's equations; DeepCCA against closed forms."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from alignpredict.objectives.deepcca import deepcca_loss
from alignpredict.objectives.vicreg import vicreg_loss


def reference_vicreg(
    a: np.ndarray, b: np.ndarray, lam: float, mu: float, nu: float, views: str, eps: float = 1e-4
) -> float:
    """Bardes et al. (2022) eqs. 1-6 with explicit loops, float64."""
    n, d = a.shape

    def variance(z: np.ndarray) -> float:
        total = 0.0
        for j in range(d):
            mean = sum(z[i, j] for i in range(n)) / n
            var = sum((z[i, j] - mean) ** 2 for i in range(n)) / (n - 1)
            total += max(0.0, 1.0 - np.sqrt(var + eps))
        return total / d

    def covariance(z: np.ndarray) -> float:
        zc = z - z.mean(axis=0)
        total = 0.0
        for j in range(d):
            for k in range(d):
                if j != k:
                    c_jk = sum(zc[i, j] * zc[i, k] for i in range(n)) / (n - 1)
                    total += c_jk**2
        return total / d

    invariance = sum((a[i, j] - b[i, j]) ** 2 for i in range(n) for j in range(d)) / (n * d)
    var_term = variance(a) + variance(b)
    if views == "mean":
        var_term /= 2
    return lam * invariance + mu * var_term + nu * (covariance(a) + covariance(b))


@pytest.mark.parametrize("views", ["mean", "sum"])
@pytest.mark.parametrize("coefficients", [(25.0, 25.0, 1.0), (1.0, 3.0, 0.5)])
def test_vicreg_matches_reference(views: str, coefficients: tuple[float, float, float]) -> None:
    rng = np.random.default_rng(0)
    mixing = rng.normal(size=(6, 6))
    a = 0.4 * rng.normal(size=(12, 6)) @ mixing  # correlated dims, some stds below 1: every term is active
    b = a + 0.3 * rng.normal(size=(12, 6))
    lam, mu, nu = coefficients
    out = vicreg_loss(
        torch.tensor(a), torch.tensor(b), sim_coeff=lam, std_coeff=mu, cov_coeff=nu, variance_reduction=views
    )
    expected = reference_vicreg(a, b, lam, mu, nu, views)
    assert out["variance"].item() > 0 and out["covariance"].item() > 0
    assert out["loss"].item() == pytest.approx(expected, rel=1e-10)


def test_sum_convention_doubles_the_variance_term() -> None:
    z = 0.1 * torch.randn(16, 4, generator=torch.Generator().manual_seed(1))
    summed = vicreg_loss(z, z, variance_reduction="sum")["variance"]
    averaged = vicreg_loss(z, z, variance_reduction="mean")["variance"]
    assert summed.item() == pytest.approx(2 * averaged.item())


def test_vicreg_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="variance_reduction"):
        vicreg_loss(torch.randn(4, 3), torch.randn(4, 3), variance_reduction="max")
    with pytest.raises(ValueError, match="same shape"):
        vicreg_loss(torch.randn(4, 3), torch.randn(4, 2))
    with pytest.raises(ValueError, match="at least 2"):
        vicreg_loss(torch.randn(1, 3), torch.randn(1, 3))


def test_deepcca_perfectly_correlated_views_give_k_correlations() -> None:
    generator = torch.Generator().manual_seed(0)
    h_x = torch.randn(500, 4, generator=generator, dtype=torch.float64)
    h_y = h_x @ torch.randn(4, 4, generator=generator, dtype=torch.float64) + 3.0  # invertible map + offset
    out = deepcca_loss(h_x, h_y, ridge=1e-8)
    assert out["correlation"].item() == pytest.approx(4.0, abs=1e-4)
    assert out["loss"].item() == pytest.approx(-4.0, abs=1e-4)


def test_deepcca_matches_numpy_canonical_correlations() -> None:
    rng = np.random.default_rng(3)
    shared = rng.normal(size=(400, 2))
    h_x = np.hstack([shared, rng.normal(size=(400, 2))]) + 0.5 * rng.normal(size=(400, 4))
    h_y = np.hstack([shared @ rng.normal(size=(2, 2)), rng.normal(size=(400, 1))]) + 0.5 * rng.normal(size=(400, 3))

    def whiten(z: np.ndarray) -> np.ndarray:
        zc = z - z.mean(axis=0)
        values, vectors = np.linalg.eigh(zc.T @ zc / (len(z) - 1))
        return zc @ vectors @ np.diag(values**-0.5) @ vectors.T

    canonical = np.linalg.svd(whiten(h_x).T @ whiten(h_y) / (len(h_x) - 1), compute_uv=False)
    out = deepcca_loss(torch.tensor(h_x), torch.tensor(h_y), top_k=2, ridge=1e-12)
    assert out["correlation"].item() == pytest.approx(canonical[:2].sum(), rel=1e-6)
