"""The spiked model, its sampler and its population spectra / separation ratios."""

from __future__ import annotations

import numpy as np
import pytest

from alignpredict.theory.model import SpikedModel
from alignpredict.theory.solvers import Covariances, cca_matrix, prediction_matrix
from alignpredict.theory.spectra import delta_ca, delta_cp, eq7_ratio, population_spectra, recovery_counts

E4 = dict(d=20, k=3, kappa=[3.0, 2.0, 1.5], gamma_x=0.5, gamma_y=0.05, gamma_tilde_x=1.0, gamma_tilde_y=50.0)


def heterogeneous_model() -> SpikedModel:
    return SpikedModel(
        d=7,
        k=3,
        kappa=np.array([2.0, 1.3, 0.7]),
        gamma_x=np.array([0.5, 1.0, 0.2]),
        gamma_y=np.array([0.1, 0.3, 2.0]),
        gamma_tilde_x=np.array([1.0, 2.0, 0.5, 3.0]),
        gamma_tilde_y=np.array([4.0, 0.2, 1.0, 2.5]),
        nu=np.array([0.1, 0.6, 0.35, 0.9]),
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"gamma_x": -0.1}, "gamma_x must be >= 0"),
        ({"gamma_tilde_y": -1.0}, "gamma_tilde_y must be >= 0"),
        ({"kappa": [1.0, -2.0, 1.0]}, "kappa must be >= 0"),
        ({"nu": 1.2}, r"\|nu\| <= 1"),
        ({"nu": -1.5}, r"\|nu\| <= 1"),
        ({"k": 21}, "1 <= k <= d"),
        ({"k": 0}, "1 <= k <= d"),
        ({"kappa": [1.0, 2.0]}, r"kappa must be a scalar or have shape \(3,\)"),
        ({"nu": None}, "exactly one of nu"),
        ({"eta": 0.5}, "exactly one of nu"),
    ],
)
def test_bad_parameters_raise_clear_errors(changes: dict, message: str) -> None:
    params = {**E4, "nu": 0.3, **changes}
    with pytest.raises(ValueError, match=message):
        SpikedModel(**params)


def test_eta_above_the_covariance_bound_raises() -> None:
    with pytest.raises(ValueError, match="eta must satisfy"):
        SpikedModel(**E4, eta=np.sqrt(50.0) * 1.01)


def test_parameters_broadcast_and_nu_eta_are_consistent() -> None:
    model = SpikedModel(**E4, nu=0.4)
    assert model.gamma_x.shape == (3,) and model.gamma_tilde_y.shape == (17,)
    np.testing.assert_allclose(model.eta, 0.4 * np.sqrt(50.0))
    from_eta = SpikedModel(**E4, eta=model.eta)
    np.testing.assert_allclose(from_eta.nu, 0.4)


def test_sample_is_seeded_and_shaped() -> None:
    model = SpikedModel(**E4, nu=0.5)
    first, again, other = model.sample(50, 3), model.sample(50, 3), model.sample(50, 4)
    assert first.x.shape == (50, 20) and first.y.shape == (50, 20) and first.signal.shape == (50, 3)
    np.testing.assert_array_equal(first.x, again.x)
    assert not np.allclose(first.x, other.x)
    np.testing.assert_allclose(first.q_x @ first.q_x.T, np.eye(20), atol=1e-12)
    np.testing.assert_array_equal(first.q_x, model.bases(3)[0])


def test_sample_with_basis_seed_shares_the_bases_but_not_the_draws() -> None:
    model = SpikedModel(**E4, nu=0.5)
    train, test = model.sample(30, 0), model.sample(30, 1000, basis_seed=0)
    np.testing.assert_array_equal(train.q_x, test.q_x)
    assert not np.allclose(train.signal, test.signal)


def test_sample_at_nu_one_is_valid_and_perfectly_correlated() -> None:
    model = SpikedModel(**E4, nu=1.0)
    sample = model.sample(200, 0)
    nuisance_x = (sample.x @ sample.q_x)[:, 3:]
    nuisance_y = (sample.y @ sample.q_y)[:, 3:]
    assert np.all(np.isfinite(sample.y))
    np.testing.assert_allclose(nuisance_y, nuisance_x * np.sqrt(50.0), atol=1e-9)


def test_sample_covariance_approaches_the_population() -> None:
    model = heterogeneous_model()
    sample = model.sample(200_000, 1)
    cov = Covariances.from_data(sample.x, sample.y)
    for empirical, population in zip((cov.sxx, cov.syy, cov.sxy), model.population_covariances(1)):
        assert np.max(np.abs(empirical - population)) < 0.05


