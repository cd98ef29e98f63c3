"""The measured phase diagram: the stacked ensemble trains exactly what one-at-a-time training would, linear mode
recovers the signal where the theory says so and loses it where it says not, the CSV has the columns the explorer
reads, the nonlinear map is well conditioned, and bad settings get one line."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch

from alignpredict import reproduce
from alignpredict.app_checks import check_phase_empirical
from alignpredict.explorer.empirical import REQUIRED_COLUMNS, load_empirical
from alignpredict.phase_empirical import ensemble
from alignpredict.phase_empirical.agreement import agreement_table, empirical_ca_boundaries
from alignpredict.phase_empirical.data import build_data, data_sets, grid_cells, moments, whitened
from alignpredict.phase_empirical.observation import NonlinearMap
from alignpredict.phase_empirical.recovery import cv_r2, recovery
from alignpredict.reliability import load_catalogue, run_catalogue
from alignpredict.settings_check import SettingError
from alignpredict.theory.regimes import REGIMES

PANELS = {
    "a": {"gamma_x": 1.0, "gamma_y": 0.05, "gamma_tilde_y": 5.0},
    "b": {"gamma_x": 1.0, "gamma_y": 0.05, "gamma_tilde_y": 0.05},
}
TINY = ["grid.resolution=3", "seeds=[0]", "n=2000", "n_eval=600", "epochs=12", "figure.dpi=40"]


@pytest.fixture(scope="module")
def linear_run(tmp_path_factory) -> pd.DataFrame:
    """One tiny linear-mode run of the app's runner: 2 panels x 3 x 3 cells x 1 seed x (ca, cp)."""
    from hydra import compose, initialize_config_dir

    from alignpredict.phase_empirical.run import run

    out = tmp_path_factory.mktemp("phase_empirical")
    conf = Path(__file__).resolve().parents[1] / "conf"
    with initialize_config_dir(config_dir=str(conf), version_base="1.3"):
        cfg = compose("phase_empirical", overrides=[*TINY, "mode=linear", f"out_dir={out}"])
    before = torch.get_num_threads()
    run(cfg)
    torch.set_num_threads(before)
    frame = pd.read_csv(out / "phase_empirical.csv")
    frame.attrs["out"] = out
    return frame


def test_linear_mode_recovers_exactly_where_the_theory_says(linear_run):
    far = linear_run[(linear_run["delta"] > 1.3) | (linear_run["delta"] < 0.7)]
    for objective in ("ca", "cp"):
        block = far[far["objective"] == objective]
        wins, losses = block[block["theory_success"] == 1], block[block["theory_success"] == 0]
        assert len(wins) >= 3 and len(losses) >= 1, objective  # the tiny grid has both kinds of far cells
        assert wins["recovery"].median() > 0.8, (objective, wins["recovery"].tolist())
        assert losses["recovery"].max() < 0.3, (objective, losses["recovery"].tolist())
    table = agreement_table(linear_run, 0.3, 0.5)
    assert (table["agreement"] >= 0.9).all(), table
    # in the theory's own setting a trained CA encoder spans (nearly) the true subspace where it succeeds
    ca_wins = far[(far["objective"] == "ca") & (far["theory_success"] == 1)]
    assert ca_wins["subspace_distance"].median() < 0.2


def test_csv_columns_values_and_explorer_layer(linear_run):
    assert set(REQUIRED_COLUMNS) <= set(linear_run.columns)
    assert len(linear_run) == 2 * 9 * 1 * 2
    assert set(linear_run["objective"]) == {"ca", "cp"} and set(linear_run["mode"]) == {"linear"}
    assert set(linear_run["success"]) <= {0, 1} and set(linear_run["regime"]) <= set(REGIMES)
    assert linear_run[["kappa", "nu"]].gt(0).all().all()  # cell centres: no cell on an axis
    out = linear_run.attrs["out"]
    layer = load_empirical(out / "phase_empirical.csv")  # the explorer reads it as its success-map layer
    assert len(layer["cells"]) == 2 * 9 * 2 and layer["panels"]["a"]["gamma_tilde_y"] == 5.0
    assert (out / "phase_empirical.png").stat().st_size > 10_000
    assert "| linear | ca |" in (out / "agreement.md").read_text()


def test_stacked_ensemble_equals_training_one_after_another():
    """vmap over stacked parameters with one Adam is the same computation as one model and one Adam at a time."""
    cells = grid_cells(PANELS, 2, 3.0, 1.0, 1.0).iloc[:3]
    data = build_data(data_sets(cells, [0]), 6, 2, 200, 20, "linear", None)
    views = {"x": torch.from_numpy(data.x[:, :200]), "y": torch.from_numpy(data.y[:, :200])}
    stats = moments(views["x"], views["y"], 200)
    views["x_white"] = whitened(views["x"], stats.mean_x, stats.sxx)
    for name in ("ca", "infonce", "cp", "cp_rev"):
        stacked, alone = (ensemble.make_groups([name], [1, 2, 3], {"x": 6, "y": 6}, 8, 2) for _ in range(2))
        ensemble.train_stacked(stacked, views, 2, 50, 1e-2, 0)
        ensemble.train_one_after_another(alone, views, 2, 50, 1e-2, 0, models=3)
        for role, layers in stacked[0].params.items():
            for key, tensor in layers.items():
                torch.testing.assert_close(tensor, alone[0].params[role][key], atol=2e-5, rtol=1e-4)


