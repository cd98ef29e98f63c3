"""The spiked signal + structured nuisance model: the generative setting in which the phase diagram is exact."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_ETA_TOLERANCE = 1e-12


@dataclass(frozen=True)
class SpikedSample:
    """Paired draws with the ground truth needed to score a learned encoder."""

    x: np.ndarray
    y: np.ndarray
    signal: np.ndarray
    q_x: np.ndarray
    q_y: np.ndarray

    @property
    def truth_x(self) -> np.ndarray:
        """Orthonormal basis (d, k) of the signal subspace of x."""
        return self.q_x[:, : self.signal.shape[1]]

    @property
    def y_signal(self) -> np.ndarray:
        """Oracle target Q_y[:, :k] s: the part of y a predictor should reproduce."""
        return self.signal @ self.q_y[:, : self.signal.shape[1]].T


def _vector(name: str, value: float | np.ndarray, length: int) -> np.ndarray:
    """Broadcast a scalar or check a vector's length, so every parameter is a float array of known shape."""
    array = np.asarray(value, dtype=float)
    if array.ndim == 0:
        return np.full(length, float(array))
    if array.shape != (length,):
        raise ValueError(f"{name} must be a scalar or have shape ({length},), got shape {array.shape}")
    return array.copy()


def _haar_orthogonal(rng: np.random.Generator, d: int) -> np.ndarray:
    """Haar-random orthogonal matrix: QR of a Gaussian with the signs of R's diagonal fixed."""
    q, r = np.linalg.qr(rng.standard_normal((d, d)))
    signs = np.sign(np.diag(r))
    signs[signs == 0] = 1.0
    return q * signs


