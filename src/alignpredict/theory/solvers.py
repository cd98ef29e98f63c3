"""Closed-form linear CA (CCA), CP (reduced-rank regression), CA + probe and the joint objective
(docs/protocols/theory.md, "Objectives and their closed forms")."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

EIGEN_FLOOR = 1e-12


@dataclass(frozen=True)
class Covariances:
    """Second moments of a pair (x, y); all solvers work from these alone."""

    sxx: np.ndarray
    syy: np.ndarray
    sxy: np.ndarray

    @classmethod
    def from_data(cls, x: np.ndarray, y: np.ndarray) -> Covariances:
        """Centred sample covariances divided by n (the reference code forgot to centre)."""
        if x.ndim != 2 or y.ndim != 2 or x.shape[0] != y.shape[0]:
            raise ValueError(f"x and y must be (n, d_x) and (n, d_y) with the same n, got {x.shape} and {y.shape}")
        if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
            raise ValueError("x and y must be finite: remove or impute NaN/inf rows first")
        xc = x - x.mean(axis=0)
        yc = y - y.mean(axis=0)
        n = x.shape[0]
        return cls(sxx=xc.T @ xc / n, syy=yc.T @ yc / n, sxy=xc.T @ yc / n)

    def ridged(self, ridge: float) -> Covariances:
        """Add ridge * I to both auto-covariances, the diagnostic's guard against singular Sigma."""
        if ridge < 0:
            raise ValueError(f"ridge must be >= 0, got {ridge}")
        return Covariances(
            sxx=self.sxx + ridge * np.eye(self.sxx.shape[0]),
            syy=self.syy + ridge * np.eye(self.syy.shape[0]),
            sxy=self.sxy,
        )


@dataclass(frozen=True)
class CAResult:
    """CA encoders W (k, d_x), V (k, d_y) with W Sxy V^T = I, and all canonical correlations phi."""

    w: np.ndarray
    v: np.ndarray
    phi: np.ndarray


@dataclass(frozen=True)
class CPResult:
    """CP encoder E (k, d_x) and decoder D (d_y, k): y ~ D E x; sigma are all singular values of A."""

    encoder: np.ndarray
    decoder: np.ndarray
    sigma: np.ndarray


@dataclass(frozen=True)
class JointResult:
    """Joint-objective encoders W, V and the readout B (prediction B W x)."""

    w: np.ndarray
    v: np.ndarray
    readout: np.ndarray


def inverse_sqrt(matrix: np.ndarray, ridge: float = 0.0) -> np.ndarray:
    """(S + ridge I)^{-1/2} of a symmetric PSD matrix, eigenvalues floored at 1e-12 so rank loss cannot blow up."""
    if ridge < 0:
        raise ValueError(f"ridge must be >= 0, got {ridge}")
    values, vectors = np.linalg.eigh((matrix + matrix.T) / 2 + ridge * np.eye(matrix.shape[0]))
    return (vectors / np.sqrt(np.maximum(values, EIGEN_FLOOR))) @ vectors.T


def _check_rank(k: int, *dims: int) -> None:
    if not 1 <= k <= min(dims):
        raise ValueError(f"k must be between 1 and min of the dimensions {dims}, got k={k}")


def cca_matrix(cov: Covariances) -> np.ndarray:
    """C = Sxx^{-1/2} Sxy Syy^{-1/2}: its singular values are the canonical correlations."""
    return inverse_sqrt(cov.sxx) @ cov.sxy @ inverse_sqrt(cov.syy)


def prediction_matrix(cov: Covariances) -> np.ndarray:
    """A = Syx Sxx^{-1/2}: x is whitened, y is not, which is why target nuisance variance matters to CP."""
    return cov.sxy.T @ inverse_sqrt(cov.sxx)


def solve_ca(cov: Covariances, k: int) -> CAResult:
    """Linear CA: top-k SVD of C, rescaled so that W Sxy V^T = I_k (the constraint of the CA objective)."""
    _check_rank(k, cov.sxx.shape[0], cov.syy.shape[0])
    p, phi, qt = np.linalg.svd(cca_matrix(cov))
    scale = 1.0 / np.sqrt(np.maximum(phi[:k], EIGEN_FLOOR))
    w = (scale[:, None] * p[:, :k].T) @ inverse_sqrt(cov.sxx)
    v = (scale[:, None] * qt[:k]) @ inverse_sqrt(cov.syy)
    return CAResult(w=w, v=v, phi=phi)


def solve_cp(cov: Covariances, k: int) -> CPResult:
    """Linear CP = reduced-rank regression of y on x: top-k SVD of A gives E = V_k^T Sxx^{-1/2}, D = U_k S_k."""
    _check_rank(k, cov.sxx.shape[0], cov.syy.shape[0])
    u, sigma, vt = np.linalg.svd(prediction_matrix(cov))
    return CPResult(encoder=vt[:k] @ inverse_sqrt(cov.sxx), decoder=u[:, :k] * sigma[:k], sigma=sigma)


def fit_probe(w: np.ndarray, cov: Covariances) -> np.ndarray:
    """Least-squares readout B = Syx W^T (W Sxx W^T)^{-1} on a frozen encoder W."""
    gram = w @ cov.sxx @ w.T
    return np.linalg.solve(gram, w @ cov.sxy).T


def solve_joint(cov: Covariances, k: int, lam: float) -> JointResult:
    """Minimiser of E||BWx - y||^2 + lam E||Wx - Vy||^2: top-k eigenvectors of A^T A + lam (C C^T - I).

    lam = 0 is CP; lam -> infinity is CCA.
    """
    if lam < 0:
        raise ValueError(f"lam must be >= 0, got {lam}")
    _check_rank(k, cov.sxx.shape[0], cov.syy.shape[0])
    a = prediction_matrix(cov)
    c = cca_matrix(cov)
    m = a.T @ a + lam * (c @ c.T - np.eye(c.shape[0]))
    _, vectors = np.linalg.eigh((m + m.T) / 2)
    w = vectors[:, ::-1][:, :k].T @ inverse_sqrt(cov.sxx)
    v = np.linalg.solve(cov.syy, (w @ cov.sxy).T).T
    return JointResult(w=w, v=v, readout=fit_probe(w, cov))
