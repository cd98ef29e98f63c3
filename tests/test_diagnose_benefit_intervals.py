"""The practical comparison (probe scores of CA / CP / one modality) and the bias-corrected intervals."""

from __future__ import annotations

import numpy as np
import pytest

import alignpredict
from alignpredict.diagnose.benefit import cv_probe_score, option_scores, usable_ks
from alignpredict.diagnose.label_r2 import fold_assignment
from alignpredict.diagnose.recommend import SINGLE_MODALITY
from alignpredict.diagnose.resample import BIAS_EXPONENT, corrected_replicates


def test_cv_probe_score_matches_a_plain_loop() -> None:
    rng = np.random.default_rng(0)
    features = rng.standard_normal((120, 3))
    classes = (features[:, 0] + 0.3 * rng.standard_normal(120) > 0).astype(int)
    targets = np.eye(2)[classes]
    folds = fold_assignment(120, 4, rng)
    correct = 0
    for fold in range(4):
        test = folds == fold
        mean, scale = features[~test].mean(0), features[~test].std(0)
        train_x, test_x = (features[~test] - mean) / scale, (features[test] - mean) / scale
        gram = train_x.T @ train_x
        ridge = 1e-3 * np.trace(gram) / 3
        coef = np.linalg.solve(gram + ridge * np.eye(3), train_x.T @ (targets[~test] - targets[~test].mean(0)))
        correct += ((test_x @ coef + targets[~test].mean(0)).argmax(1) == classes[test]).sum()
    assert cv_probe_score(features, targets, "classes", folds) == pytest.approx(correct / 120)
    continuous = features[:, :1] * 2.0
    assert cv_probe_score(features, continuous, "continuous", folds) == pytest.approx(1.0, abs=1e-3)


def test_usable_ks_and_option_scores() -> None:
    assert usable_ks((5, 10, 20), 30, 12) == (5, 10)
    assert usable_ks((5, 10), 2, 3) == (1,)
    scores = {
        "raw_x": 0.5,
        "raw_y": 0.9,
        **{f"{n}@5": 0.6 for n in ("ca_x", "ca_y", "cp_xy", "cp_yx", "pca_x", "pca_y")},
    }
    scores["cp_yx@5"] = 0.8
    assert option_scores(scores, (5,)) == {
        "CA": 0.6,
        "CP (x -> y)": 0.6,
        "CP (y -> x)": 0.8,
        "x alone": 0.6,
        "y alone": 0.9,
    }


def test_one_informative_view_means_a_single_modality_is_enough() -> None:
    """y holds the label in all its features; x holds none of it: no cross-modal representation can
    beat y alone, and the recommendation says so, naming y."""
    rng = np.random.default_rng(3)
    label = rng.standard_normal(1500)
    shared = rng.standard_normal((1500, 2))
    x = np.hstack([shared, rng.standard_normal((1500, 6))])
    y = np.hstack(
        [shared + 0.3 * rng.standard_normal((1500, 2)), label[:, None] + 0.2 * rng.standard_normal((1500, 1))]
    )
    y = np.hstack([y, rng.standard_normal((1500, 5))])
    report = alignpredict.diagnose(x, y, label, n_resamples=4, n_permutations=50, benefit_k=[2])
    assert report.recommendation.startswith(SINGLE_MODALITY) and " y " in report.recommendation
    assert report.benefit.options()["y alone"] > report.benefit.options()["CA"] + 0.3
    assert report.to_dict()["benefit"]["best_option"] == "y alone"


def test_corrected_replicates_shift_and_widen_on_the_log_scale() -> None:
    values = np.exp(np.log(1.6) + np.array([-0.1, 0.0, 0.1]))  # median 1.6 below the full-sample 2.0
    corrected, replicates = corrected_replicates(2.0, values, 0.5)
    factor = 1.0 / (2.0**BIAS_EXPONENT - 1.0)
    assert corrected == pytest.approx(2.0 * np.exp(factor * np.log(2.0 / 1.6)))
    np.testing.assert_allclose(np.log(replicates / corrected), np.array([-0.1, 0.0, 0.1]) * np.sqrt(1 + factor**2))
    # no signal or no nuisance in the sample, or in most subsamples: the plain values are kept
    plain = np.array([0.0, 0.0, 1.2])
    assert corrected_replicates(1.0, plain, 0.5)[1].tolist() == plain.tolist()
    assert corrected_replicates(float("inf"), values, 0.5)[1].tolist() == values.tolist()


def test_readme_example_interval_covers_the_truth() -> None:
    from alignpredict.diagnose.example import EXAMPLE_MODEL
    from alignpredict.theory.spectra import delta_ca, delta_cp

    sample = EXAMPLE_MODEL.sample(5000, seed=0)
    rows = np.arange(600)
    report = alignpredict.diagnose(sample.x, sample.y, sample.signal[rows], label_rows=rows, n_resamples=30)
    for name, truth in (("delta_ca", delta_ca(EXAMPLE_MODEL)), ("delta_cp_reverse", delta_cp(EXAMPLE_MODEL.swapped()))):
        low, high = report.intervals[name]
        assert low <= truth <= high, (name, low, high, truth)


def test_scores_are_extrapolated_along_a_one_over_m_learning_curve() -> None:
    from alignpredict.diagnose.benefit import extrapolate, summarise_benefit

    # s(m) = 0.9 - 30 / m: 0.8 at 300 labels, 0.7 at 150; at 1500 labels 0.88
    assert extrapolate(0.8, 0.7, 300, 1500) == pytest.approx(0.88)
    assert extrapolate(0.8, 0.7, 300, 300) == 0.8 and extrapolate(0.8, 0.7, 300, 100) == 0.8
    full = {"raw_x": 0.8, "raw_y": 0.6}
    halves = [{"raw_x": 0.7, "raw_y": 0.58}, {"raw_x": 0.72, "raw_y": 0.6}, {"raw_x": 0.68, "raw_y": 0.59}]
    summary = summarise_benefit(full, halves, (), "classes", labelled=300, budget=1500)
    assert summary.scores["raw_x"] == pytest.approx(0.88) and summary.scores["raw_y"] == pytest.approx(0.608)
    np.testing.assert_allclose(summary.replicates["raw_x"], [0.88, 0.90, 0.86])
    assert summary.measured == full


def test_a_cross_modal_option_needs_confident_evidence() -> None:
    from alignpredict.diagnose.benefit import summarise_benefit
    from alignpredict.diagnose.recommend import practical_advice

    names = ("ca_x", "ca_y", "cp_xy", "cp_yx", "pca_x", "pca_y")
    full = {"raw_x": 0.70, "raw_y": 0.60, **{f"{n}@5": 0.5 for n in names}, "ca_x@5": 0.72}
    # CA beats x alone in the full sample, but only in 3 of 5 resamples: x alone is recommended
    noise = np.array([0.03, 0.02, 0.01, -0.03, -0.04])
    samples = [{k: v + (noise[i] if k == "ca_x@5" else 0.0) for k, v in full.items()} for i in range(5)]
    summary = summarise_benefit(full, samples, (5,), "classes")
    assert summary.best_option() == "CA" and summary.cross_modal_share() == pytest.approx(0.6)
    assert summary.chosen_option() == "x alone" and summary.chosen_confidence() == pytest.approx(0.4)
    assert practical_advice(summary) == f"{SINGLE_MODALITY} x (all its features)"
    confident = summarise_benefit(full, [dict(full) for _ in range(5)], (5,), "classes")
    assert confident.chosen_option() == "CA" and practical_advice(confident) == "CA"
