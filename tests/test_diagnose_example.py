"""The README's example dataset: its stated truth is the theory's, and the diagnostic finds it."""

from __future__ import annotations

import json

import numpy as np
import pytest

import alignpredict
from alignpredict.diagnose.example import write_example


def test_example_truth_and_diagnosis(tmp_path):
    truth = write_example(tmp_path, n=3000, n_labelled=400, seed=1)
    assert json.loads((tmp_path / "truth.json").read_text())["regime"] == truth["regime"] == "CA only"
    assert truth["delta_ca"] == pytest.approx(5 / 3) and truth["delta_cp_reverse"] > 1.3
    labels = np.load(tmp_path / "labels.npy")
    assert np.isfinite(labels).all(axis=1).sum() == 400
    report = alignpredict.diagnose(np.load(tmp_path / "x.npy"), np.load(tmp_path / "y.npy"), labels, n_resamples=0)
    assert report.regime == "CA only"
    assert report.direction == "y->x"


def test_example_rejects_too_few_labels(tmp_path):
    with pytest.raises(ValueError, match="n_labelled"):
        write_example(tmp_path, n=100, n_labelled=10)
