"""verify.py: the diagnostic's verdict, then training on disjoint rows, with the tables, figure and
aggregate written; the real-data suite's loaders."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hydra import compose, initialize_config_dir

from alignpredict.theory.model import SpikedModel
from alignpredict.verify import suite
from alignpredict.verify.agreement import interval, option_of
from alignpredict.verify.cli import run
from alignpredict.verify.core import VerifySettings, verify

MODEL = SpikedModel(d=8, k=2, kappa=1.5, gamma_x=0.5, gamma_y=0.5, gamma_tilde_x=1.0, gamma_tilde_y=4.0, nu=0.3)


def test_verify_on_a_spiked_sample(one_torch_thread) -> None:
    sample = MODEL.sample(700, seed=0)
    labels = (sample.signal[:, 0] > 0).astype(int)
    settings = VerifySettings(ks=(2, 4), n_splits=2, n_labelled=150, diagnose={"n_resamples": 3, "n_permutations": 30})
    result = verify(sample.x, sample.y, labels, name="spiked", settings=settings)
    table = pd.DataFrame(result.score_table())
    assert result.kind == "classes" and result.ks == (2, 4) and len(result.splits) == 2
    assert set(table["representation"]) == {
        "ca_x",
        "ca_y",
        "cp_xy",
        "cp_yx",
        "pca_x",
        "pca_y",
        "ae_x",
        "ae_y",
        "raw_x",
        "raw_y",
    }
    assert len(table) == 2 * (2 + 2 * 8)
    means = table.groupby(["representation", "k"])["score"].mean()
    # the label is a signal coordinate of both views: CA and the raw features read it well, while y's top-2
    # principal axes are nuisance (variance gamma_tilde_y = 4 > kappa^2 + gamma_y = 2.75) and near chance
    assert min(means["ca_x", 2], means["ca_y", 2], means["raw_x", 0], means["raw_y", 0]) > 0.75
    assert means["pca_y", 2] < 0.65 and result.cpu_seconds > 0


def test_verify_rejects_labels_of_the_wrong_length() -> None:
    sample = MODEL.sample(300, seed=1)
    with pytest.raises(ValueError, match="labels must be one value per row"):
        verify(sample.x, sample.y, np.zeros(10))


def test_cli_writes_table_figure_and_aggregate(conf_dir: Path, tmp_path: Path, one_torch_thread) -> None:
    sample = MODEL.sample(600, seed=2)
    np.save(tmp_path / "x.npy", sample.x)
    np.save(tmp_path / "y.npy", sample.y)
    np.save(tmp_path / "labels.npy", sample.signal[:, 0])
    with initialize_config_dir(config_dir=str(conf_dir), version_base="1.3"):
        cfg = compose(
            config_name="verify",
            overrides=[
                f"x={tmp_path / 'x.npy'}",
                f"y={tmp_path / 'y.npy'}",
                f"labels={tmp_path / 'labels.npy'}",
                "name=mine",
                "ks=[3]",
                "n_splits=2",
                "n_labelled=120",
                "autoencoder=false",
                f"out_dir={tmp_path / 'out'}",
                "diagnose.n_resamples=3",
                "diagnose.n_permutations=30",
            ],
        )
    [result] = run(cfg)
    out = tmp_path / "out"
    assert result.kind == "continuous"
    assert (out / "mine" / "table.md").read_text().startswith("## mine")
    assert (out / "mine" / "figure.png").stat().st_size > 10_000
    verdict = json.loads((out / "mine" / "verdict.json").read_text())
    assert len(verdict["splits"]) == 2 and set(verdict["training_option_means"]) >= {"CA", "x alone"}
    assert "Aggregate agreement" in (out / "aggregate.md").read_text()
    assert len(pd.read_csv(out / "objective_cells.csv")) == 2 * 4  # splits x objectives at k = 3


def test_suite_loaders_give_paired_views() -> None:
    halves = suite.digits_halves("columns")
    x, y = halves.pair()
    assert x.shape[0] == y.shape[0] == halves.n_rows == 1797 and np.ptp(x, axis=0).min() > 0
    quadrants = suite.digits_quadrants()
    assert len(quadrants.views) == 4
    cancer = suite.breast_cancer("halves")
    assert [v.shape[1] for v in cancer.views.values()] == [15, 15]
    np.testing.assert_allclose(cancer.pair()[0].mean(axis=0), 0.0, atol=1e-12)
    assert suite.diabetes().label_kind == "continuous"


def test_interval_and_option_names() -> None:
    mean, low, high = interval(np.array([1.0, 2.0, 3.0]))
    assert mean == 2.0 and low == pytest.approx(2.0 - 4.302653 / np.sqrt(3)) and high > 3.0
    assert option_of("a single modality is enough: y (all its features)") == "y alone"
    assert option_of("CP (x -> y)") == "CP (x -> y)"


def test_parallel_splits_give_the_same_result(one_torch_thread) -> None:
    sample = MODEL.sample(400, seed=3)
    labels = (sample.signal[:, 0] > 0).astype(int)
    common = {"ks": (2,), "n_splits": 2, "n_labelled": 100, "autoencoder": False}
    small = {"n_resamples": 2, "n_permutations": 20}
    serial = verify(sample.x, sample.y, labels, settings=VerifySettings(**common, diagnose=small))
    parallel = verify(sample.x, sample.y, labels, settings=VerifySettings(**common, diagnose=small, n_jobs=2))
    assert serial.score_table() == parallel.score_table()
    assert [s.report.regime for s in serial.splits] == [s.report.regime for s in parallel.splits]


def test_docs_table_keeps_the_hand_written_findings(tmp_path: Path) -> None:
    from alignpredict.verify.report import FINDINGS_MARKER, keep_findings

    path = tmp_path / "real.md"
    assert keep_findings(path, "table v1\n").endswith("table v1\n")
    path.write_text(keep_findings(path, "table v1\n") + "\n" + FINDINGS_MARKER + "\nwhy it misses\n")
    regenerated = keep_findings(path, "table v2\n")
    assert "table v2" in regenerated and "table v1" not in regenerated and regenerated.endswith("why it misses\n")


def test_suite_builds_its_stereo_views() -> None:
    """The real-data suite's stereo entry imports the stereo datamodule from where it lives."""
    views = suite.stereo("dsprites", rows=64, dim=4)
    assert views.views["left"].shape == (64, 4) and views.labels.shape == (64,)
