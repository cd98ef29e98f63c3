"""Vectorised phase grids against the model's spectra, closed-form boundaries and the regime table."""

from __future__ import annotations

import time

import numpy as np
import pytest

from alignpredict.plots.phase_diagram import frame_durations, out_and_back
from alignpredict.theory.model import SpikedModel
from alignpredict.theory.phase_grid import (
    boundary_crossing,
    ca_boundary,
    cp_boundary,
    geometric_kappas,
    homogeneous_grid,
    partial_recovery_grid,
)
from alignpredict.theory.regimes import REGIMES, classify_regime
from alignpredict.theory.spectra import delta_ca, delta_cp, recovery_counts

PANEL_A = dict(gamma_x=1.0, gamma_y=0.05, gamma_tilde_y=5.0)
PANEL_B = dict(gamma_x=1.0, gamma_y=0.05, gamma_tilde_y=0.05)


def test_grid_matches_the_model_spectra_point_by_point() -> None:
    kappa, nu = np.linspace(0.0, 3.0, 13), np.linspace(0.0, 1.0, 11)
    grid = homogeneous_grid(kappa, nu, 0.7, 0.2, 3.0, gamma_tilde_x=2.0)
    for i in (0, 3, 10):
        for j in (0, 4, 12):
            model = SpikedModel(
                d=6, k=2, kappa=kappa[j], gamma_x=0.7, gamma_y=0.2, gamma_tilde_x=2.0, gamma_tilde_y=3.0, nu=nu[i]
            )
            assert grid.delta_ca[i, j] == pytest.approx(delta_ca(model), rel=1e-12)
            assert grid.delta_cp[i, j] == pytest.approx(delta_cp(model), rel=1e-12)
            assert REGIMES[grid.regime[i, j]] == classify_regime(delta_ca(model), delta_cp(model))


def test_regime_table() -> None:
    assert [classify_regime(a, b) for a, b in [(2, 2), (2, 0.5), (0.5, 2), (0.5, 0.5), (1.0, 1.0)]] == [
        "Both",
        "CA only",
        "CP only",
        "Neither",
        "Neither",
    ]
    grid = homogeneous_grid(np.array([1.0, 2.8]), np.array([0.2, 0.5, 0.97]), **PANEL_A)
    assert [[REGIMES[c] for c in row] for row in grid.regime] == [
        ["Both", "Both"],
        ["CA only", "Both"],
        ["Neither", "CP only"],
    ]


def test_boundaries_equal_the_closed_forms() -> None:
    kappa = np.linspace(0.0, 3.0, 7)
    gx, gy, gty = 1.0, 0.05, 5.0
    k2 = kappa**2
    np.testing.assert_allclose(ca_boundary(kappa, gx, gy), k2 / np.sqrt((k2 + gx) * (k2 + gy)))
    np.testing.assert_allclose(cp_boundary(kappa, gx, gty), k2 / (np.sqrt(k2 + gx) * np.sqrt(gty)))
    nu = np.array([0.999, 1.001])
    for j in range(1, 7):
        below = homogeneous_grid(
            kappa[j : j + 1], nu * ca_boundary(kappa[j : j + 1], gx, gy).clip(max=0.99), gx, gy, gty
        )
        assert below.delta_ca[0, 0] > 1 > below.delta_ca[1, 0]
        level = cp_boundary(kappa[j : j + 1], gx, gty)
        if level[0] < 0.99:
            around = homogeneous_grid(kappa[j : j + 1], nu * level, gx, gy, gty)
            assert around.delta_cp[0, 0] > 1 > around.delta_cp[1, 0]


def test_eq7_ratio_holds_on_the_grid() -> None:
    kappa, nu = np.linspace(0.1, 3.0, 20), np.linspace(0.05, 1.0, 20)
    grid = homogeneous_grid(kappa, nu, **PANEL_A)
    expected = np.broadcast_to(np.sqrt(5.0 / (kappa**2 + 0.05)), grid.delta_ca.shape)
    np.testing.assert_allclose(grid.delta_ca / grid.delta_cp, expected, rtol=1e-12)


