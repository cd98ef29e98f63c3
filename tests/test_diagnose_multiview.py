"""More than two modalities: the M-view spiked model is exact pair by pair, and the pairwise diagnostic
ranks the candidate that recovers best first (API and views=[...] on the command line)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hydra import compose, initialize_config_dir

from alignpredict.diagnose.cli import PAIRWISE_FIGURE, REPORT_FILE, run
from alignpredict.diagnose.multiview import diagnose_views
from alignpredict.diagnose.multiview_validation import true_candidates
from alignpredict.theory.multiview import MultiViewSpikedModel
from alignpredict.theory.solvers import Covariances, cca_matrix, prediction_matrix
from alignpredict.theory.spectra import population_spectra

MODEL = MultiViewSpikedModel(
    d=6, k=2, kappa=1.0, gamma=(0.25, 3.0, 1.0), gamma_tilde=(1.0, 1.0, 16.0), share=(0.2, 0.9, 0.9)
)


def test_every_pair_of_the_population_covariance_is_the_two_view_model() -> None:
    joint = MODEL.population_covariance(seed=3)
    d = MODEL.d
    for a, b in MODEL.pairs():
        block = lambda i, j: joint[i * d : (i + 1) * d, j * d : (j + 1) * d]  # noqa: E731
        cov = Covariances(sxx=block(a, a), syy=block(b, b), sxy=block(a, b))
        spectra = population_spectra(MODEL.pair(a, b))
        expected_c = np.sort(np.r_[spectra["rho"], spectra["nu"]])[::-1]
        expected_a = np.sort(np.r_[spectra["tau"], spectra["xi"]])[::-1]
        np.testing.assert_allclose(np.linalg.svd(cca_matrix(cov), compute_uv=False), expected_c, atol=1e-10)
        np.testing.assert_allclose(np.linalg.svd(prediction_matrix(cov), compute_uv=False), expected_a, atol=1e-10)


def test_samples_have_the_population_covariance() -> None:
    views, signal = MODEL.sample(200_000, seed=3)
    empirical = np.cov(np.hstack(views).T, bias=True)
    np.testing.assert_allclose(empirical, MODEL.population_covariance(seed=3), atol=0.12)
    assert signal.shape == (200_000, 2)


def test_bad_multiview_parameters_are_errors() -> None:
    with pytest.raises(ValueError, match="one entry per view"):
        MultiViewSpikedModel(d=6, k=2, kappa=1.0, gamma=(1.0, 1.0), gamma_tilde=(1.0,), share=(0.1, 0.1))
    with pytest.raises(ValueError, match=r"share values are loadings in \[0, 1\]"):
        MultiViewSpikedModel(d=6, k=2, kappa=1.0, gamma=(1.0, 1.0), gamma_tilde=(1.0, 1.0), share=(0.1, 1.5))


def test_the_ranking_puts_the_true_best_candidate_first() -> None:
    names = ("a", "b", "c")
    truth = true_candidates(MODEL, names)
    best = max(truth, key=truth.get)
    assert best == "CP a -> b" and truth[best] > 1.25 * sorted(truth.values())[-2]
    views, signal = MODEL.sample(3000, seed=1)
    rows = np.arange(800)
    report = diagnose_views(dict(zip(names, views)), signal[rows], label_rows=rows, n_resamples=0)
    ranking = report.recovery_ranking()
    assert len(ranking) == 9 and ranking[0]["candidate"] == best
    assert {row["candidate"] for row in report.practical_ranking()} >= {"a alone", "b alone", "c alone"}
    assert "Ranking by signal recovery" in report.summary()


def test_cli_views_writes_the_pairwise_report(conf_dir: Path, tmp_path: Path) -> None:
    views, signal = MODEL.sample(900, seed=2)
    paths = []
    for name, view in zip(("left", "mid", "right"), views):
        np.save(tmp_path / f"{name}.npy", view)
        paths.append(str(tmp_path / f"{name}.npy"))
    np.save(tmp_path / "labels.npy", signal)
    with initialize_config_dir(config_dir=str(conf_dir), version_base="1.3"):
        cfg = compose(
            config_name="diagnose",
            overrides=[
                f"views=[{','.join(paths)}]",
                f"labels={tmp_path / 'labels.npy'}",
                f"out_dir={tmp_path / 'out'}",
                "settings.n_resamples=2",
                "settings.n_permutations=30",
            ],
        )
    run(cfg)
    written = json.loads((tmp_path / "out" / REPORT_FILE).read_text())
    assert written["views"] == ["left", "mid", "right"]
    assert set(written["pairs"]) == {"left|mid", "left|right", "mid|right"}
    assert len(written["recovery_ranking"]) == 9
    assert (tmp_path / "out" / PAIRWISE_FIGURE).stat().st_size > 10_000
