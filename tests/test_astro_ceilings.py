"""Feature ceilings of a cache: the three probes on features with known linear and nonlinear answers."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd

from alignpredict.data.astro.features import write_feature_split
from alignpredict.evaluation.astro_ceilings import ceilings_markdown, feature_ceilings


def _cache(folder, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    for split, n in (("train", 1200), ("val", 50), ("test", 400)):
        lamost, phot = rng.standard_normal((n, 8)), rng.standard_normal((n, 4))
        meta = pd.DataFrame(
            {
                "logg": 2.0 * lamost[:, 0] + 0.1 * rng.standard_normal(n),  # linear in LAMOST
                "age": np.abs(phot[:, 0]) * 3.0 + 0.1 * rng.standard_normal(n),  # |x|: invisible to a linear probe
                "binarity": (lamost[:, 1] + phot[:, 1] > 0).astype(float),  # needs both modalities
            }
        )
        meta["age_true"] = meta["age"]
        meta.loc[: n // 3, "age"] = np.nan  # a catalogue lists only some stars
        write_feature_split(folder, split, {"lamost": lamost, "kepler": phot}, meta)


def test_ceilings_separate_linear_from_nonlinear_information(tmp_path):
    _cache(tmp_path)
    table = feature_ceilings(tmp_path, "kepler")
    score = table.set_index(["representation", "task", "probe"])["score"]
    assert score["LAMOST", "logg", "paper"] > 0.99 and score["Phot", "logg", "trees"] < 0.05
    assert score["Phot", "age", "tuned"] < 0.05 < 0.8 < score["Phot", "age", "trees"]
    assert score["Concat", "binarity", "paper"] > 0.9 > 0.8 > score["LAMOST", "binarity", "paper"]
    counts = table.set_index(["representation", "task", "probe"])[["n_train", "n_test"]]
    assert tuple(counts.loc[("LAMOST", "age", "paper")]) == (1200 - 401, 400 - 134)
    assert tuple(counts.loc[("LAMOST", "age_true", "paper")]) == (1200, 400)
    markdown = ceilings_markdown(table)
    assert "| age (799 / 266) |" in markdown and "LAMOST trees" in markdown


def test_ceilings_script_writes_its_table_and_names_a_missing_folder(repo_root, tmp_path):
    _cache(tmp_path / "cache")
    script = str(repo_root / "scripts" / "astro_ceilings.py")
    done = subprocess.run(
        [sys.executable, script, f"feature_dir={tmp_path / 'cache'}", f"out_dir={tmp_path / 'out'}"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert not (tmp_path / "outputs").exists()  # its default run folder (outputs/astro_ceilings/<time>) is not left
    assert (tmp_path / "out" / ".hydra" / "config.yaml").is_file()  # Hydra's record moved in with the results
    assert len(pd.read_csv(tmp_path / "out" / "astro_ceilings.csv")) == 3 * 4 * 3  # representations x labels x probes
    assert "LAMOST trees" in (tmp_path / "out" / "astro_ceilings.md").read_text()
    missing = subprocess.run(
        [sys.executable, script, f"out_dir={tmp_path / 'out2'}"], capture_output=True, text=True, timeout=300
    )
    assert missing.returncode != 0 and "feature_dir is required" in missing.stderr
