"""What needs no cross-modal training, or no nonlinear one, on the same cells: PCA-k of the source modality alone
(the unimodal baseline of the paper's Neither claim) and the theory's closed-form linear CA (CCA) and CP
(reduced-rank regression) fitted on the same training rows (the finite-sample linear answer; in nonlinear mode,
what a linear method gets from the observations)."""

from __future__ import annotations

import numpy as np
import torch

from alignpredict.phase_empirical.data import Moments
from alignpredict.theory.solvers import Covariances, solve_ca, solve_cp


def pca_features(rows: torch.Tensor, cov: torch.Tensor, k: int) -> torch.Tensor:
    """The unimodal baseline: rows (sets, n, dim) projected on the top-k principal axes of the training
    covariance `cov` (sets, dim, dim)."""
    _, vectors = torch.linalg.eigh(cov)
    return rows @ vectors[:, :, -k:].to(rows.dtype)


def closed_form_features(objective: str, rows: torch.Tensor, stats: Moments, k: int) -> torch.Tensor:
    """The held-out source rows (sets, n, dim) mapped by the closed-form linear counterpart of `objective`, fitted
    per set on the training moments (ca and infonce: CCA's x weights; cp: reduced-rank regression x -> y; cp_rev:
    y -> x); `rows` are x's rows, or y's for cp_rev."""
    weights = []
    for sxx, syy, sxy in zip(stats.sxx.numpy(), stats.syy.numpy(), stats.sxy.numpy()):
        cov = Covariances(sxx=syy, syy=sxx, sxy=sxy.T) if objective == "cp_rev" else Covariances(sxx, syy, sxy)
        weights.append(solve_ca(cov, k).w if objective in ("ca", "infonce") else solve_cp(cov, k).encoder)
    return rows @ torch.from_numpy(np.stack(weights)).transpose(1, 2).to(rows.dtype)
