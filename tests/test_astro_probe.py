"""The astro probes on synthetic features with known answers, and their errors on bad input."""

from __future__ import annotations

import numpy as np
import pytest

from alignpredict.evaluation.astro_probe import metric_key, probe_representations, score_task


def _linear_problem(n: int, seed: int) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    rng = np.random.default_rng(seed)
    features = rng.standard_normal((n, 6))
    labels = {
        "logg": features @ np.array([1.0, -2.0, 0.5, 0.0, 0.0, 3.0]) + 4.0,  # exactly linear
        "age": rng.standard_normal(n),  # independent of the features
        "binarity": (features[:, 0] > 0.8).astype(float),
    }  # imbalanced, separable along one axis
    return features, labels


def test_known_answers() -> None:
    x_train, train = _linear_problem(600, 0)
    x_test, test = _linear_problem(300, 1)
    assert score_task("logg", x_train, train["logg"], x_test, test["logg"]) > 0.999
    assert score_task("age", x_train, train["age"], x_test, test["age"]) < 0.05
    assert score_task("binarity", x_train, train["binarity"], x_test, test["binarity"]) > 0.95
    noise_train = np.random.default_rng(2).integers(0, 2, 600).astype(float)
    noise_test = np.random.default_rng(3).integers(0, 2, 300).astype(float)
    assert abs(score_task("binarity", x_train, noise_train, x_test, noise_test) - 0.5) < 0.1


def test_unknown_labels_are_skipped_and_keys_are_flat() -> None:
    x_train, train = _linear_problem(200, 0)
    x_test, test = _linear_problem(100, 1)
    train["logg"][:50] = np.nan  # unknown labels: those stars are left out of that task only
    scores = probe_representations(
        {"self": x_train, "baseline_lamost": x_train[:, :2]},
        {"self": x_test, "baseline_lamost": x_test[:, :2]},
        train,
        test,
        tasks=["logg", "binarity"],
    )
    assert set(scores) == {"logg_r2", "binarity_bal_acc", "baseline_lamost_logg_r2", "baseline_lamost_binarity_bal_acc"}
    assert scores["logg_r2"] > 0.999 > scores["baseline_lamost_logg_r2"]
    assert metric_key("ca_photometry", "age") == "ca_photometry_age_r2"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("rows", "same stars in the same order"),
        ("nan", "NaN or inf"),
        ("few", "fewer than the 50 / 20"),
        ("one_class", "single class"),
    ],
)
def test_bad_input_is_named(change: str, message: str) -> None:
    x_train, train = _linear_problem(200, 0)
    x_test, test = _linear_problem(100, 1)
    task, target = ("binarity", train["binarity"]) if change == "one_class" else ("logg", train["logg"])
    if change == "rows":
        x_train = x_train[:-3]
    elif change == "nan":
        x_test[5, 2] = np.nan
    elif change == "few":
        target = np.where(np.arange(200) < 40, target, np.nan)
    else:
        target = np.zeros(200)
    with pytest.raises(ValueError, match=message):
        score_task(task, x_train, target, x_test, test[task])


def test_missing_task_labels_are_named() -> None:
    x, labels = _linear_problem(100, 0)
    del labels["age"]
    with pytest.raises(ValueError, match=r"no labels for tasks \['age'\]"):
        probe_representations({"self": x}, {"self": x}, labels, labels, tasks=["logg", "age"])


def test_tuned_probe_regularises_a_wide_representation_the_fixed_one_overfits() -> None:
    rng = np.random.default_rng(0)
    signal = rng.standard_normal(260)
    wide = np.hstack([signal[:, None] + 0.5 * rng.standard_normal((260, 1)), rng.standard_normal((260, 150))])
    target = signal + 0.3 * rng.standard_normal(260)
    train, test = slice(0, 160), slice(160, None)
    fixed = score_task("logg", wide[train], target[train], wide[test], target[test])
    tuned = score_task("logg", wide[train], target[train], wide[test], target[test], tuned=True)
    assert fixed < 0 and tuned > 0.3  # 151 features, 160 stars: alpha = 1 fits noise, the chosen alpha does not
    labels = (target > 0).astype(float)
    fixed_acc = score_task("binarity", wide[train], labels[train], wide[test], labels[test])
    tuned_acc = score_task("binarity", wide[train], labels[train], wide[test], labels[test], tuned=True)
    assert tuned_acc > 0.6 and tuned_acc > fixed_acc - 0.05


def test_tuned_scores_come_under_suffixed_keys() -> None:
    x_train, train = _linear_problem(200, 0)
    x_test, test = _linear_problem(100, 1)
    scores = probe_representations({"self": x_train}, {"self": x_test}, train, test, tasks=["logg"], tuned=True)
    assert set(scores) == {"logg_r2", "logg_r2_tuned"} and scores["logg_r2_tuned"] > 0.999
    assert metric_key("baseline_lamost", "age", tuned=True) == "baseline_lamost_age_r2_tuned"