def test_wishart_covariances_average_to_the_population_in_the_q_coordinates() -> None:
    model = SpikedModel(
        d=5, k=2, kappa=[3.0, 2.0], gamma_x=0.5, gamma_y=0.05, gamma_tilde_x=1.0, gamma_tilde_y=4.0, nu=1.0
    )
    n, draws = 100, []
    for seed in range(300):
        _, _, sxy = model.sample_covariances(n, seed)
        q_x, q_y = model.bases(seed)
        draws.append(q_x.T @ sxy @ q_y)
    expected = np.diag(np.concatenate([model.kappa**2, model.eta])) * (n - 1) / n
    np.testing.assert_allclose(np.mean(draws, axis=0), expected, atol=0.3)
    np.testing.assert_array_equal(model.sample_covariances(n, 7)[0], model.sample_covariances(n, 7)[0])


def test_wishart_needs_more_samples_than_dimensions() -> None:
    with pytest.raises(ValueError, match="n must be > 2d"):
        SpikedModel(**E4, nu=0.2).sample_covariances(30, 0)


def test_population_spectra_of_c_and_a_match_the_closed_forms() -> None:
    model = heterogeneous_model()
    cov = Covariances(*model.population_covariances(5))
    spectra = population_spectra(model)
    c_values = np.linalg.svd(cca_matrix(cov), compute_uv=False)
    a_values = np.linalg.svd(prediction_matrix(cov), compute_uv=False)
    np.testing.assert_allclose(c_values, np.sort(np.concatenate([spectra["rho"], spectra["nu"]]))[::-1], atol=1e-10)
    np.testing.assert_allclose(a_values, np.sort(np.concatenate([spectra["tau"], spectra["xi"]]))[::-1], atol=1e-10)


def test_homogeneous_deltas_equal_the_closed_forms() -> None:
    kappa, gx, gy, gtx, gty, nu = 1.7, 0.8, 0.3, 2.0, 6.0, 0.45
    model = SpikedModel(d=9, k=2, kappa=kappa, gamma_x=gx, gamma_y=gy, gamma_tilde_x=gtx, gamma_tilde_y=gty, nu=nu)
    k2 = kappa**2
    assert delta_ca(model) == pytest.approx(k2 / np.sqrt((k2 + gx) * (k2 + gy)) / nu, rel=1e-12)
    assert delta_cp(model) == pytest.approx(k2 / np.sqrt(k2 + gx) / (nu * np.sqrt(gty)), rel=1e-12)
    swapped = model.swapped()
    assert delta_cp(swapped) == pytest.approx(k2 / np.sqrt(k2 + gy) / (nu * np.sqrt(gtx)), rel=1e-12)
    assert delta_ca(swapped) == pytest.approx(delta_ca(model), rel=1e-12)


def test_eq7_ratio_matches_the_closed_form_and_has_no_nan_at_nu_zero() -> None:
    for nu in (0.0, 0.3, 0.9):
        model = SpikedModel(**E4, nu=nu)
        assert eq7_ratio(model) == pytest.approx(np.sqrt(50.0 / (1.5**2 + 0.05)), rel=1e-12)
    assert eq7_ratio(SpikedModel(**E4, nu=0.5)) == pytest.approx(4.66, abs=0.005)
    zero = SpikedModel(**E4, nu=0.0)
    assert delta_ca(zero) == np.inf and delta_cp(zero) == np.inf


def test_eq7_ratio_at_kappa_zero_is_its_limit_and_infinite_without_target_noise() -> None:
    params = dict(d=2, k=1, kappa=0.0, gamma_x=1.0, gamma_tilde_x=1.0, gamma_tilde_y=5.0, nu=0.5)
    assert eq7_ratio(SpikedModel(**params, gamma_y=0.2)) == pytest.approx(np.sqrt(5.0 / 0.2), rel=1e-12)
    assert eq7_ratio(SpikedModel(**params, gamma_y=0.0)) == np.inf  # sqrt(5 / (0 + 0)), no ZeroDivisionError


def test_eq7_ratio_is_the_quotient_of_the_deltas_when_they_are_finite() -> None:
    model = heterogeneous_model()
    assert eq7_ratio(model) == pytest.approx(delta_ca(model) / delta_cp(model), rel=1e-12)


def test_recovery_counts_count_signal_values_above_the_nuisance_floor() -> None:
    model = SpikedModel(**E4, nu=0.92)  # rho = .971, .937, .895 vs nu = .92: two above
    assert recovery_counts(model)[0] == 2
    assert recovery_counts(SpikedModel(**E4, nu=0.25))[1] == 2  # tau/sqrt(50) = .413, .267, .192 vs .25
    assert recovery_counts(SpikedModel(**E4, nu=0.0)) == (3, 3)
