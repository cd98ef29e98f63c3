"""Slow: the diagnostic's 95 % intervals cover the closed-form Deltas on spiked cases (coverage study at
half the seeds of docs/diagnostic_coverage.md), and the M-view ranking finds the best candidate."""

from __future__ import annotations

from pathlib import Path

import pytest
from hydra import compose, initialize_config_dir

from alignpredict.diagnose import coverage, multiview_validation


@pytest.mark.slow
def test_intervals_cover_the_truth_90_to_98_percent(conf_dir: Path, tmp_path: Path) -> None:
    with initialize_config_dir(config_dir=str(conf_dir), version_base="1.3"):
        cfg = compose(config_name="diagnostic_coverage", overrides=[f"out_dir={tmp_path}", "seeds=10"])
    rows = coverage.run(cfg)
    covered = [row[f"{name}_covered"] for row in rows for name in coverage.DELTAS]
    assert len(rows) == 6 * 2 * 10
    assert 0.90 <= sum(covered) / len(covered) <= 0.98
    assert (tmp_path / "diagnostic_coverage.md").read_text().startswith("# Coverage")


@pytest.mark.slow
def test_multiview_ranking_is_right_on_clear_cases(conf_dir: Path, tmp_path: Path) -> None:
    with initialize_config_dir(config_dir=str(conf_dir), version_base="1.3"):
        cfg = compose(config_name="validate_multiview", overrides=[f"out_dir={tmp_path}"])
    rows = multiview_validation.run(cfg)
    clear = [row for row in rows if row["clear"]]
    assert len(clear) >= 15
    assert sum(row["right"] for row in clear) / len(clear) >= 0.95