def test_nu_zero_gives_infinite_ratios_and_no_nan() -> None:
    grid = homogeneous_grid(np.linspace(0.0, 3.0, 50), np.linspace(0.0, 1.0, 50), **PANEL_A)
    assert not np.isnan(grid.delta_ca).any() and not np.isnan(grid.delta_cp).any()
    assert np.all(np.isinf(grid.delta_ca[0])) and np.all(grid.regime[0] == 0)


def test_panel_a_has_a_ca_only_wedge_left_of_the_crossing_and_panel_b_none() -> None:
    kappa, nu = np.linspace(0.0, 3.0, 301), np.linspace(0.0, 1.0, 301)
    crossing = boundary_crossing(0.05, 5.0)
    assert crossing == pytest.approx(2.2249, abs=1e-4)
    assert ca_boundary(np.array([crossing]), 1.0, 0.05)[0] == pytest.approx(
        cp_boundary(np.array([crossing]), 1.0, 5.0)[0]
    )
    a = homogeneous_grid(kappa, nu, **PANEL_A)
    ca_only = a.regime == REGIMES.index("CA only")
    assert ca_only[:, kappa < crossing - 0.02].any()
    assert not ca_only[:, kappa > crossing + 0.02].any()
    assert (a.regime[:, kappa > crossing + 0.05] == REGIMES.index("CP only")).any()
    b = homogeneous_grid(kappa, nu, **PANEL_B)
    assert not (b.regime == REGIMES.index("CA only")).any()
    assert np.isnan(boundary_crossing(0.05, 0.05))


def test_thousand_by_thousand_grid_is_fast() -> None:
    kappa, nu = np.linspace(0.0, 3.0, 1000), np.linspace(0.0, 1.0, 1000)
    homogeneous_grid(kappa, nu, **PANEL_A)
    start = time.perf_counter()
    grid = homogeneous_grid(kappa, nu, **PANEL_A)
    assert time.perf_counter() - start < 1.0
    assert grid.regime.shape == (1000, 1000)


def test_partial_recovery_grid_matches_recovery_counts() -> None:
    kappa_bar, nu = np.linspace(0.0, 3.0, 7), np.linspace(0.0, 1.0, 6)
    r_ca, r_cp = partial_recovery_grid(kappa_bar, nu, 0.6, 5, 1.0, 0.05, 5.0)
    for i in range(6):
        for j in range(7):
            model = SpikedModel(
                d=20,
                k=5,
                kappa=geometric_kappas(kappa_bar[j], 0.6, 5),
                gamma_x=1.0,
                gamma_y=0.05,
                gamma_tilde_x=1.0,
                gamma_tilde_y=5.0,
                nu=nu[i],
            )
            assert (r_ca[i, j], r_cp[i, j]) == recovery_counts(model)
    assert 0 < r_ca.max() <= 5 and (0 < r_ca).any() and ((0 < r_ca) & (r_ca < 5)).any()


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: homogeneous_grid(np.array([1.0]), np.array([1.5]), **PANEL_A), r"\|nu\| <= 1"),
        (lambda: homogeneous_grid(np.array([-1.0]), np.array([0.5]), **PANEL_A), "kappa is a standard deviation"),
        (
            lambda: homogeneous_grid(np.array([1.0]), np.array([0.5]), 1.0, -0.1, 5.0),
            "gamma_y must be a finite variance",
        ),
        (lambda: geometric_kappas(np.array([1.0]), 1.5, 3), "decay must be in"),
    ],
)
def test_bad_grid_parameters_raise(call, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()


def test_gif_schedule_goes_out_and_back_with_held_ends() -> None:
    values = out_and_back(0.05, 5.0, 60)
    assert len(values) == 60 and values[0] == 0.05 and values.max() == 5.0 and values[30] == 5.0
    assert values[-1] > 0.05 and np.all(np.diff(values[:31]) > 0) and np.all(np.diff(values[30:]) < 0)
    durations = frame_durations(60, 15.0, 10)
    assert len(durations) == 60 and durations[0] == durations[30] == pytest.approx(10 * 1000 / 15)
    assert durations[1] == pytest.approx(1000 / 15) and sum(durations) == pytest.approx((58 + 20) * 1000 / 15)
    with pytest.raises(ValueError, match="at least 3 frames"):
        out_and_back(0.0, 1.0, 2)
