"""Linear probes: near-perfect on separable features, chance on noise, clear errors on bad features."""

from __future__ import annotations

import numpy as np
import pytest

from alignpredict.evaluation.features import FeatureSet
from alignpredict.evaluation.probe import logistic_probe, paper_probe


def gaussian_classes(n: int, separation: float, seed: int, dim: int = 16, classes: int = 3) -> FeatureSet:
    """Class means `separation` apart along the first axes, unit noise, and a large nuisance scale on one axis."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, classes, size=n)
    features = rng.normal(size=(n, dim))
    features[np.arange(n), labels] += separation
    features[:, -1] *= 1000.0  # standardisation must neutralise feature scale
    return FeatureSet(features=features, labels=labels)


def test_separable_features_are_probed_almost_perfectly() -> None:
    train, val, test = (gaussian_classes(n, 6.0, seed) for n, seed in ((300, 0), (100, 1), (300, 2)))
    result = logistic_probe(train, val, test)
    assert result.test_acc > 0.97 and result.val_acc > 0.95
    assert result.converged


def test_noise_features_give_chance() -> None:
    train, val, test = (gaussian_classes(n, 0.0, seed) for n, seed in ((300, 0), (100, 1), (3000, 2)))
    assert abs(logistic_probe(train, val, test).test_acc - 1 / 3) < 0.05


def test_l2_strength_is_chosen_on_val_ties_to_the_stronger() -> None:
    train, val, test = (gaussian_classes(n, 6.0, seed) for n, seed in ((300, 0), (100, 1), (300, 2)))
    # C = 1e-6 shrinks the weights to ~0 and predicts one class (val ~1/3): never chosen over a sane C
    assert logistic_probe(train, val, test, inverse_l2_grid=(1e-6, 1.0)).inverse_l2 == 1.0
    # both C values separate the classes perfectly on val: the tie goes to the stronger L2 (smaller C)
    assert logistic_probe(train, val, test, inverse_l2_grid=(10.0, 1.0)).inverse_l2 == 1.0


def test_paper_probe_sizes_and_accuracy() -> None:
    train, test = gaussian_classes(600, 6.0, 0, classes=3), gaussian_classes(300, 6.0, 1, classes=3)
    train = FeatureSet(train.features[:, :-1], train.labels)  # the raw-feature probe has no standardisation
    test = FeatureSet(test.features[:, :-1], test.labels)
    by_size = paper_probe(train, test, num_classes=3, sizes=(100, 500, 1000), steps=50, lr=1e-1, seed=0)
    assert sorted(by_size) == [100, 500]  # 1000 > 600 train items: skipped
    assert by_size[500] > 0.9
    assert by_size == paper_probe(train, test, num_classes=3, sizes=(100, 500, 1000), steps=50, lr=1e-1, seed=0)


def test_bad_features_are_refused() -> None:
    good = gaussian_classes(50, 3.0, 0)
    broken = FeatureSet(np.full_like(good.features, np.nan), good.labels)
    with pytest.raises(ValueError, match="NaN"):
        logistic_probe(broken, good, good)
    single = FeatureSet(good.features, np.zeros_like(good.labels))
    with pytest.raises(ValueError, match="single class"):
        logistic_probe(single, good, good)


def test_paper_probe_uses_the_whole_train_split_when_no_size_fits() -> None:
    train = gaussian_classes(50, 3.0, 0)
    by_size = paper_probe(train, gaussian_classes(50, 3.0, 1), num_classes=3, sizes=(1000,), steps=200, lr=0.05)
    assert list(by_size) == [len(train)]
    assert by_size[len(train)] > 0.8  # well separated classes
