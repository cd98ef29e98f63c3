"""A ready-made paired dataset with a known answer, to try the diagnostic on (README, reproduce.py).

Spiked model, d = 20, k = 2: large target nuisance variance (gamma_tilde_y = 16) with moderately correlated
nuisance (nu = 0.4) puts it in "CA only" for x -> y, while predicting x from y recovers the signal.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from alignpredict.theory.model import SpikedModel
from alignpredict.theory.regimes import classify_regime
from alignpredict.theory.spectra import delta_ca, delta_cp
from alignpredict.utils.io import write_json, write_npy

EXAMPLE_MODEL = SpikedModel(
    d=20, k=2, kappa=1.0, gamma_x=0.5, gamma_y=0.5, gamma_tilde_x=1.0, gamma_tilde_y=16.0, nu=0.4
)


def write_example(out_dir: str | Path, n: int = 5000, n_labelled: int = 600, seed: int = 0) -> dict[str, object]:
    """Write x.npy, y.npy, labels.npy (the shared signal; NaN on unlabelled rows) and truth.json; return the truth."""
    if not 50 <= n_labelled <= n:
        raise ValueError(f"n_labelled must be between 50 and n = {n}, got {n_labelled}")
    out = Path(out_dir)
    sample = EXAMPLE_MODEL.sample(n, seed=seed)
    labels = np.full(sample.signal.shape, np.nan)
    labelled = np.random.default_rng(seed + 1).choice(n, size=n_labelled, replace=False)
    labels[labelled] = sample.signal[labelled]
    for name, array in (("x", sample.x), ("y", sample.y), ("labels", labels)):
        write_npy(out / f"{name}.npy", array)
    truth = {
        "delta_ca": delta_ca(EXAMPLE_MODEL),
        "delta_cp": delta_cp(EXAMPLE_MODEL),
        "delta_cp_reverse": delta_cp(EXAMPLE_MODEL.swapped()),
        "regime": classify_regime(delta_ca(EXAMPLE_MODEL), delta_cp(EXAMPLE_MODEL)),
        "n": n,
        "n_labelled": n_labelled,
        "seed": seed,
    }
    write_json(out / "truth.json", truth)
    return truth