@dataclass(frozen=True, eq=False)
class SpikedModel:
    """Spiked signal + structured nuisance model (docs/protocols/theory.md, "Generative model").

    Signal coordinates i < k carry s_i ~ N(0, kappa_i^2) in both modalities plus independent noise of
    variance gamma_x / gamma_y; nuisance coordinate j pairs x and y with variances gamma_tilde_x/_y and
    correlation nu_j (or covariance eta_j). Give exactly one of nu and eta; after construction every
    parameter, nu and eta included, is a float array of length k or d - k.
    """

    d: int
    k: int
    kappa: float | np.ndarray
    gamma_x: float | np.ndarray
    gamma_y: float | np.ndarray
    gamma_tilde_x: float | np.ndarray
    gamma_tilde_y: float | np.ndarray
    nu: float | np.ndarray | None = None
    eta: float | np.ndarray | None = None

    def __post_init__(self) -> None:
        if int(self.d) != self.d or int(self.k) != self.k:
            raise ValueError(f"d and k must be integers, got d={self.d}, k={self.k}")
        if not 1 <= self.k <= self.d:
            raise ValueError(f"need 1 <= k <= d, got k={self.k}, d={self.d}: lower k or raise d")
        if (self.nu is None) == (self.eta is None):
            raise ValueError("give exactly one of nu (nuisance correlation) and eta (nuisance covariance)")
        n_nuisance = self.d - self.k
        values = {
            "kappa": _vector("kappa", self.kappa, self.k),
            "gamma_x": _vector("gamma_x", self.gamma_x, self.k),
            "gamma_y": _vector("gamma_y", self.gamma_y, self.k),
            "gamma_tilde_x": _vector("gamma_tilde_x", self.gamma_tilde_x, n_nuisance),
            "gamma_tilde_y": _vector("gamma_tilde_y", self.gamma_tilde_y, n_nuisance),
        }
        for name, array in values.items():
            if not np.all(np.isfinite(array)):
                raise ValueError(f"{name} must be finite, got {array}")
            if np.any(array < 0):
                raise ValueError(f"{name} must be >= 0 (a standard deviation or variance), got {array}")
        scale = np.sqrt(values["gamma_tilde_x"] * values["gamma_tilde_y"])
        if self.nu is not None:
            nu = _vector("nu", self.nu, n_nuisance)
            if not np.all(np.isfinite(nu)) or np.any(np.abs(nu) > 1.0):
                raise ValueError(f"nu is a correlation and must satisfy |nu| <= 1, got {nu}")
            eta = nu * scale
        else:
            eta = _vector("eta", self.eta, n_nuisance)
            if not np.all(np.isfinite(eta)) or np.any(np.abs(eta) > scale * (1 + _ETA_TOLERANCE) + _ETA_TOLERANCE):
                raise ValueError(
                    "eta must satisfy |eta| <= sqrt(gamma_tilde_x * gamma_tilde_y) (a valid covariance), "
                    f"got eta={eta} with bound {scale}"
                )
            nu = np.clip(np.divide(eta, scale, out=np.zeros_like(eta), where=scale > 0), -1.0, 1.0)
        for name, array in {**values, "nu": nu, "eta": eta}.items():
            object.__setattr__(self, name, array)

    def swapped(self) -> SpikedModel:
        """The same model with x and y exchanged, for the y -> x prediction direction."""
        return SpikedModel(
            d=self.d,
            k=self.k,
            kappa=self.kappa,
            gamma_x=self.gamma_y,
            gamma_y=self.gamma_x,
            gamma_tilde_x=self.gamma_tilde_y,
            gamma_tilde_y=self.gamma_tilde_x,
            eta=self.eta,
        )

    def bases(self, seed: int) -> tuple[np.ndarray, np.ndarray]:
        """Q_x, Q_y: the first draws of the seed's RNG, so a sample and its covariances share them."""
        rng = np.random.default_rng(seed)
        q_x = _haar_orthogonal(rng, self.d)
        q_y = _haar_orthogonal(rng, self.d)
        return q_x, q_y

    def sample(self, n: int, seed: int, basis_seed: int | None = None) -> SpikedSample:
        """n paired draws; bases from `basis_seed` when given (a test set sharing a training set's Q)."""
        if n < 1:
            raise ValueError(f"n must be >= 1, got {n}")
        rng = np.random.default_rng(seed)
        q_x = _haar_orthogonal(rng, self.d)
        q_y = _haar_orthogonal(rng, self.d)
        if basis_seed is not None:
            q_x, q_y = self.bases(basis_seed)
        signal = rng.standard_normal((n, self.k)) * self.kappa
        noise_x = rng.standard_normal((n, self.k)) * np.sqrt(self.gamma_x)
        noise_y = rng.standard_normal((n, self.k)) * np.sqrt(self.gamma_y)
        z1 = rng.standard_normal((n, self.d - self.k))
        z2 = rng.standard_normal((n, self.d - self.k))
        nuisance_x = z1 * np.sqrt(self.gamma_tilde_x)
        nuisance_y = (self.nu * z1 + np.sqrt(np.clip(1.0 - self.nu**2, 0.0, None)) * z2) * np.sqrt(self.gamma_tilde_y)
        x = np.hstack([signal + noise_x, nuisance_x]) @ q_x.T
        y = np.hstack([signal + noise_y, nuisance_y]) @ q_y.T
        return SpikedSample(x=x, y=y, signal=signal, q_x=q_x, q_y=q_y)

    def _covariances_in(self, q_x: np.ndarray, q_y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        kappa2 = self.kappa**2
        sxx = (q_x * np.concatenate([kappa2 + self.gamma_x, self.gamma_tilde_x])) @ q_x.T
        syy = (q_y * np.concatenate([kappa2 + self.gamma_y, self.gamma_tilde_y])) @ q_y.T
        sxy = (q_x * np.concatenate([kappa2, self.eta])) @ q_y.T
        return sxx, syy, sxy

    def population_covariances(self, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Sigma_xx, Sigma_yy, Sigma_xy in the bases of that seed (block-diagonal in the Q coordinates)."""
        return self._covariances_in(*self.bases(seed))

    def sample_covariances(self, n: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Centred sample covariances of n draws, drawn directly from their Wishart(n - 1) law.

        Exact in distribution for this Gaussian model and independent of n in cost (Bartlett decomposition
        with a symmetric square root, so it is valid at nu = 1 where the joint covariance is singular);
        the covariance-only studies (E4, E6, E7) use it to run many seeds and large n in seconds.
        """
        dim = 2 * self.d
        if n - 1 < dim:
            raise ValueError(f"n must be > 2d = {dim} for a Wishart draw, got n={n}: use sample() instead")
        rng = np.random.default_rng(seed)
        q_x = _haar_orthogonal(rng, self.d)
        q_y = _haar_orthogonal(rng, self.d)
        sxx, syy, sxy = self._covariances_in(q_x, q_y)
        joint = np.block([[sxx, sxy], [sxy.T, syy]])
        values, vectors = np.linalg.eigh(joint)
        root = (vectors * np.sqrt(np.clip(values, 0.0, None))) @ vectors.T
        bartlett = np.tril(rng.standard_normal((dim, dim)), -1)
        bartlett[np.diag_indices(dim)] = np.sqrt(rng.chisquare(n - 1 - np.arange(dim)))
        factor = root @ bartlett
        draw = factor @ factor.T / n
        return draw[: self.d, : self.d], draw[self.d :, self.d :], draw[: self.d, self.d :]
