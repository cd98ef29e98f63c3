"""Vectorised phase diagrams over (kappa, nu): homogeneous separation ratios and heterogeneous recovery counts.

The formulas are the spectra of `spectra.py` written for whole grids at once (a 1000 x 1000 grid in a few
tens of milliseconds); tests check them point by point against `spectra.delta_ca` / `delta_cp`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from alignpredict.theory.regimes import regime_codes
from alignpredict.theory.spectra import NUISANCE_FLOOR


@dataclass(frozen=True)
class PhaseGrid:
    """Deltas and regime codes on a nu (rows) x kappa (columns) grid, with the Delta = 1 boundary curves."""

    kappa: np.ndarray
    nu: np.ndarray
    gamma_x: float
    gamma_y: float
    gamma_tilde_x: float
    gamma_tilde_y: float
    delta_ca: np.ndarray
    delta_cp: np.ndarray
    regime: np.ndarray
    ca_boundary: np.ndarray
    cp_boundary: np.ndarray


def _check_variances(**variances: float) -> None:
    for name, value in variances.items():
        if not np.isfinite(value) or value < 0:
            raise ValueError(f"{name} must be a finite variance >= 0, got {value}")


def _check_axes(kappa: np.ndarray, nu: np.ndarray) -> None:
    if kappa.ndim != 1 or nu.ndim != 1:
        raise ValueError("kappa and nu must be 1-D axes")
    if np.any(kappa < 0):
        raise ValueError("kappa is a standard deviation and must be >= 0")
    if np.any(np.abs(nu) > 1):
        raise ValueError("nu is a correlation and must satisfy |nu| <= 1")


def _ratio(signal: np.ndarray, nuisance: np.ndarray) -> np.ndarray:
    """signal / nuisance, infinite where the nuisance is below the floor (as in spectra.delta_*)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(nuisance > NUISANCE_FLOOR, signal / np.where(nuisance > NUISANCE_FLOOR, nuisance, 1.0), np.inf)


def _nonnegative_ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(denominator > 0, numerator / np.where(denominator > 0, denominator, 1.0), 0.0)


def ca_boundary(kappa: np.ndarray, gamma_x: float, gamma_y: float) -> np.ndarray:
    """nu at which Delta_CA = 1: rho(kappa) = kappa^2 / sqrt((kappa^2 + gamma_x)(kappa^2 + gamma_y))."""
    kappa2 = np.asarray(kappa, dtype=float) ** 2
    return _nonnegative_ratio(kappa2, np.sqrt((kappa2 + gamma_x) * (kappa2 + gamma_y)))


def cp_boundary(kappa: np.ndarray, gamma_x: float, gamma_tilde_y: float) -> np.ndarray:
    """nu at which Delta_CP = 1: tau / sqrt(gamma_tilde_y) = kappa^2 / (sqrt(kappa^2 + gamma_x) sqrt(gamma_tilde_y))."""
    kappa2 = np.asarray(kappa, dtype=float) ** 2
    return _nonnegative_ratio(kappa2, np.sqrt(kappa2 + gamma_x) * np.sqrt(gamma_tilde_y))


def homogeneous_grid(
    kappa: np.ndarray,
    nu: np.ndarray,
    gamma_x: float,
    gamma_y: float,
    gamma_tilde_y: float,
    gamma_tilde_x: float = 1.0,
) -> PhaseGrid:
    """Delta_CA, Delta_CP and regime for scalar parameters at every (nu, kappa); gamma_tilde_x drops out."""
    kappa = np.asarray(kappa, dtype=float)
    nu = np.asarray(nu, dtype=float)
    _check_axes(kappa, nu)
    _check_variances(gamma_x=gamma_x, gamma_y=gamma_y, gamma_tilde_x=gamma_tilde_x, gamma_tilde_y=gamma_tilde_y)
    abs_nu = np.abs(nu)[:, None]
    kappa2 = kappa[None, :] ** 2
    rho = _nonnegative_ratio(kappa2, np.sqrt((kappa2 + gamma_x) * (kappa2 + gamma_y)))
    tau = _nonnegative_ratio(kappa2, np.sqrt(kappa2 + gamma_x))
    xi = abs_nu * np.sqrt(gamma_tilde_y) if gamma_tilde_x > 0 else np.zeros_like(abs_nu)
    nuisance_nu = abs_nu if gamma_tilde_x * gamma_tilde_y > 0 else np.zeros_like(abs_nu)
    delta_ca = _ratio(rho, nuisance_nu)
    delta_cp = _ratio(tau, xi)
    return PhaseGrid(
        kappa=kappa,
        nu=nu,
        gamma_x=float(gamma_x),
        gamma_y=float(gamma_y),
        gamma_tilde_x=float(gamma_tilde_x),
        gamma_tilde_y=float(gamma_tilde_y),
        delta_ca=delta_ca,
        delta_cp=delta_cp,
        regime=regime_codes(delta_ca, delta_cp),
        ca_boundary=ca_boundary(kappa, gamma_x, gamma_y),
        cp_boundary=cp_boundary(kappa, gamma_x, gamma_tilde_y),
    )


def geometric_kappas(kappa_bar: np.ndarray, decay: float, k: int) -> np.ndarray:
    """kappa_i = kappa_bar * decay^(i-1): the heterogeneous signal strengths of the partial-recovery study."""
    if not 0 < decay <= 1:
        raise ValueError(f"decay must be in (0, 1], got {decay}")
    return np.asarray(kappa_bar, dtype=float)[..., None] * decay ** np.arange(k)


def partial_recovery_grid(
    kappa_bar: np.ndarray,
    nu: np.ndarray,
    decay: float,
    k: int,
    gamma_x: float,
    gamma_y: float,
    gamma_tilde_y: float,
) -> tuple[np.ndarray, np.ndarray]:
    """(r_CA, r_CP) on a nu x kappa_bar grid with geometric kappas and homogeneous nuisance."""
    kappa_bar = np.asarray(kappa_bar, dtype=float)
    nu = np.asarray(nu, dtype=float)
    _check_axes(kappa_bar, nu)
    _check_variances(gamma_x=gamma_x, gamma_y=gamma_y, gamma_tilde_y=gamma_tilde_y)
    kappa2 = geometric_kappas(kappa_bar, decay, k) ** 2
    rho = _nonnegative_ratio(kappa2, np.sqrt((kappa2 + gamma_x) * (kappa2 + gamma_y)))
    tau = _nonnegative_ratio(kappa2, np.sqrt(kappa2 + gamma_x))
    abs_nu = np.abs(nu)[:, None, None]
    r_ca = np.sum(rho[None] > abs_nu, axis=-1)
    r_cp = np.sum(tau[None] > abs_nu * np.sqrt(gamma_tilde_y), axis=-1)
    return r_ca, r_cp


def boundary_crossing(gamma_y: float, gamma_tilde_y: float) -> float:
    """kappa* where the CA and CP boundaries cross (kappa*^2 = gamma_tilde_y - gamma_y); NaN if they never do.

    Left of kappa* the CA boundary lies above the CP one (a CA-only wedge); Eq. 7 gives the ratio
    Delta_CA / Delta_CP = sqrt(gamma_tilde_y / (kappa^2 + gamma_y)), which is 1 exactly there.
    """
    _check_variances(gamma_y=gamma_y, gamma_tilde_y=gamma_tilde_y)
    return float(np.sqrt(gamma_tilde_y - gamma_y)) if gamma_tilde_y > gamma_y else float("nan")
