"""Closed-form CA, CP, CA + probe and the joint objective; ground-truth metrics."""

from __future__ import annotations

import numpy as np
import pytest

from alignpredict.theory.metrics import (
    mean_squared_error,
    projector_distance,
    recovered_directions,
    row_space,
    subspace_distance,
)
from alignpredict.theory.model import SpikedModel
from alignpredict.theory.solvers import (
    Covariances,
    fit_probe,
    inverse_sqrt,
    solve_ca,
    solve_cp,
    solve_joint,
)
from alignpredict.theory.spectra import delta_ca, delta_cp

RECOVERABLE = SpikedModel(d=10, k=2, kappa=2.0, gamma_x=0.5, gamma_y=0.5, gamma_tilde_x=1.0, gamma_tilde_y=1.0, nu=0.3)
UNRECOVERABLE = SpikedModel(
    d=10, k=2, kappa=1.0, gamma_x=1.0, gamma_y=1.0, gamma_tilde_x=1.0, gamma_tilde_y=4.0, nu=0.8
)


@pytest.fixture(scope="module")
def recoverable_fit():
    sample = RECOVERABLE.sample(20_000, 0)
    return sample, Covariances.from_data(sample.x, sample.y)


@pytest.fixture(scope="module")
def unrecoverable_fit():
    sample = UNRECOVERABLE.sample(20_000, 0)
    return sample, Covariances.from_data(sample.x, sample.y)


def test_the_two_settings_sit_on_either_side_of_delta_one() -> None:
    assert delta_ca(RECOVERABLE) > 1.3 and delta_cp(RECOVERABLE) > 1.3
    assert delta_ca(UNRECOVERABLE) < 0.7 and delta_cp(UNRECOVERABLE) < 0.7


def test_sample_ca_and_cp_recover_the_signal_when_delta_is_large(recoverable_fit) -> None:
    sample, cov = recoverable_fit
    assert subspace_distance(solve_ca(cov, 2).w, sample.truth_x) < 0.05
    assert subspace_distance(solve_cp(cov, 2).encoder, sample.truth_x) < 0.05


def test_sample_ca_and_cp_fail_when_delta_is_small(unrecoverable_fit) -> None:
    sample, cov = unrecoverable_fit
    assert subspace_distance(solve_ca(cov, 2).w, sample.truth_x) > 0.3
    assert subspace_distance(solve_cp(cov, 2).encoder, sample.truth_x) > 0.3


def test_population_solvers_recover_exactly_when_delta_exceeds_one() -> None:
    cov = Covariances(*RECOVERABLE.population_covariances(4))
    truth = RECOVERABLE.bases(4)[0][:, :2]
    assert subspace_distance(solve_ca(cov, 2).w, truth) < 1e-12
    assert subspace_distance(solve_cp(cov, 2).encoder, truth) < 1e-12


def test_ca_satisfies_its_constraint_and_reports_canonical_correlations(recoverable_fit) -> None:
    _, cov = recoverable_fit
    result = solve_ca(cov, 2)
    np.testing.assert_allclose(result.w @ cov.sxy @ result.v.T, np.eye(2), atol=1e-10)
    features_x_cov = result.w @ cov.sxx @ result.w.T
    np.testing.assert_allclose(np.diag(features_x_cov), 1.0 / result.phi[:2], rtol=1e-10)


def test_full_rank_cp_is_ordinary_least_squares(recoverable_fit) -> None:
    _, cov = recoverable_fit
    result = solve_cp(cov, 10)
    ols = np.linalg.solve(cov.sxx, cov.sxy).T
    np.testing.assert_allclose(result.decoder @ result.encoder, ols, atol=1e-10)


def test_probe_is_least_squares_on_the_frozen_features(recoverable_fit) -> None:
    sample, cov = recoverable_fit
    w = solve_ca(cov, 2).w
    features = (sample.x - sample.x.mean(0)) @ w.T
    target = sample.y - sample.y.mean(0)
    expected, *_ = np.linalg.lstsq(features, target, rcond=None)
    np.testing.assert_allclose(fit_probe(w, cov), expected.T, atol=1e-8)


