"""Sparse columns inside a fold or subsample are left out and reported (not a crash); label-free mode
diagnoses from k-means proxy labels, from Python and with labels=none on the command line."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hydra import compose, initialize_config_dir

import alignpredict
from alignpredict.diagnose.cli import REPORT_FILE, run
from alignpredict.diagnose.proxy import proxy_labels
from alignpredict.theory.model import SpikedModel

MODEL = SpikedModel(d=8, k=2, kappa=2.0, gamma_x=0.5, gamma_y=0.5, gamma_tilde_x=1.0, gamma_tilde_y=1.0, nu=0.2)


def _with_rare_columns(x: np.ndarray, rows: tuple[int, ...]) -> np.ndarray:
    """x plus one column that is non-zero on `rows` only (a rare pixel): it passes the constant check."""
    rare = np.zeros((x.shape[0], 1))
    rare[list(rows), 0] = 3.0
    return np.hstack([x, rare])


def test_rare_pixel_columns_do_not_crash_the_resampling() -> None:
    sample = MODEL.sample(800, seed=0)
    x, y = _with_rare_columns(sample.x, (5,)), _with_rare_columns(sample.y, (5, 400))
    report = alignpredict.diagnose(x, y, sample.signal, n_resamples=6, n_permutations=30, pca=False)
    assert report.sparse_columns == (1, 1)
    assert report.resamples.sparse_subsamples == 6
    assert np.isfinite(report.delta_ca) and report.regime == "Both"
    assert "Sparse columns" in report.summary() and report.to_dict()["sparse_columns"] == [1, 1]


def test_columns_all_sparse_is_a_clear_error() -> None:
    rare = np.zeros((300, 2))
    rare[3, 0], rare[7, 1] = 1.0, 2.0
    dense = np.random.default_rng(0).standard_normal((300, 3))
    with pytest.raises(ValueError, match="every column of x is \\(nearly\\) constant"):
        alignpredict.diagnose(rare, dense, dense[:, 0], n_resamples=0, pca=False)


def test_proxy_labels_cluster_the_chosen_modality() -> None:
    rng = np.random.default_rng(1)
    centres = np.repeat(np.arange(3), 100)
    x = rng.standard_normal((300, 4)) + 8.0 * centres[:, None]
    y = rng.standard_normal((300, 4))
    rows, labels = proxy_labels(x, y, "x", 3, 200, seed=0)
    assert rows.size == 200 and np.unique(rows).size == 200
    # the clusters are the three blobs of x: each cluster holds one blob's rows only
    assert all(np.unique(centres[rows][labels == c]).size == 1 for c in range(3))
    with pytest.raises(ValueError, match="proxy_modality must be one of"):
        proxy_labels(x, y, "z", 3, 200, seed=0)


def test_label_free_mode_from_python_and_the_cli(conf_dir: Path, tmp_path: Path) -> None:
    sample = MODEL.sample(1500, seed=2)
    report = alignpredict.diagnose(sample.x, sample.y, None, n_resamples=0, proxy_rows=600)
    assert report.label_kind == "proxy: k-means on y, 10 clusters" and report.n_labelled == 600
    np.save(tmp_path / "x.npy", sample.x)
    np.save(tmp_path / "y.npy", sample.y)
    with initialize_config_dir(config_dir=str(conf_dir), version_base="1.3"):
        cfg = compose(
            config_name="diagnose",
            overrides=[
                f"x={tmp_path / 'x.npy'}",
                f"y={tmp_path / 'y.npy'}",
                "labels=none",
                f"out_dir={tmp_path / 'out'}",
                "figure=false",
                "settings.n_resamples=0",
                "settings.proxy_modality=joint",
            ],
        )
    run(cfg)
    written = json.loads((tmp_path / "out" / REPORT_FILE).read_text())
    assert written["label_kind"] == "proxy: k-means on joint, 10 clusters" and written["n_labelled"] == 1000
