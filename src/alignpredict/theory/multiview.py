"""The spiked model for M views: every pair of views is a two-view SpikedModel with a known answer.

View m carries the shared signal s ~ N(0, kappa^2 I_k) plus its own signal noise (variance gamma_m) on k
coordinates, and d - k nuisance coordinates  sqrt(gamma_tilde_m) (sqrt(r_m) z + sqrt(1 - r_m) e_m)  with z
common to all views and e_m its own, all in a view-specific Haar basis Q_m. The nuisance correlation of
views a and b is then sqrt(r_a r_b), so pair (a, b) is exactly SpikedModel(kappa, gamma_a, gamma_b,
gamma_tilde_a, gamma_tilde_b, nu = sqrt(r_a r_b)) in the bases (Q_a, Q_b)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from alignpredict.theory.model import SpikedModel, _haar_orthogonal


@dataclass(frozen=True)
class MultiViewSpikedModel:
    """M views of dimension d sharing k signal coordinates; per-view gamma, gamma_tilde and nuisance share r."""

    d: int
    k: int
    kappa: float
    gamma: tuple[float, ...]
    gamma_tilde: tuple[float, ...]
    share: tuple[float, ...]  # r_m in [0, 1]: view m's nuisance loading on the common nuisance z

    def __post_init__(self) -> None:
        sizes = {len(self.gamma), len(self.gamma_tilde), len(self.share)}
        if len(sizes) != 1 or len(self.gamma) < 2:
            raise ValueError(
                f"gamma, gamma_tilde and share need one entry per view (at least 2), got lengths "
                f"{len(self.gamma)}, {len(self.gamma_tilde)}, {len(self.share)}"
            )
        if not all(0.0 <= r <= 1.0 for r in self.share):
            raise ValueError(f"share values are loadings in [0, 1], got {self.share}")
        if not 1 <= self.k < self.d:
            raise ValueError(f"need 1 <= k < d, got k={self.k}, d={self.d}")

    @property
    def n_views(self) -> int:
        return len(self.gamma)

    def pair(self, a: int, b: int) -> SpikedModel:
        """The two-view model of views a (as x) and b (as y)."""
        return SpikedModel(
            d=self.d,
            k=self.k,
            kappa=self.kappa,
            gamma_x=self.gamma[a],
            gamma_y=self.gamma[b],
            gamma_tilde_x=self.gamma_tilde[a],
            gamma_tilde_y=self.gamma_tilde[b],
            nu=float(np.sqrt(self.share[a] * self.share[b])),
        )

    def pairs(self) -> list[tuple[int, int]]:
        return list(itertools.combinations(range(self.n_views), 2))

    def bases(self, seed: int) -> list[np.ndarray]:
        rng = np.random.default_rng(seed)
        return [_haar_orthogonal(rng, self.d) for _ in range(self.n_views)]

    def population_covariance(self, seed: int) -> np.ndarray:
        """The joint (M d) x (M d) covariance of all views in the bases of that seed."""
        bases = self.bases(seed)
        kappa2 = self.kappa**2
        blocks = [[None] * self.n_views for _ in range(self.n_views)]
        for a, b in itertools.product(range(self.n_views), repeat=2):
            if a == b:
                diagonal = np.r_[np.full(self.k, kappa2 + self.gamma[a]), np.full(self.d - self.k, self.gamma_tilde[a])]
            else:
                cross = np.sqrt(self.gamma_tilde[a] * self.gamma_tilde[b] * self.share[a] * self.share[b])
                diagonal = np.r_[np.full(self.k, kappa2), np.full(self.d - self.k, cross)]
            blocks[a][b] = (bases[a] * diagonal) @ bases[b].T
        return np.block(blocks)

    def sample(self, n: int, seed: int) -> tuple[list[np.ndarray], np.ndarray]:
        """(views, signal): n draws of every view (bases from the seed's first draws) and the latent s."""
        bases = self.bases(seed)
        rng = np.random.default_rng([seed, 1])
        signal = rng.standard_normal((n, self.k)) * self.kappa
        common = rng.standard_normal((n, self.d - self.k))
        views = []
        for m in range(self.n_views):
            noise = rng.standard_normal((n, self.k)) * np.sqrt(self.gamma[m])
            own = rng.standard_normal((n, self.d - self.k))
            nuisance = np.sqrt(self.gamma_tilde[m]) * (
                np.sqrt(self.share[m]) * common + np.sqrt(1 - self.share[m]) * own
            )
            views.append(np.hstack([signal + noise, nuisance]) @ bases[m].T)
        return views, signal