def test_joint_objective_is_cp_at_zero_and_cca_for_large_lambda() -> None:
    model = SpikedModel(
        d=20, k=3, kappa=[3.0, 2.5, 2.0], gamma_x=0.5, gamma_y=0.1, gamma_tilde_x=1.0, gamma_tilde_y=10.0, eta=2.0
    )
    cov = Covariances(*model.sample_covariances(5000, 0))
    cp_basis = row_space(solve_cp(cov, 3).encoder)
    ca_basis = row_space(solve_ca(cov, 3).w)
    assert subspace_distance(cp_basis.T, ca_basis) > 0.1  # the two differ here (Delta_CP < 1 < Delta_CA)
    assert subspace_distance(solve_joint(cov, 3, 0.0).w, cp_basis) < 1e-10
    assert subspace_distance(solve_joint(cov, 3, 1e6).w, ca_basis) < 1e-6
    joint = solve_joint(cov, 3, 5.0)
    np.testing.assert_allclose(joint.v, np.linalg.solve(cov.syy, (joint.w @ cov.sxy).T).T)


def test_inverse_sqrt_whitens_and_ridge_shifts() -> None:
    rng = np.random.default_rng(0)
    a = rng.standard_normal((6, 6))
    s = a @ a.T + 0.1 * np.eye(6)
    root = inverse_sqrt(s)
    np.testing.assert_allclose(root @ s @ root, np.eye(6), atol=1e-9)
    ridged = inverse_sqrt(s, ridge=2.0)
    np.testing.assert_allclose(ridged @ (s + 2 * np.eye(6)) @ ridged, np.eye(6), atol=1e-9)
    assert np.all(np.isfinite(inverse_sqrt(np.zeros((3, 3)))))


def test_covariances_are_centred() -> None:
    sample = RECOVERABLE.sample(500, 1)
    plain = Covariances.from_data(sample.x, sample.y)
    shifted = Covariances.from_data(sample.x + 7.0, sample.y - 3.0)
    np.testing.assert_allclose(plain.sxy, shifted.sxy, atol=1e-10)
    np.testing.assert_allclose(plain.ridged(0.5).sxx, plain.sxx + 0.5 * np.eye(10))


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda cov: solve_ca(cov, 11), "k must be between 1"),
        (lambda cov: solve_cp(cov, 0), "k must be between 1"),
        (lambda cov: solve_joint(cov, 2, -1.0), "lam must be >= 0"),
        (lambda cov: cov.ridged(-1.0), "ridge must be >= 0"),
    ],
)
def test_solver_arguments_are_checked(recoverable_fit, call, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call(recoverable_fit[1])


def test_covariances_reject_mismatched_or_nonfinite_data() -> None:
    with pytest.raises(ValueError, match="same n"):
        Covariances.from_data(np.zeros((5, 2)), np.zeros((4, 2)))
    bad = np.ones((5, 2))
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="must be finite"):
        Covariances.from_data(bad, np.ones((5, 2)))


def test_subspace_metrics_on_known_subspaces() -> None:
    truth = np.eye(4)[:, :2]
    assert subspace_distance(np.array([[2.0, 0, 0, 0], [1.0, 3.0, 0, 0]]), truth) == pytest.approx(0.0, abs=1e-12)
    assert subspace_distance(np.eye(4)[2:], truth) == pytest.approx(1.0)
    half = np.array([[1.0, 0, 0, 0], [0, 0, 1.0, 0]])
    assert subspace_distance(half, truth) == pytest.approx(0.5)
    tilted = np.array([[1.0, 0, 0, 0], [0, np.cos(0.4), np.sin(0.4), 0]])
    basis = row_space(tilted)
    explicit = np.linalg.norm(basis @ basis.T - truth @ truth.T) / np.sqrt(4)
    assert projector_distance(tilted, truth) == pytest.approx(explicit, rel=1e-10)
    np.testing.assert_array_equal(recovered_directions(tilted, truth), [True, np.cos(0.4) ** 2 >= 0.8])
    np.testing.assert_array_equal(recovered_directions(half, truth), [True, False])


def test_mean_squared_error_and_its_checks() -> None:
    assert mean_squared_error(np.ones((4, 3)), np.zeros((4, 3))) == pytest.approx(3.0)
    with pytest.raises(ValueError, match="shapes differ"):
        mean_squared_error(np.ones((4, 3)), np.ones((4, 2)))
    with pytest.raises(ValueError, match="different dimensions"):
        subspace_distance(np.ones((1, 3)), np.eye(4)[:, :1])
