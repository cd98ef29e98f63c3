"""Shared test settings: offline, headless, deterministic."""

from __future__ import annotations

import os
from pathlib import Path

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