def test_recovery_is_one_for_the_signal_and_zero_for_noise():
    rng = np.random.default_rng(0)
    signal = rng.standard_normal((1, 4000, 2))
    noisy = signal + rng.standard_normal(signal.shape)  # ceiling with kappa = 1, gamma = 1: R^2 = 1/2
    unrelated = rng.standard_normal((1, 4000, 2))
    full = recovery(torch.tensor(noisy), torch.tensor(signal), np.array([1.0]), np.array([1.0]), 5)
    none = recovery(torch.tensor(unrelated), torch.tensor(signal), np.array([1.0]), np.array([1.0]), 5)
    assert full[0] == pytest.approx(1.0, abs=0.05) and abs(none[0]) < 0.02
    assert float(cv_r2(torch.tensor(signal), torch.tensor(signal), 5)[0]) == pytest.approx(1.0)


def test_nonlinear_map_is_well_conditioned_and_hides_signal_from_linear_read_out():
    mapping = NonlinearMap(d=5, seed=3, gain=2.0)
    rng = np.random.default_rng(1)
    z = rng.standard_normal((1, 5))
    eps = 1e-6
    jacobian = np.stack([(mapping(z + eps * e, 1.0) - mapping(z - eps * e, 1.0))[0] / (2 * eps) for e in np.eye(5)])
    np.testing.assert_allclose(jacobian @ jacobian.T, 2.0 * np.eye(5), atol=1e-5)  # J^T J = g^2 / 2 I
    latent = rng.standard_normal((1, 4000, 5))
    observed = mapping(latent[0], 1.0)[None]
    linear = float(cv_r2(torch.tensor(observed), torch.tensor(latent), 5)[0])
    assert linear < 0.9  # a linear read-out of the observation misses part of the latent
    with pytest.raises(ValueError, match="width_factor >= 2"):
        NonlinearMap(d=5, seed=0, width_factor=1)


def test_empirical_boundary_is_the_lowest_nu_from_which_every_cell_fails():
    rows = [
        {
            "panel": "a",
            "mode": "linear",
            "objective": "ca",
            "kappa": 1.0,
            "nu": nu,
            "success": s,
            "recovery": s,
            "unimodal_recovery": 1.0,
            "theory_success": 1,
            "delta": 2.0,
            "regime": "Both",
            "gamma_x": 1.0,
            "gamma_y": 0.05,
        }
        for nu, s in ((0.1, 1), (0.3, 0), (0.5, 1), (0.7, 0), (0.9, 0))
    ]
    table = empirical_ca_boundaries(pd.DataFrame(rows), objectives=("ca",))
    assert table.loc[0, "ca_nu"] == 0.7


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (["grid.nu_max=1.5"], "grid.nu_max must be a number > 0 and <= 1"),
        (["k=30"], "k=30 must be < d=20"),
        (["objectives=[ca,vicreg]"], "objectives must be a list whose items each be one of ca, infonce, cp, cp_rev"),
        (["mode=quadratic"], "mode must be one of linear, nonlinear"),
        (["objectives=[ca,ca]"], "lists one twice"),
    ],
)
def test_settings_check_refuses_bad_grids(compose_app, overrides, message):
    with pytest.raises(SettingError, match=message.replace("[", r"\[")):
        check_phase_empirical(compose_app("phase_empirical", *overrides, "out_dir=unused"))


def test_bad_inputs_on_the_command_line(tmp_path):
    """The catalogue's phase_empirical cases, as a user types them: one line, exit 1, no traceback."""
    _, cases = load_catalogue()
    chosen = [case for case in cases if case.app == "phase_empirical"][:4]
    outcomes = run_catalogue(tmp_path, chosen)
    assert len(outcomes) == 4 and all(o.ok and o.lines == 1 for o in outcomes), outcomes


def test_reproduce_stage_runs_and_publishes_under_its_own_name(compose_app, tmp_path):
    args = [*TINY, "epochs=1", "objectives=[cp]", "~panels.a"]
    cfg = compose_app(
        "reproduce",
        f"out_dir={tmp_path / 'out'}",
        "stages=[phase_empirical]",
        "publish=true",
        f"publish_dir={tmp_path / 'figures'}",
        "stage_args.phase_empirical=[" + ",".join(f"'{a}'" for a in args) + "]",
    )
    assert set(reproduce.run(cfg)) == {"phase_empirical"}
    assert (tmp_path / "out" / "phase_empirical" / "phase_empirical.csv").exists()
    assert (tmp_path / "figures" / "phase_empirical.png").exists()
