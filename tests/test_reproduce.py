"""The reproduction driver: stage selection, real stage runs into their folders, publishing figures."""

from __future__ import annotations

import pytest

from alignpredict import reproduce

TINY_THEORY = [
    "phase_diagram.image_resolution=50",
    "phase_diagram.csv_resolution=5",
    "gif.enabled=false",
    "validation.enabled=false",
]


@pytest.fixture
def compose_reproduce(compose_app):
    return lambda overrides: compose_app("reproduce", *overrides)


def test_unknown_stage_is_named(compose_reproduce, tmp_path):
    cfg = compose_reproduce([f"out_dir={tmp_path}", "stages=[theory,plots]"])
    with pytest.raises(ValueError, match="plots"):
        reproduce.run(cfg)


def test_theory_stage_runs_and_publishes(compose_reproduce, tmp_path, monkeypatch):
    monkeypatch.setattr(reproduce, "PUBLISHED", {"theory": ["phase_diagram.png"]})
    cfg = compose_reproduce(
        [
            f"out_dir={tmp_path / 'out'}",
            "stages=[theory]",
            "publish=true",
            f"publish_dir={tmp_path / 'figures'}",
            "stage_args.theory=[" + ",".join(f"'{a}'" for a in TINY_THEORY) + "]",
        ],
    )
    seconds = reproduce.run(cfg)
    assert set(seconds) == {"theory"}
    assert (tmp_path / "out" / "theory" / "phase_diagram.csv").exists()
    assert (tmp_path / "figures" / "theory_phase_diagram.png").stat().st_size > 1000


def test_failing_stage_names_its_command(compose_reproduce, tmp_path):
    cfg = compose_reproduce(
        [f"out_dir={tmp_path}", "stages=[theory]", "publish=false", "stage_args.theory=['no_such_key=1']"]
    )
    with pytest.raises(RuntimeError, match="theory.py"):
        reproduce.run(cfg)
