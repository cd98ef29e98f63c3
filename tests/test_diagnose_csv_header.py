"""CSV headers: numeric or text, detected or forced, and a numeric-header CSV diagnoses like a headerless one."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hydra import compose, initialize_config_dir

from alignpredict.diagnose.cli import REPORT_FILE, run
from alignpredict.diagnose.io import csv_header_decision, load_array
from alignpredict.theory.model import SpikedModel


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("text", "header"),
    [
        ("0,1,2\n0.5,1.5,2.5\n3.0,4.0,5.0\n", True),  # pandas' default names over floats
        ("0,1,2\n5,7,9\n1,2,3\n", True),  # exactly 0..d-1 over integers, d >= 3
        ("0,1,2,3\n1,0,133.15,1.3\n1,0,126.72,1.2\n", True),  # bare integers above a float column
        ("a,b\n1.5,2.5\n3.5,4.5\n", True),  # text names
        ("0\n0.25\n\n1.5\n", True),  # one float column with NaN rows, named 0
        ("1.5,2.5\n3.5,4.5\n", False),
        ("4,7,1\n5,7,9\n1,2,3\n", False),  # integers that are not a name sequence
        ("0\n1\n2\n", False),  # a single integer column: cannot be told apart, not a header
    ],
)
def test_header_detection(tmp_path: Path, text: str, header: bool) -> None:
    assert csv_header_decision(_write(tmp_path / "a.csv", text), None) == (header, "detected")


def test_forcing_the_header_overrides_detection(tmp_path: Path) -> None:
    path = _write(tmp_path / "a.csv", "0\n1\n2\n")
    assert csv_header_decision(path, True) == (True, "forced")
    np.testing.assert_array_equal(load_array(path, csv_header=True), [1, 2])
    np.testing.assert_array_equal(load_array(path), [0, 1, 2])


def test_numeric_header_csv_gives_the_same_report_as_headerless(conf_dir: Path, tmp_path: Path, capsys) -> None:
    model = SpikedModel(d=6, k=1, kappa=2.0, gamma_x=0.5, gamma_y=0.5, gamma_tilde_x=1.0, gamma_tilde_y=1.0, nu=0.2)
    sample = model.sample(300, seed=0)
    np.save(tmp_path / "y.npy", sample.y)
    np.save(tmp_path / "labels.npy", sample.signal[:, 0])
    pd.DataFrame(sample.x).to_csv(tmp_path / "with_header.csv", index=False)  # first line 0,1,2,3,4,5
    pd.DataFrame(sample.x).to_csv(tmp_path / "plain.csv", index=False, header=False)
    reports = {}
    for name in ("with_header", "plain"):
        with initialize_config_dir(config_dir=str(conf_dir), version_base="1.3"):
            cfg = compose(
                config_name="diagnose",
                overrides=[
                    f"x={tmp_path / name}.csv",
                    f"y={tmp_path / 'y.npy'}",
                    f"labels={tmp_path / 'labels.npy'}",
                    f"out_dir={tmp_path / name}",
                    "figure=false",
                    "settings.n_resamples=3",
                    "settings.n_permutations=30",
                ],
            )
        run(cfg)
        reports[name] = json.loads((tmp_path / name / REPORT_FILE).read_text())
        printed = capsys.readouterr().out
        verdict = "a header (skipped), detected" if name == "with_header" else "data (no header), detected"
        assert f"first line read as {verdict}" in printed
    assert reports["with_header"]["n_rows"] == reports["plain"]["n_rows"] == 300
    for key in ("regime", "delta_ca", "delta_cp", "delta_cp_reverse", "intervals", "recommendation"):
        assert reports["with_header"][key] == reports["plain"][key]
