"""The astro experiment end to end on tiny hand-written caches: real training runs, the table + diagnostic
report on a sweep folder, and clear errors for bad caches."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from omegaconf import DictConfig
from PIL import Image

from alignpredict.data.astro.features import SPLITS, write_feature_split
from alignpredict.evaluation.astro_report import run as report_run
from alignpredict.evaluation.astro_table import paper_claims
from alignpredict.plots.astro_diagnostics import FACTS_KEY, caption_text
from alignpredict.train import run as train_run

METRIC_KEYS = ("logg_r2", "age_r2", "binarity_bal_acc")


def write_latent_cache(
    folder: Path, sizes: tuple[int, int, int] = (160, 40, 60), photometry: str = "kepler", seed: int = 0
) -> Path:
    """Stars whose logg latent LAMOST-like x sees strongly and photometry-like y weakly, plus shared nuisance."""
    rng = np.random.default_rng(seed)
    mix_x, mix_y = rng.standard_normal((3, 12)), rng.standard_normal((3, 6))
    for split, n in zip(SPLITS, sizes):
        logg, nuisance, age = rng.standard_normal(n), rng.standard_normal(n), rng.standard_normal(n)
        x = np.stack([logg, nuisance, age], 1) @ mix_x + 0.1 * rng.standard_normal((n, 12))
        y = np.stack([0.3 * logg, nuisance, age], 1) @ mix_y + 0.5 * rng.standard_normal((n, 6))
        meta = pd.DataFrame(
            {
                "star_id": np.arange(n),
                "logg": 4.0 + 0.5 * logg,
                "age": 3.0 + age,
                "binarity": (logg + 0.3 * rng.standard_normal(n) > 0.5).astype(float),
            }
        )
        write_feature_split(folder, split, {"lamost": x.astype(np.float32), photometry: y.astype(np.float32)}, meta)
    return folder


@pytest.fixture
def astro_config(tiny_train):
    def make(out_dir: Path, *overrides: str) -> DictConfig:
        return tiny_train("astro", f"out_dir={out_dir}", *overrides)

    return make


def test_experiment_config_sweeps_instruments_objectives_seeds(compose_app) -> None:
    full = compose_app("train", "experiment=astro", "out_dir=unused", hydra_keys=True)
    quick = compose_app("train", "experiment=astro_quick", "out_dir=unused", hydra_keys=True)
    assert dict(full.hydra.sweeper.params) == {
        "data.photometry": "kepler,tess",
        "model": "ca_mean,cp,cp_rev",
        "seed": "0,1,2,3,4",
    }
    assert quick.hydra.sweeper.params.seed == "0,1" and quick.data.simulation.n_pairs < full.data.simulation.n_pairs
    assert (full.batch_size, full.max_epochs, full.callbacks.early_stopping.patience) == (256, 200, 30)
    assert list(full.probe.methods) == ["astro"] and full.trainer.gradient_clip_val == 1.0


@pytest.mark.parametrize("objective", ["ca_mean", "cp"])
def test_tiny_astro_run_writes_multitask_metrics(astro_config, tmp_path: Path, objective: str) -> None:
    cache = write_latent_cache(tmp_path / "cache")
    metrics = train_run(astro_config(tmp_path / "run", f"model={objective}", f"data.feature_dir={cache}"))
    saved = json.loads((tmp_path / "run" / "metrics.json").read_text())
    assert saved["logg_r2"] == pytest.approx(metrics["logg_r2"])
    assert saved["dataset"] == "astro_kepler" and saved["objective"] == objective and saved["epochs_trained"] == 1
    for prefix in ["", "baseline_lamost_", "baseline_photometry_", "baseline_concat_"]:
        assert {f"{prefix}logg_r2", f"{prefix}age_r2", f"{prefix}binarity_bal_acc"} <= set(saved)
    sides = {f"{objective}_lamost_logg_r2", f"{objective}_photometry_logg_r2"}
    assert (sides <= set(saved)) == (objective == "ca_mean") and (saved["photometry"], saved["task"]) == (
        "kepler",
        "logg",
    )
    assert saved["baseline_lamost_logg_r2"] > 0.95 > saved["baseline_photometry_logg_r2"]  # x sees logg, y barely
    assert all(-5 < value <= 1 for key, value in saved.items() if key.endswith(("_r2", "_bal_acc")))


def _break_cache(cache: Path, how: str) -> None:
    if how == "rows":
        np.save(cache / "z_kepler_test.npy", np.load(cache / "z_kepler_test.npy")[:-2])
    elif how == "nan":
        features = np.load(cache / "z_lamost_train.npy")
        features[3, 1] = np.nan
        np.save(cache / "z_lamost_train.npy", features)
    else:
        for split in SPLITS:
            meta = pd.read_parquet(cache / f"meta_{split}.parquet")
            meta.drop(columns="age").to_parquet(cache / f"meta_{split}.parquet", index=False)


@pytest.mark.parametrize(
    ("how", "message"),
    [
        ("rows", "has 58 rows but"),
        ("nan", "NaN/inf in 1 of 160 rows"),
        ("no_age", "task 'age' has 0 train / 0 test stars with a known label"),
    ],
)
def test_bad_caches_fail_with_a_named_fix(astro_config, tmp_path: Path, how: str, message: str) -> None:
    cache = write_latent_cache(tmp_path / "cache")
    _break_cache(cache, how)
    with pytest.raises(ValueError, match=message):
        train_run(astro_config(tmp_path / "run", "model=cp", f"data.feature_dir={cache}"))


def _fake_run(folder: Path, instrument: str, objective: str, seed: int, feature_dir: Path) -> None:
    """A metrics.json as train.run writes it, with made-up scores: CA best on age, CP best on logg."""
    shift = 0.01 * seed
    own = {"ca": (0.90, 0.60, 0.78), "cp": (0.97, 0.44, 0.80), "cp_rev": (0.60, 0.50, 0.74)}[objective]
    label, family, direction = {
        "ca": ("CA", "alignment", "none"),
        "cp": ("CP", "prediction", "x->y"),
        "cp_rev": ("CPrev", "prediction", "y->x"),
    }[objective]
    record = {
        "sweep_id": "fake",
        "dataset": f"astro_{instrument}",
        "objective": objective,
        "objective_label": label,
        "objective_family": family,
        "direction": direction,
        "seed": seed,
        "feature_dir": str(feature_dir),
        "logg_r2": own[0] + shift,
        "age_r2": own[1] + shift,
        "binarity_bal_acc": own[2] + shift,
    }
    for name, scores in {
        "baseline_lamost": (0.96, 0.43, 0.80),
        "baseline_photometry": (0.5, 0.47, 0.7),
        "baseline_concat": (0.96, 0.5, 0.8),
    }.items():
        record.update({f"{name}_{key}": score for key, score in zip(METRIC_KEYS, scores)})
    # the tuned probe (probe.tuned=true): every score 0.1 higher, under `_tuned` keys
    record.update({f"{key}_tuned": value + 0.1 for key, value in list(record.items()) if key.endswith(("_r2", "_acc"))})
    if objective == "ca":
        record.update(
            {
                "ca_lamost_logg_r2": 0.9,
                "ca_lamost_age_r2": 0.4,
                "ca_lamost_binarity_bal_acc": 0.7,
                "ca_photometry_logg_r2": 0.5,
                "ca_photometry_age_r2": 0.45,
                "ca_photometry_binarity_bal_acc": 0.7,
            }
        )
    folder.mkdir(parents=True)
    (folder / "metrics.json").write_text(json.dumps(record))


@pytest.fixture
def report_config(compose_app):
    return lambda *overrides: compose_app("astro_table", *overrides)


def test_table_report_on_a_fake_sweep(report_config, tmp_path: Path) -> None:
    cache = write_latent_cache(tmp_path / "cache", sizes=(40, 20, 400))
    sweep = tmp_path / "sweep"
    for number, (objective, seed) in enumerate((o, s) for o in ("ca", "cp", "cp_rev") for s in (0, 1)):
        _fake_run(sweep / str(number), "kepler", objective, seed, cache)
    result = report_run(
        report_config(
            f"sweep_dir={sweep}",
            f"out_dir={sweep}",
            "diagnostic.settings.n_resamples=4",
            "+diagnostic.settings.n_permutations=20",
        )
    )
    table = pd.read_csv(sweep / "astro_table.csv")
    ca_age = table[(table["task"] == "age") & (table["method"] == "CA")].iloc[0]
    assert ca_age["mean"] == pytest.approx(0.605) and ca_age["std"] == pytest.approx(0.01 / np.sqrt(2))
    assert ca_age["n"] == 2 and ca_age["paper"] == pytest.approx(0.620)
    lamost = table[(table["task"] == "logg") & (table["method"] == "LAMOST")].iloc[0]
    assert lamost["mean"] == pytest.approx(0.96) and lamost["n"] == 6 and lamost["std"] == 0
    markdown = (sweep / "astro_table.md").read_text()
    assert "### KEPLER-like" in markdown and "0.605 ± 0.007 (0.620)" in markdown
    tuned = pd.read_csv(sweep / "astro_table_tuned.csv")
    assert tuned[(tuned["task"] == "age") & (tuned["method"] == "CA")].iloc[0]["mean"] == pytest.approx(0.705)
    assert (sweep / "astro_claims_tuned.json").exists() and "table_tuned" in result
    claims = json.loads((sweep / "astro_claims.json").read_text())
    assert (
        claims
        == {
            "kepler_cross_modal_matches_or_beats_best_unimodal_on_every_task": True,
            "kepler_ca_best_on_age": True,
            "kepler_cprev_beats_cp_on_age": True,
        }
        == result["claims"]
    )
    diagnostic = json.loads((sweep / "astro_diagnostics.json").read_text())["kepler"]
    assert diagnostic["n_rows"] == 400 and diagnostic["regime"] in ("Both", "CA only", "CP only", "Neither")
    assert diagnostic["n_signal_cp"] >= 1 and set(diagnostic["intervals"]) >= {"delta_ca", "delta_cp"}
    assert (sweep / "astro_diagnostics.png").stat().st_size > 10_000
    # the figure carries the numbers it shows, and the caption file is built from the same numbers
    with Image.open(sweep / "astro_diagnostics.png") as image:
        shown = json.loads(image.text[FACTS_KEY])
    assert shown["kepler"]["regime"] == diagnostic["regime"] and shown["kepler"]["n_resamples"] == 4
    caption = (sweep / "astro_diagnostics_caption.md").read_text()
    assert caption.strip() == caption_text(shown)
    assert f"Kepler-like (400 test pairs): {diagnostic['regime']} on the full sample; in 4 subsamples of" in caption


def test_table_report_refuses_a_non_astro_sweep(report_config, tmp_path: Path) -> None:
    (tmp_path / "0").mkdir()
    (tmp_path / "0" / "metrics.json").write_text(json.dumps({"sweep_id": "s", "dataset": "dsprites", "probe_acc": 0.5}))
    with pytest.raises(ValueError, match="not astro runs"):
        report_run(report_config(f"sweep_dir={tmp_path}", f"out_dir={tmp_path}"))


def test_claims_are_unknown_without_the_methods_they_compare() -> None:
    table = pd.DataFrame(
        {
            "instrument": "kepler",
            "task": "age",
            "method": ["CA", "LAMOST"],
            "mean": [0.5, 0.4],
            "std": 0.0,
            "n": 2,
            "paper": np.nan,
        }
    )
    assert paper_claims(table) == {
        "kepler_cross_modal_matches_or_beats_best_unimodal_on_every_task": True,
        "kepler_ca_best_on_age": True,
        "kepler_cprev_beats_cp_on_age": None,
    }
