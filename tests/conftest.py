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


# The smallest runs that still train, probe and write every file, per kind of data. Tests add their own
# overrides after these (later overrides win).
TINY_RUNS: dict[str, list[str]] = {
    "stereo": [
        "data=dsprites",
        "trainer=cpu",
        "n_samples=200",
        "batch_size=32",
        "max_epochs=1",
        "logger=none",
        "embedding.enabled=false",
        "probe.inverse_l2_grid=[1.0]",
    ],
    "captions": [
        "data=captions",
        "nets=captions",
        "trainer=cpu",
        "n_samples=100",
        "batch_size=16",
        "max_epochs=1",
        "logger=none",
        "embedding.enabled=false",
        "probe.inverse_l2_grid=[1.0]",
        "data.image_size=16",
        "nets.enc_x.stem=imagenet",
        "nets.enc_y.embed_dim=16",
        "nets.enc_y.ffn_dim=32",
        "nets.enc_y.num_layers=1",
        "nets.proj_x.hidden_dim=16",
        "nets.proj_x.out_dim=8",
        "nets.dec_y.hidden_dim=16",
    ],
    "astro": [
        "experiment=astro_quick",
        "max_epochs=1",
        "batch_size=32",
        "logger=none",
        "probe.min_train_labels=10",
        "probe.min_test_labels=5",
    ],
}


@pytest.fixture
def compose_app():
    """compose_app(app, *overrides): an app's config (conf/<app>.yaml) as its script would see it; Hydra's own
    keys only with hydra_keys=True. Pass out_dir=... for apps that write (their default is the Hydra run dir)."""
    from hydra import compose, initialize_config_dir

    def make(app: str, *overrides: str, hydra_keys: bool = False):
        with initialize_config_dir(config_dir=str(CONF_DIR), version_base="1.3"):
            return compose(app, overrides=list(overrides), return_hydra_config=hydra_keys)

    return make


@pytest.fixture
def tiny_train(compose_app):
    """tiny_train(kind, *overrides): a train config for a tiny run of that kind of data (TINY_RUNS)."""

    def make(kind: str, *overrides: str):
        return compose_app("train", *TINY_RUNS[kind], *overrides)

    return make


@pytest.fixture
def tiny_overrides():
    """The TINY_RUNS overrides by kind, for tests that pass them on a command line."""
    return {kind: list(overrides) for kind, overrides in TINY_RUNS.items()}


@pytest.fixture
def objective_facts(compose_app):
    """objective_facts(name): what a run of conf/model/<name>.yaml records about its objective in metrics.json
    (for fake sweeps that figures and tables read)."""
    from hydra.utils import instantiate

    return lambda name: instantiate(compose_app("train", f"model={name}").model).describe()


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
