"""Shared test settings: offline, headless, deterministic."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest
import torch

os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("WANDB_MODE", "offline")
os.environ.setdefault("WANDB_SILENT", "true")
os.environ.setdefault("HYDRA_FULL_ERROR", "1")

REPO_ROOT = Path(__file__).resolve().parents[1]
CONF_DIR = REPO_ROOT / "conf"


@pytest.fixture
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture
def conf_dir() -> Path:
    return CONF_DIR


@pytest.fixture
def one_torch_thread():
    """Intra-op threads slow small-tensor ops by 10-50x when the 2 cores are shared; restore afterwards."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="session")
def empirical_frame():
    """A tiny phase_empirical.csv table (call it for a fresh copy): two panels x two cells x three seeds, objective
    cp; panel a records its gammas, panel b has two gamma_y values (so its gammas are unknown)."""

    def frame() -> pd.DataFrame:
        rows = []
        for panel, gamma_y in (("a", [0.05, 0.05, 0.05]), ("b", [0.05, 0.2, 0.05])):
            for kappa, nu, outcomes in ((1.0, 0.2, [1, 1, 0]), (2.0, 0.9, [0, 0, 0])):
                for seed, success in enumerate(outcomes):
                    rows.append(
                        {
                            "panel": panel,
                            "mode": "linear",
                            "objective": "cp",
                            "seed": seed,
                            "kappa": kappa,
                            "nu": nu,
                            "delta_ca": 0.5 / nu,
                            "delta_cp": 0.3 / nu,
                            "delta_cp_reverse": 0.4 / nu,
                            "regime": "Both",
                            "recovery": 0.5 + 0.1 * seed,
                            "success": success,
                            "gamma_x": 1.0,
                            "gamma_y": gamma_y[seed],
                            "gamma_tilde_x": 1.0,
                            "gamma_tilde_y": 5.0,
                        }
                    )
        return pd.DataFrame(rows)

    return frame
