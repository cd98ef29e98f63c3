"""The stereo crossover at CPU scale (experiment=synthetic_cpu settings): CP beats CA when the nuisance is
aligned (jitter 0), CA beats CP when it is not (jitter 0.5). Several minutes on 2 cores, hence slow."""

from __future__ import annotations

from pathlib import Path

import pytest

from alignpredict.train import run

SEEDS = (0, 1)


@pytest.mark.slow
def test_cp_wins_when_aligned_and_ca_wins_when_misaligned(compose_app, tmp_path: Path) -> None:
    accuracy: dict[tuple[str, float], float] = {}
    for objective in ("ca", "cp"):
        for jitter in (0.0, 0.5):
            scores = []
            for seed in SEEDS:
                cfg = compose_app(
                    "train",
                    "experiment=synthetic_cpu",
                    "data=dsprites",
                    f"model={objective}",
                    f"jitter={jitter}",
                    f"seed={seed}",
                    "logger=none",
                    "embedding.enabled=false",
                    "probe.curve_every=0",
                    "probe.methods=[logistic]",
                    f"out_dir={tmp_path / f'{objective}-{jitter}-{seed}'}",
                )
                scores.append(run(cfg)["logistic_acc"])
            accuracy[objective, jitter] = sum(scores) / len(scores)
    assert accuracy["cp", 0.0] > accuracy["ca", 0.0], accuracy
    assert accuracy["ca", 0.5] > accuracy["cp", 0.5], accuracy
    assert accuracy["cp", 0.0] > accuracy["cp", 0.5], accuracy  # CP needs the aligned nuisance
