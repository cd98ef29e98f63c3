"""The cached-feature layout: writer/loader round trip on tiny files and each bad-input error."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from alignpredict.data.astro.features import SPLITS, feature_path, load_feature_split, meta_path, write_feature_split


def tiny_meta(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "star_id": np.arange(n),
            "logg": rng.uniform(1.5, 4.6, n),
            "age": rng.uniform(0.5, 10, n),
            "binarity": rng.integers(0, 2, n),
            "teff": rng.uniform(4000, 6500, n),
        }
    )


def write_tiny_cache(folder, n=(12, 5, 6), photometry="kepler", meta_format="parquet", dims=(8, 4)):
    """Write a cache by hand with numpy/pandas only, exactly as the documented layout says."""
    for split, rows in zip(SPLITS, n):
        rng = np.random.default_rng(rows)
        np.save(folder / f"z_lamost_{split}.npy", rng.standard_normal((rows, dims[0])).astype(np.float32))
        np.save(folder / f"z_{photometry}_{split}.npy", rng.standard_normal((rows, dims[1])).astype(np.float32))
        meta = tiny_meta(rows, rows)
        if meta_format == "parquet":
            meta.to_parquet(folder / f"meta_{split}.parquet", index=False)
        else:
            meta.to_csv(folder / f"meta_{split}.csv", index=False)
    return folder


@pytest.mark.parametrize("meta_format", ["parquet", "csv"])
def test_loader_reads_hand_written_files(tmp_path, meta_format):
    write_tiny_cache(tmp_path, meta_format=meta_format)
    split = load_feature_split(tmp_path, "val", ("lamost", "kepler"), required_labels=("logg", "age", "binarity"))
    assert len(split) == 5 and split.features["lamost"].shape == (5, 8) and split.features["kepler"].shape == (5, 4)
    assert np.array_equal(split.features["lamost"], np.load(tmp_path / "z_lamost_val.npy"))
    assert np.allclose(split.meta["logg"], tiny_meta(5, 5)["logg"])
    assert meta_path(tmp_path, "val").suffix == f".{meta_format}"


def test_writer_round_trip_and_no_temp_files(tmp_path):
    meta = tiny_meta(7)
    z = {"lamost": np.arange(21, dtype=np.float64).reshape(7, 3), "tess": np.ones((7, 2))}
    written = write_feature_split(tmp_path, "train", z, meta)
    assert sorted(p.name for p in written) == ["meta_train.parquet", "z_lamost_train.npy", "z_tess_train.npy"]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in written)
    back = load_feature_split(tmp_path, "train", ("lamost", "tess"), ("binarity",))
    assert back.features["lamost"].dtype == np.float32 and np.array_equal(back.features["lamost"], z["lamost"])
    pd.testing.assert_frame_equal(back.meta, meta)


def test_writer_refuses_mismatched_rows(tmp_path):
    with pytest.raises(ValueError, match="meta table has 4 rows"):
        write_feature_split(tmp_path, "train", {"lamost": np.zeros((5, 2))}, tiny_meta(4))
    with pytest.raises(ValueError, match="split must be"):
        write_feature_split(tmp_path, "holdout", {"lamost": np.zeros((4, 2))}, tiny_meta(4))


def test_mismatched_rows_name_both_files(tmp_path):
    write_tiny_cache(tmp_path)
    np.save(tmp_path / "z_kepler_train.npy", np.zeros((11, 4), np.float32))
    with pytest.raises(ValueError, match=r"z_kepler_train\.npy has 11 rows but .*meta_train\.parquet has 12"):
        load_feature_split(tmp_path, "train", ("lamost", "kepler"))


def test_nan_features_are_reported_with_the_fix(tmp_path):
    write_tiny_cache(tmp_path)
    z = np.load(tmp_path / "z_lamost_test.npy")
    z[2, 1] = np.nan
    z[4, 0] = np.inf
    np.save(tmp_path / "z_lamost_test.npy", z)
    with pytest.raises(
        ValueError, match=r"z_lamost_test\.npy has NaN/inf in 2 of 6 rows \(first row 2\); drop or impute"
    ):
        load_feature_split(tmp_path, "test", ("lamost", "kepler"))


def test_missing_label_column_for_the_task(tmp_path):
    write_tiny_cache(tmp_path)
    tiny_meta(12, 12).drop(columns=["age"]).to_parquet(tmp_path / "meta_train.parquet", index=False)
    with pytest.raises(ValueError, match=r"meta_train\.parquet has no 'age' column"):
        load_feature_split(tmp_path, "train", ("lamost",), required_labels=("age",))
    assert len(load_feature_split(tmp_path, "train", ("lamost",), required_labels=("logg",))) == 12


def test_all_missing_or_bad_labels(tmp_path):
    write_tiny_cache(tmp_path)
    meta = tiny_meta(12, 12)
    meta["age"] = np.nan
    meta["binarity"] = 2
    meta.to_parquet(tmp_path / "meta_train.parquet", index=False)
    with pytest.raises(ValueError, match="every 'age' label is missing"):
        load_feature_split(tmp_path, "train", ("lamost",), required_labels=("age",))
    with pytest.raises(ValueError, match="'binarity' must be 0/1"):
        load_feature_split(tmp_path, "train", ("lamost",), required_labels=("binarity",))
    with pytest.raises(ValueError, match="unknown label 'prot'"):
        load_feature_split(tmp_path, "train", ("lamost",), required_labels=("prot",))


def test_missing_files(tmp_path):
    with pytest.raises(FileNotFoundError, match="missing meta table"):
        load_feature_split(tmp_path, "train", ("lamost",))
    write_tiny_cache(tmp_path)
    with pytest.raises(FileNotFoundError, match=r"z_tess_train\.npy; found \['z_kepler_test\.npy'"):
        load_feature_split(tmp_path, "train", ("tess",))
    np.save(feature_path(tmp_path, "lamost", "val"), np.zeros(5, np.float32))
    with pytest.raises(ValueError, match="must be 2-D"):
        load_feature_split(tmp_path, "val", ("lamost",))
