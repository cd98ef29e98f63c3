"""Population spectra of the CCA matrix C and the one-sided matrix A, and the separation ratios built on them."""

from __future__ import annotations

import numpy as np

from alignpredict.theory.model import SpikedModel

NUISANCE_FLOOR = 1e-15


def _safe_divide(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """Elementwise ratio with 0 where the denominator is 0 (a coordinate with no variance carries nothing)."""
    return np.divide(numerator, denominator, out=np.zeros_like(numerator, dtype=float), where=denominator > 0)


def population_spectra(model: SpikedModel) -> dict[str, np.ndarray]:
    """Signal (rho, tau) and nuisance (nu, xi) singular values of C and A (docs/protocols/theory.md)."""
    kappa2 = model.kappa**2
    eta = np.abs(model.eta)
    return {
        "rho": _safe_divide(kappa2, np.sqrt((kappa2 + model.gamma_x) * (kappa2 + model.gamma_y))),
        "nu": _safe_divide(eta, np.sqrt(model.gamma_tilde_x * model.gamma_tilde_y)),
        "tau": _safe_divide(kappa2, np.sqrt(kappa2 + model.gamma_x)),
        "xi": _safe_divide(eta, np.sqrt(model.gamma_tilde_x)),
    }


def _nuisance_max(values: np.ndarray) -> float:
    return float(values.max()) if values.size else 0.0


def _separation(signal: np.ndarray, nuisance: np.ndarray) -> float:
    """min signal / max nuisance; infinite when the nuisance is (numerically) absent, never NaN."""
    floor = _nuisance_max(nuisance)
    if floor <= NUISANCE_FLOOR:
        return float("inf")
    return float(signal.min()) / floor


def delta_ca(model: SpikedModel) -> float:
    """Delta_CA = min rho / max nu: CA recovers the whole signal subspace iff > 1."""
    spectra = population_spectra(model)
    return _separation(spectra["rho"], spectra["nu"])


def delta_cp(model: SpikedModel) -> float:
    """Delta_CP = min tau / max xi for x -> y; use `delta_cp(model.swapped())` for y -> x."""
    spectra = population_spectra(model)
    return _separation(spectra["tau"], spectra["xi"])


def recovery_counts(model: SpikedModel) -> tuple[int, int]:
    """(r_CA, r_CP): signal directions whose singular value beats the largest nuisance one."""
    spectra = population_spectra(model)
    r_ca = int(np.sum(spectra["rho"] > _nuisance_max(spectra["nu"])))
    r_cp = int(np.sum(spectra["tau"] > _nuisance_max(spectra["xi"])))
    return r_ca, r_cp


def eq7_ratio(model: SpikedModel) -> float:
    """Delta_CA / Delta_CP (Eq. 7), from the factors of the two deltas so that nu = 0 has its limit, not NaN.

    Delta_CA / Delta_CP = (min rho / min tau) * (max xi / max nu). When both deltas are finite and nonzero
    this is their plain quotient. With no nuisance correlation the second factor is taken in the limit of
    equal nuisance correlations -> 0, i.e. max sqrt(gamma_tilde_y); with no signal the first factor is the
    kappa -> 0 limit of rho_i / tau_i = 1 / sqrt(kappa_i^2 + gamma_y_i) at the weakest signal direction,
    infinite when that direction has no target noise either (then the ratio is inf, or NaN if gamma_tilde_y = 0).
    """
    spectra = population_spectra(model)
    weakest = int(np.argmin(spectra["tau"]))
    if spectra["tau"][weakest] > 0:
        signal_factor = float(spectra["rho"].min()) / float(spectra["tau"][weakest])
    else:
        root = float(np.sqrt(model.kappa[weakest] ** 2 + model.gamma_y[weakest]))
        signal_factor = 1.0 / root if root > 0 else float("inf")
    floor = _nuisance_max(spectra["nu"])
    if floor > NUISANCE_FLOOR:
        nuisance_factor = _nuisance_max(spectra["xi"]) / floor
    else:
        nuisance_factor = float(np.sqrt(model.gamma_tilde_y.max())) if model.gamma_tilde_y.size else 1.0
    return signal_factor * nuisance_factor
