"""The diagnostic on data with a known answer: spiked-model regimes, CP direction, pure-noise labels."""

from __future__ import annotations

import numpy as np
import pytest

import alignpredict
from alignpredict.diagnose.label_r2 import crossval_r2, fold_assignment
from alignpredict.diagnose.recommend import NEITHER_ADVICE, choose_direction, recommend
from alignpredict.diagnose.report import NO_SIGNAL_MESSAGE
from alignpredict.diagnose.spectra import Directions, fit_directions, fold_sums, match_components, singular_value
from alignpredict.diagnose.split import separation_ratio, split_components
from alignpredict.diagnose.validation import is_clear
from alignpredict.theory.model import SpikedModel
from alignpredict.theory.regimes import classify_regime
from alignpredict.theory.spectra import delta_ca, delta_cp


def _model(kappa: float, nu: float, gamma_tilde_y: float, gamma_x: float = 0.5, gamma_y: float = 0.5) -> SpikedModel:
    return SpikedModel(
        d=10, k=2, kappa=kappa, gamma_x=gamma_x, gamma_y=gamma_y, gamma_tilde_x=1.0, gamma_tilde_y=gamma_tilde_y, nu=nu
    )


@pytest.mark.parametrize(
    ("kappa", "nu", "gamma_tilde_y", "gamma", "expected"),
    [
        (2.0, 0.2, 1.0, 0.5, "Both"),
        (1.0, 0.5, 16.0, 0.5, "CA only"),
        (1.0, 0.8, 0.25, 1.0, "CP only"),
        (0.5, 0.8, 4.0, 0.5, "Neither"),
    ],
)
def test_clear_spiked_cases_land_in_their_regime(
    kappa: float, nu: float, gamma_tilde_y: float, gamma: float, expected: str
) -> None:
    model = _model(kappa, nu, gamma_tilde_y, gamma_x=gamma, gamma_y=gamma)
    assert is_clear(delta_ca(model), delta_cp(model))
    assert classify_regime(delta_ca(model), delta_cp(model)) == expected
    sample = model.sample(3000, seed=7)
    rows = np.arange(800)
    report = alignpredict.diagnose(sample.x, sample.y, sample.signal[rows], label_rows=rows, n_resamples=0)
    assert report.regime == expected
    assert report.delta_ca == pytest.approx(delta_ca(model), rel=0.3)
    assert report.spectra["ca"].n_signal == 2


def test_direction_is_the_one_that_recovers() -> None:
    """Noisy x signal (large gamma_x) and little y nuisance: only y -> x recovers."""
    model = SpikedModel(d=10, k=2, kappa=1.0, gamma_x=3.0, gamma_y=0.2, gamma_tilde_x=0.3, gamma_tilde_y=6.0, nu=0.6)
    assert delta_cp(model) < 0.7 and delta_cp(model.swapped()) > 1.3
    sample = model.sample(4000, seed=3)
    report = alignpredict.diagnose(sample.x, sample.y, sample.signal, n_resamples=0)
    assert report.delta_cp < 1.0 < report.delta_cp_reverse
    assert report.direction == "y->x"
    assert report.recovery_advice.endswith("CP (y -> x)")
    # y carries the signal with little noise (gamma_y = 0.2): all of y's features probe best, so the
    # practical answer is that y alone is enough, while CP y -> x is what recovers the shared subspace
    assert report.recommendation == "a single modality is enough: y (all its features)"


def test_pure_noise_labels_give_no_signal_and_neither() -> None:
    sample = _model(2.0, 0.2, 1.0).sample(3000, seed=1)
    noise = np.random.default_rng(5).standard_normal(600)
    rows = np.arange(600)
    report = alignpredict.diagnose(sample.x, sample.y, noise, label_rows=rows, n_resamples=5)
    assert all(split.n_signal == 0 for split in report.spectra.values())
    assert report.regime == "Neither"
    assert report.recommendation == NEITHER_ADVICE
    assert report.message == NO_SIGNAL_MESSAGE
    assert "no detectable shared signal" in report.summary()
    assert report.delta_ca == 0.0 and report.delta_cp == 0.0


def test_intervals_and_regime_fractions_are_consistent() -> None:
    model = _model(2.0, 0.2, 1.0)
    sample = model.sample(2000, seed=2)
    report = alignpredict.diagnose(sample.x, sample.y, sample.signal, n_resamples=8, n_permutations=50)
    assert sum(report.regime_fractions.values()) == pytest.approx(1.0)
    assert set(report.intervals) == {"delta_ca", "delta_cp", "delta_cp_reverse"}
    low, high = report.intervals["delta_ca"]
    assert 1.0 < low <= high
    assert report.resamples is not None and report.resamples.subsample_rows == 1000


