"""Finite-sample validation helpers and the linear InfoNCE trainer."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch

from alignpredict.objectives.infonce import infonce_loss
from alignpredict.theory.infonce import first_failures, train_linear_infonce
from alignpredict.theory.metrics import projector_distance, subspace_distance
from alignpredict.theory.solvers import Covariances, solve_cp
from alignpredict.theory.validation import (
    crossing,
    joint_lambda_sweep,
    measured_thresholds,
    model_at,
    nu_sweep,
    nu_thresholds,
    partial_recovery,
    prediction_sweep,
    summarise,
)

E4 = {
    "d": 20,
    "k": 3,
    "kappa": [3.0, 2.0, 1.5],
    "gamma_x": 0.5,
    "gamma_y": 0.05,
    "gamma_tilde_x": 1.0,
    "gamma_tilde_y": 50.0,
}


def test_nu_thresholds_of_the_e4_setup() -> None:
    ca, cp = nu_thresholds(model_at(E4, nu=0.3))
    assert ca == pytest.approx(0.8946, abs=1e-4)
    assert cp == pytest.approx(0.1919, abs=1e-4)


def test_crossing_interpolates_and_reports_never() -> None:
    x = np.array([0.0, 1.0, 2.0, 3.0])
    assert crossing(x, np.array([0.0, 0.1, 0.3, 0.9]), 0.2) == pytest.approx(1.5)
    assert crossing(x, np.array([0.5, 0.6, 0.7, 0.9]), 0.2) == 0.0
    assert np.isnan(crossing(x, np.zeros(4), 0.2))


def test_summarise_gives_mean_and_std_over_seeds() -> None:
    frame = pd.DataFrame({"nu": [0.1, 0.1, 0.2, 0.2], "seed": [0, 1, 0, 1], "distance": [1.0, 3.0, 2.0, 2.0]})
    summary = summarise(frame, ["nu"])
    assert list(summary.columns) == ["nu", "distance_mean", "distance_std"]
    np.testing.assert_allclose(summary["distance_mean"], [2.0, 2.0])
    np.testing.assert_allclose(summary["distance_std"], [1.0, 0.0])


def test_wishart_and_data_sampling_give_the_same_cp_error_distribution() -> None:
    model = model_at(E4, nu=0.1)
    from_data, from_wishart = [], []
    for seed in range(12):
        sample = model.sample(5000, seed)
        from_data.append(
            subspace_distance(solve_cp(Covariances.from_data(sample.x, sample.y), 3).encoder, sample.truth_x)
        )
    frame = nu_sweep(E4, np.array([0.1]), 12, [5000])
    from_wishart = frame["distance_cp"].to_numpy()
    spread = np.hypot(np.std(from_data), np.std(from_wishart)) / np.sqrt(12)
    assert abs(np.mean(from_data) - np.mean(from_wishart)) < 4 * spread
    assert 0.05 < np.mean(from_wishart) < 0.3  # finite-n failure below the population threshold .192


def test_e4_measured_thresholds_approach_theory_with_n() -> None:
    nus = np.linspace(0.0, 0.95, 20)
    summary = summarise(nu_sweep(E4, nus, 3, [5000, 100_000]), ["n", "nu"])
    small, large = measured_thresholds(summary, model_at(E4, nu=0.0))
    assert small["measured_nu_cp"] < large["measured_nu_cp"] <= small["theory_nu_cp"] + 0.03
    assert abs(large["measured_nu_cp"] - large["theory_nu_cp"]) < 0.05
    assert abs(large["measured_nu_ca"] - large["theory_nu_ca"]) < 0.03


def test_e5_ca_probe_beats_cp_on_signal_in_the_ca_only_region() -> None:
    frame = prediction_sweep(E4, np.array([0.5]), 2, 2000, 1000)
    assert (frame["delta_ca"] > 1).all() and (frame["delta_cp"] < 1).all()
    assert (frame["signal_mse_ca_probe"] < frame["signal_mse_cp"]).all()
    assert (frame["total_mse_cp"] < frame["total_mse_ca_probe"]).all()


def test_e6_joint_moves_from_cp_to_cca() -> None:
    base = {**E4, "kappa": [3.0, 2.5, 2.0], "gamma_y": 0.1, "gamma_tilde_y": 10.0, "eta": 2.0}
    frame = joint_lambda_sweep(base, np.array([0.0, 1e4]), 2, 5000)
    at_zero, at_large = frame[frame["lam"] == 0.0], frame[frame["lam"] == 1e4]
    assert (at_zero["distance_to_cp"] < 1e-9).all() and (at_large["distance_to_ca"] < 1e-3).all()
    assert (at_large["distance_to_truth"].to_numpy() < at_zero["distance_to_truth"].to_numpy()).all()


def test_e7_counts_agree_with_theory_away_from_boundaries() -> None:
    base = {"d": 20, "k": 5, "gamma_x": 1.0, "gamma_y": 0.05, "gamma_tilde_x": 1.0, "gamma_tilde_y": 5.0}
    frame = partial_recovery(base, np.array([3.0]), np.array([0.0, 0.5, 0.855, 0.99]), [0.8], 1, 20_000)
    np.testing.assert_array_equal(frame["r_ca_theory"], [5, 5, 3, 0])  # rho = .946 .919 .881 .829 .763
    np.testing.assert_array_equal(frame["r_cp_theory"][:2], [5, 4])  # tau = 2.85 2.22 1.70 1.29 .95 vs .5 sqrt(5)
    np.testing.assert_array_equal(frame["r_ca_empirical"], frame["r_ca_theory"])
    np.testing.assert_array_equal(frame["r_cp_empirical"][:2], frame["r_cp_theory"][:2])


def test_symmetric_infonce_is_log_batch_for_uninformative_features() -> None:
    constant = torch.ones(2, 8, 3)
    loss = infonce_loss(constant, constant, 0.1)
    np.testing.assert_allclose(loss.numpy(), np.log(8.0), rtol=1e-6)


def test_linear_infonce_learns_the_signal_without_nuisance_correlation(one_torch_thread) -> None:
    model = model_at({**E4, "d": 8, "gamma_tilde_y": 1.0}, nu=0.0)
    samples = [model.sample(1000, seed) for seed in range(2)]
    x = np.stack([s.x for s in samples])
    y = np.stack([s.y for s in samples])
    w, steps = train_linear_infonce(
        x, y, 3, 0.1, seed=0, batch_size=64, learning_rate=0.05, max_steps=150, patience_window=25, tolerance=1e-4
    )
    assert w.shape == (2, 3, 8) and steps.shape == (2,) and np.all(steps <= 150)
    for weights, sample in zip(w, samples):
        assert projector_distance(weights, sample.truth_x) < 0.3
    with pytest.raises(ValueError, match="runs, n, d"):
        train_linear_infonce(x[0], y[0], 3, 0.1, 0, 128, 0.01, 10, 5, 1e-4)


def test_first_failures_reads_the_first_nu_above_the_level() -> None:
    summary = pd.DataFrame(
        {
            "method": ["CA", "CA", "CA", "CP", "CP", "CP"],
            "nu": [0.1, 0.5, 0.9, 0.1, 0.5, 0.9],
            "projector_distance_mean": [0.0, 0.1, 0.8, 0.6, 0.9, 0.9],
        }
    )
    assert first_failures(summary, 0.5) == {"CA": 0.9, "CP": 0.1}
    assert np.isnan(first_failures(summary, 0.95)["CA"])
