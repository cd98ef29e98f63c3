"""The diagnostic's user-facing edges: file formats, partial labels, bad input, the CLI and its outputs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hydra import compose, initialize_config_dir
from omegaconf import OmegaConf

import alignpredict
from alignpredict.diagnose.cli import FIGURE_FILE, REPORT_FILE, run
from alignpredict.diagnose.io import load_array
from alignpredict.diagnose.labels import prepare_labels
from alignpredict.diagnose.settings import DiagnoseSettings
from alignpredict.theory.model import SpikedModel

MODEL = SpikedModel(d=8, k=1, kappa=2.0, gamma_x=0.5, gamma_y=0.5, gamma_tilde_x=1.0, gamma_tilde_y=1.0, nu=0.2)


@pytest.fixture(scope="module")
def sample():
    return MODEL.sample(1200, seed=0)


def test_loaders_read_every_format(tmp_path: Path) -> None:
    array = np.arange(12, dtype=float).reshape(4, 3) + 0.5
    np.save(tmp_path / "a.npy", array)
    np.savez(tmp_path / "a.npz", feats=array, other=array * 2)
    pd.DataFrame(array, columns=["u", "v", "w"]).to_csv(tmp_path / "header.csv", index=False)
    pd.DataFrame(array).to_csv(tmp_path / "plain.csv", index=False, header=False)
    pd.DataFrame(array, columns=["u", "v", "w"]).to_parquet(tmp_path / "a.parquet")
    np.savetxt(tmp_path / "rows.txt", [3, 0, 2], fmt="%d")
    for name, key in [
        ("a.npy", None),
        ("a.npz", "feats"),
        ("header.csv", None),
        ("plain.csv", None),
        ("a.parquet", None),
    ]:
        np.testing.assert_array_equal(load_array(tmp_path / name, key=key), array)
    np.testing.assert_array_equal(load_array(tmp_path / "a.npz", key="other"), array * 2)
    np.testing.assert_array_equal(load_array(tmp_path / "rows.txt"), [3, 0, 2])
    with pytest.raises(ValueError, match=r"holds arrays \['feats', 'other'\]"):
        load_array(tmp_path / "a.npz")
    with pytest.raises(ValueError, match="no array 'nope'"):
        load_array(tmp_path / "a.npz", key="nope")
    with pytest.raises(FileNotFoundError, match="missing.npy"):
        load_array(tmp_path / "missing.npy")
    (tmp_path / "a.json").write_text("{}")
    with pytest.raises(ValueError, match="unsupported suffix"):
        load_array(tmp_path / "a.json")


def test_labels_from_nan_rows_and_from_a_row_index() -> None:
    values = np.full(100, np.nan)
    values[10:70] = np.linspace(0.0, 1.0, 60)
    from_nan = prepare_labels(values, 100)
    assert from_nan.rows.tolist() == list(range(10, 70)) and from_nan.kind == "continuous"
    from_rows = prepare_labels(values[10:70], 100, label_rows=np.arange(10, 70))
    np.testing.assert_array_equal(from_rows.rows, from_nan.rows)
    np.testing.assert_allclose(from_rows.targets, from_nan.targets)
    assert from_nan.targets.mean() == pytest.approx(0.0) and from_nan.targets.std() == pytest.approx(1.0)
    classes = prepare_labels(np.repeat([0, 1, 2], 20), 60)
    assert classes.kind == "classes" and classes.targets.shape == (60, 3) and classes.classes == ("0", "1", "2")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda x, y, lb: (x, y[:-5], lb), "x has 1200 rows but y has 1195"),
        (
            lambda x, y, lb: (np.where(np.arange(x.size).reshape(x.shape) == 17, np.nan, x), y, lb),
            "x contains NaN or inf",
        ),
        (
            lambda x, y, lb: (x, np.where(np.arange(y.size).reshape(y.shape) == 3, np.inf, y), lb),
            "y contains NaN or inf",
        ),
        (lambda x, y, lb: (np.column_stack([x, np.ones(len(x))]), y, lb), r"x has 1 constant column\(s\) \(index 8\)"),
        (lambda x, y, lb: (x, y, np.where(np.arange(len(lb)) < 40, lb, np.nan)), "only 40 labelled rows"),
        (lambda x, y, lb: (x, y, lb[:300]), "labels have 300 rows but the features have 1200"),
    ],
)
def test_bad_input_is_a_clear_error(sample, change, message: str) -> None:
    x, y, labels = change(sample.x, sample.y, sample.signal[:, 0].copy())
    with pytest.raises(ValueError, match=message):
        alignpredict.diagnose(x, y, labels, n_resamples=0)


def test_bad_label_rows_and_settings_are_errors(sample) -> None:
    labels = sample.signal[:100, 0]
    with pytest.raises(ValueError, match="duplicate row"):
        alignpredict.diagnose(sample.x, sample.y, labels, label_rows=np.r_[np.arange(99), 0])
    with pytest.raises(ValueError, match=r"label_rows must lie in \[0, 1199\]"):
        alignpredict.diagnose(sample.x, sample.y, labels, label_rows=np.arange(100) + 1150)
    with pytest.raises(ValueError, match="unknown diagnostic setting"):
        alignpredict.diagnose(sample.x, sample.y, labels, label_rows=np.arange(100), alpah=0.1)
    with pytest.raises(ValueError, match="alpha=1.5"):
        DiagnoseSettings(alpha=1.5)


def test_yaml_defaults_mirror_the_settings_dataclass(conf_dir: Path) -> None:
    yaml_settings = OmegaConf.to_container(OmegaConf.load(conf_dir / "diagnose.yaml").settings)
    assert yaml_settings == DiagnoseSettings().to_dict()


def _compose(conf_dir: Path, overrides: list[str]):
    with initialize_config_dir(config_dir=str(conf_dir), version_base="1.3"):
        return compose(config_name="diagnose", overrides=overrides)


def test_run_writes_report_and_figure(sample, conf_dir: Path, tmp_path: Path) -> None:
    np.save(tmp_path / "x.npy", sample.x)
    pd.DataFrame(sample.y).to_parquet(tmp_path / "y.parquet")
    rows = np.arange(200) * 3
    pd.DataFrame({"s": sample.signal[rows, 0]}).to_csv(tmp_path / "labels.csv", index=False)
    np.save(tmp_path / "rows.npy", rows)
    cfg = _compose(
        conf_dir,
        [
            f"x={tmp_path / 'x.npy'}",
            f"y={tmp_path / 'y.parquet'}",
            f"labels={tmp_path / 'labels.csv'}",
            f"label_rows={tmp_path / 'rows.npy'}",
            f"out_dir={tmp_path / 'out'}",
            "settings.n_resamples=4",
            "settings.n_permutations=50",
        ],
    )
    report = run(cfg)
    written = json.loads((tmp_path / "out" / REPORT_FILE).read_text())
    for key in (
        "regime",
        "delta_ca",
        "delta_cp",
        "delta_cp_reverse",
        "recommendation",
        "direction",
        "intervals",
        "regime_fractions",
        "spectra",
        "message",
    ):
        assert key in written
    assert written["regime"] == report.regime == "Both"
    assert written["n_labelled"] == 200
    assert set(written["spectra"]) == {"ca", "cp_xy", "cp_yx"}
    assert len(written["spectra"]["ca"]["values"]) == 8
    assert (tmp_path / "out" / FIGURE_FILE).stat().st_size > 10_000


def test_cli_bad_input_exits_non_zero_with_one_line(sample, repo_root: Path, tmp_path: Path) -> None:
    np.save(tmp_path / "x.npy", sample.x)
    np.save(tmp_path / "y.npy", sample.y[:-1])
    np.save(tmp_path / "labels.npy", sample.signal[:, 0])
    script = repo_root / "scripts" / "diagnose.py"
    base = [sys.executable, str(script), f"hydra.run.dir={tmp_path / 'run'}", f"labels={tmp_path / 'labels.npy'}"]
    missing = subprocess.run(
        [*base, f"x={tmp_path / 'nope.npy'}", f"y={tmp_path / 'y.npy'}"], capture_output=True, text=True, timeout=120
    )
    assert missing.returncode != 0
    assert missing.stderr.strip().splitlines()[-1].startswith("error: x must be an existing file (not found)")
    assert "Traceback" not in missing.stderr
    mismatch = subprocess.run(
        [*base, f"x={tmp_path / 'x.npy'}", f"y={tmp_path / 'y.npy'}"], capture_output=True, text=True, timeout=120
    )
    assert mismatch.returncode != 0
    assert "error: x has 1200 rows but y has 1199" in mismatch.stderr
