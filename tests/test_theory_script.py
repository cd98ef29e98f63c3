"""scripts/theory.py end to end on a tiny configuration, through hydra.compose."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from alignpredict.theory.phase_grid import ca_boundary

TINY = [
    "phase_diagram.image_resolution=40",
    "phase_diagram.csv_resolution=5",
    "phase_diagram.figure.dpi=40",
    "gif.enabled=false",
    "gif.frames=4",
    "gif.hold=2",
    "gif.resolution=20",
    "gif.dpi=30",
    "validation.seeds=2",
    "validation.n=300",
    "validation.e4.n_values=[300]",
    "validation.e4.nu_points=4",
    "validation.e5.nu_points=3",
    "validation.e5.n_test=100",
    "validation.e6.lam_points=3",
    "validation.e7.points=3",
    "validation.e7.seeds=1",
    "validation.e7.decays=[1.0,0.5]",
    "infonce.seeds=1",
    "infonce.nu_points=2",
    "infonce.n=200",
    "infonce.taus=[0.5]",
    "infonce.batch_size=16",
    "infonce.max_steps=6",
    "infonce.patience_window=2",
    "infonce.threads=1",
]
EVERYTHING = ["gif.enabled=true", "infonce.enabled=true"]


def load_script(repo_root: Path):
    import alignpredict.theory.outputs as module

    return module


def run_tiny(compose_app, repo_root: Path, out: Path, extra: list[str]) -> dict:
    cfg = compose_app("theory", *TINY, *extra, f"out_dir={out}")
    return load_script(repo_root).run(cfg)


def test_run_writes_phase_diagram_and_validation(compose_app, repo_root: Path, tmp_path: Path) -> None:
    summary = run_tiny(compose_app, repo_root, tmp_path, [])
    expected = [
        "phase_diagram.png",
        "phase_diagram.pdf",
        "phase_diagram.csv",
        "phase_explorer.html",
        "e4_nu_sweep.csv",
        "e4_nu_sweep.png",
        "e4_thresholds.json",
        "e5_prediction.csv",
        "e5_prediction.png",
        "e6_joint_lambda.csv",
        "e6_joint_lambda.png",
        "e7_partial_recovery.csv",
        "e7_partial_recovery.png",
        "e7_recovery_agreement.png",
        "theory_summary.json",
    ]
    for name in expected:
        assert (tmp_path / name).stat().st_size > 0, name
    assert set(summary["seconds"]) == {"phase_diagram", "explorer", "validation"}

    table = pd.read_csv(tmp_path / "phase_diagram.csv")
    assert list(table.columns) == [
        "panel",
        "kappa",
        "nu",
        "gamma_x",
        "gamma_y",
        "gamma_tilde_x",
        "gamma_tilde_y",
        "delta_ca",
        "delta_cp",
        "regime",
    ]
    assert len(table) == 2 * 5 * 5 and set(table["panel"]) == {"a", "b"}
    assert set(table["regime"]) <= {"Both", "CA only", "CP only", "Neither"}
    assert "CA only" in set(table.loc[table["panel"] == "a", "regime"])
    row = table[(table["panel"] == "a") & np.isclose(table["kappa"], 0.75) & np.isclose(table["nu"], 0.5)].iloc[0]
    assert row["delta_ca"] == pytest.approx(ca_boundary(np.array([0.75]), 1.0, 0.05)[0] / 0.5)
    assert row["regime"] == "CA only" and row["gamma_tilde_y"] == 5.0
    assert np.isinf(table.loc[table["nu"] == 0.0, "delta_ca"]).all()

    e4 = pd.read_csv(tmp_path / "e4_nu_sweep.csv")
    assert {"distance_ca_mean", "distance_ca_std", "distance_cp_mean"} <= set(e4.columns) and len(e4) == 4
    thresholds = json.loads((tmp_path / "e4_thresholds.json").read_text())
    assert thresholds[0]["theory_nu_ca"] == pytest.approx(0.8946, abs=1e-4)
    assert not (tmp_path / "phase_diagram_sweep.gif").exists() and not (tmp_path / "infonce_vs_ca.csv").exists()


@pytest.mark.slow
def test_run_writes_gif_and_infonce_when_enabled(compose_app, repo_root: Path, tmp_path: Path) -> None:
    summary = run_tiny(compose_app, repo_root, tmp_path, [*EVERYTHING, "validation.enabled=false"])
    assert set(summary["seconds"]) == {"phase_diagram", "explorer", "gif", "infonce"}
    with Image.open(tmp_path / "phase_diagram_sweep.gif") as gif:
        durations = []
        for index in range(gif.n_frames):
            gif.seek(index)
            durations.append(gif.info["duration"])
        assert gif.info.get("loop") == 0
    assert durations == pytest.approx([2000 / 15, 1000 / 15, 2000 / 15, 1000 / 15], abs=10)  # first and turn held x2
    for name in ("infonce_vs_ca.csv", "infonce_vs_ca.png"):
        assert (tmp_path / name).stat().st_size > 0
    infonce = json.loads((tmp_path / "infonce_first_failure.json").read_text())
    assert set(infonce["first_failing_nu"]) == {"CA", "CP", "InfoNCE tau=0.5"}