def test_class_labels_find_the_signal() -> None:
    model = SpikedModel(d=10, k=1, kappa=2.0, gamma_x=0.5, gamma_y=0.5, gamma_tilde_x=1.0, gamma_tilde_y=1.0, nu=0.2)
    sample = model.sample(2500, seed=4)
    classes = np.where(sample.signal[:, 0] > 0, "high", "low").astype(object)
    classes[1000:] = None
    report = alignpredict.diagnose(sample.x, sample.y, classes, n_resamples=0)
    assert report.label_kind == "classes" and report.n_labelled == 1000
    assert report.spectra["ca"].n_signal >= 1 and report.regime == "Both"


def test_crossval_r2_matches_a_plain_fold_loop() -> None:
    rng = np.random.default_rng(0)
    scores = rng.standard_normal((90, 3))
    targets = np.column_stack([scores[:, 0] + 0.5 * rng.standard_normal(90), rng.standard_normal(90)])
    folds = fold_assignment(90, 5, rng)
    residual, total = 0.0, 0.0
    for fold in range(5):
        test = folds == fold
        for column in range(2):
            slope, intercept = np.polyfit(scores[~test, 0], targets[~test, column], 1)
            residual += ((targets[test, column] - intercept - slope * scores[test, 0]) ** 2).sum()
            total += ((targets[test, column] - targets[test, column].mean()) ** 2).sum()
    assert crossval_r2(scores, targets, folds)[0] == pytest.approx(1 - residual / total, rel=1e-10)


def test_fold_sums_give_the_moments_of_any_union_of_folds() -> None:
    rng = np.random.default_rng(1)
    x, y = rng.standard_normal((200, 3)) + 5.0, rng.standard_normal((200, 2)) - 2.0
    folds = fold_assignment(200, 4, rng)
    sums = fold_sums(x, y, folds, 4)
    everything = sum(sums[1:], sums[0])
    fit = (everything - sums[2]).moments()
    rows = folds != 2
    joint = np.cov(np.hstack([x[rows], y[rows]]).T, bias=True)
    assert fit.n_rows == rows.sum()
    np.testing.assert_allclose(fit.sxx, joint[:3, :3], atol=1e-10)
    np.testing.assert_allclose(fit.sxy, joint[:3, 3:], atol=1e-10)
    np.testing.assert_allclose(fit.syy, joint[3:, 3:], atol=1e-10)


def test_match_components_undoes_a_reordering_and_sign_flips() -> None:
    rng = np.random.default_rng(2)
    x, y = rng.standard_normal((500, 4)), rng.standard_normal((500, 4))
    sums = fold_sums(x, y, np.zeros(500, dtype=int), 1)
    moments_all = sums[0].moments()
    reference = fit_directions(moments_all, ridge=1e-4)
    shuffle = np.array([2, 0, 3, 1])
    signs = np.array([1.0, -1.0, 1.0, -1.0])
    other = Directions(*(getattr(reference, name)[:, shuffle] * signs for name in ("ca_x", "ca_y", "cp_xy", "cp_yx")))
    for order in match_components(reference, other, moments_all).values():
        assert shuffle[order].tolist() == [0, 1, 2, 3]


def test_split_reads_delta_by_singular_value_not_by_r2_rank() -> None:
    values = np.array([0.9, 0.5, 0.8, 0.1])
    r2 = np.array([0.0, 0.4, 0.01, 0.0])  # the signal component sits below the nuisance at 0.9
    split = split_components(values, r2, threshold=0.05, signal_share=0.5)
    assert split.values.tolist() == [0.9, 0.8, 0.5, 0.1]
    assert split.signal.tolist() == [False, False, True, False]
    assert split.delta == pytest.approx(0.5 / 0.9) and split.n_recovered == 0
    assert separation_ratio(values, np.zeros(4, bool)) == 0.0
    assert separation_ratio(values, np.ones(4, bool)) == float("inf")
    estimated_floor = split_components(values, r2, threshold=0.05, signal_share=0.5, floor=0.4)
    assert estimated_floor.floor == 0.4 and estimated_floor.delta == pytest.approx(0.5 / 0.4)
    assert estimated_floor.n_recovered == 1


def test_singular_values_from_averaged_statistics() -> None:
    """A-statistics are debiased squares (possibly negative); CCA ones correlations; both are clipped
    only after averaging."""
    np.testing.assert_allclose(singular_value("cp_xy", np.array([0.25, -0.01])), [0.5, 0.0])
    np.testing.assert_allclose(singular_value("ca", np.array([1.2, 0.3, -0.1])), [1.0, 0.3, 0.0])


def test_recommendation_strings() -> None:
    assert choose_direction(2.0, 3.0) == "y->x" and choose_direction(1.5, 0.5) == "x->y"
    assert choose_direction(0.9, 1.0) is None
    assert recommend(1.2, "x->y") == "CA or CP (x -> y)"
    assert recommend(1.2, None) == "CA"
    assert recommend(0.8, "y->x") == "CP (y -> x)"
    assert recommend(0.8, None) == NEITHER_ADVICE
