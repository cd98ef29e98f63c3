"""Atomic result writing: all or nothing, readable files, JSON that survives inf and numpy types."""

from __future__ import annotations

import json
import stat

import numpy as np
import pytest

from alignpredict.utils.io import atomic_path, write_json


def test_failed_write_leaves_nothing_behind(tmp_path):
    target = tmp_path / "result.json"
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_text("half")
            raise RuntimeError("crash mid-write")
    assert list(tmp_path.iterdir()) == []


def test_failed_rewrite_keeps_the_old_file(tmp_path):
    target = write_json(tmp_path / "r.json", {"a": 1})
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_text("{broken")
            raise RuntimeError
    assert json.loads(target.read_text()) == {"a": 1}


def test_json_values_and_permissions(tmp_path):
    target = write_json(tmp_path / "r.json", {"inf": np.inf, "nan": np.nan, "i": np.int64(3), "v": np.arange(2.0)})
    assert json.loads(target.read_text()) == {"inf": "inf", "nan": None, "i": 3, "v": [0.0, 1.0]}
    assert target.stat().st_mode & stat.S_IRGRP  # not mkstemp's owner-only 0600


def test_same_figure_same_pdf_bytes(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from alignpredict.utils.io import save_figure

    fig, ax = plt.subplots()
    ax.plot([0, 1], [1, 0])
    first = save_figure(fig, tmp_path / "a.pdf").read_bytes()
    second = save_figure(fig, tmp_path / "b.pdf").read_bytes()
    plt.close(fig)
    assert first == second and b"CreationDate" not in first


def test_partial_files_of_a_killed_write_are_removed_and_finished_ones_kept(tmp_path):
    from alignpredict.utils.io import PARTIAL, remove_partial_files

    write_json(tmp_path / "metrics.json", {"a": 1})
    leftover = tmp_path / f".metrics.json{PARTIAL}abc123.json"
    leftover.write_text("{half")
    assert remove_partial_files(tmp_path) == [leftover]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["metrics.json"]
