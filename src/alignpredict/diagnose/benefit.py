"""Does a cross-modal representation beat a single modality? Estimated from the labelled rows.

Delta-hat answers the theory's question: does the objective's top-k recover the *whole* shared signal
subspace. A practitioner asks another one: is the k-dim representation that CA or CP would learn better
for my labels than what one modality gives alone (its top-k principal components, or all its features)?
On real data the two differ (the label may sit in high-variance directions that PCA-k keeps; k may exceed
the number of signal directions; one view may carry the label far better than the other), so both are
reported. Each representation is scored by a cross-validated linear probe on the labelled rows (ridge
least squares on standardised features: accuracy of the arg-max for classes, pooled R^2 for continuous
labels); the linear CA / CP / PCA directions come from all rows (no labels), as training would."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from alignpredict.diagnose.spectra import Moments, fit_directions

REPRESENTATIONS: dict[str, str] = {  # name -> the view its encoder reads
    "ca_x": "x",
    "ca_y": "y",
    "cp_xy": "x",
    "cp_yx": "y",
    "pca_x": "x",
    "pca_y": "y",
}
RAW = ("raw_x", "raw_y")
CROSS_MODAL: dict[str, tuple[str, ...]] = {"CA": ("ca_x", "ca_y"), "CP (x -> y)": ("cp_xy",), "CP (y -> x)": ("cp_yx",)}
SINGLE: dict[str, tuple[str, ...]] = {"x alone": ("pca_x", "raw_x"), "y alone": ("pca_y", "raw_y")}
CROSS_MODAL_EVIDENCE = 0.8  # share of replicates a cross-modal option must win in to be recommended
PROBE_RIDGE = 1e-3  # relative to the mean eigenvalue of the standardised features' covariance


def _moments(x: np.ndarray, y: np.ndarray) -> Moments:
    xc, yc = x - x.mean(axis=0), y - y.mean(axis=0)
    n = x.shape[0]
    return Moments(sxx=xc.T @ xc / n, syy=yc.T @ yc / n, sxy=xc.T @ yc / n, n_rows=n)


def _principal_axes(covariance: np.ndarray) -> np.ndarray:
    values, vectors = np.linalg.eigh(covariance)
    return vectors[:, np.argsort(values)[::-1]]


def _standardise(train: np.ndarray, test: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    mean, scale = train.mean(axis=0), train.std(axis=0)
    scale = np.where(scale > 1e-12 * max(float(scale.max()), 1e-300), scale, 1.0)
    return (train - mean) / scale, (test - mean) / scale


def cv_probe_score(features: np.ndarray, targets: np.ndarray, kind: str, folds: np.ndarray) -> float:
    """Cross-validated score of a ridge least-squares probe: arg-max accuracy (classes, one-hot targets) or
    R^2 pooled over folds and columns (continuous)."""
    correct, residual, total = 0, 0.0, 0.0
    for fold in np.unique(folds):
        test = folds == fold
        train_x, test_x = _standardise(features[~test], features[test])
        train_t = targets[~test]
        t_mean = train_t.mean(axis=0)
        gram = train_x.T @ train_x
        ridge = PROBE_RIDGE * max(float(np.trace(gram)) / gram.shape[0], 1e-12)
        coef = np.linalg.solve(gram + ridge * np.eye(gram.shape[0]), train_x.T @ (train_t - t_mean))
        predicted = test_x @ coef + t_mean
        if kind == "classes":
            correct += int((predicted.argmax(axis=1) == targets[test].argmax(axis=1)).sum())
        else:
            residual += float(((targets[test] - predicted) ** 2).sum())
            total += float(((targets[test] - targets[test].mean(axis=0)) ** 2).sum())
    if kind == "classes":
        return correct / targets.shape[0]
    return 1.0 - residual / max(total, 1e-300)


def representation_scores(
    x: np.ndarray,
    y: np.ndarray,
    label_rows: np.ndarray,
    targets: np.ndarray,
    kind: str,
    ks: tuple[int, ...],
    folds: np.ndarray,
    ridge: float,
    moments: Moments | None = None,
) -> dict[str, float]:
    """Probe scores keyed "name@k" for every representation and k, plus "raw_x" / "raw_y" (all features);
    `moments` of (x, y), when already computed, save the O(n d^2) pass."""
    moments = _moments(x, y) if moments is None else moments
    directions = fit_directions(moments, ridge)
    axes_x, axes_y = _principal_axes(moments.sxx), _principal_axes(moments.syy)
    xl, yl = x[label_rows] - x.mean(axis=0), y[label_rows] - y.mean(axis=0)
    weights = {
        "ca_x": (xl, directions.ca_x),
        "ca_y": (yl, directions.ca_y),
        "cp_xy": (xl, directions.cp_xy),
        "cp_yx": (yl, directions.cp_yx),
        "pca_x": (xl, axes_x),
        "pca_y": (yl, axes_y),
    }
    scores = {"raw_x": cv_probe_score(xl, targets, kind, folds), "raw_y": cv_probe_score(yl, targets, kind, folds)}
    for k in ks:
        for name, (view, basis) in weights.items():
            scores[f"{name}@{k}"] = cv_probe_score(view @ basis[:, :k], targets, kind, folds)
    return scores


def usable_ks(requested: tuple[int, ...], x_dim: int, y_dim: int) -> tuple[int, ...]:
    """The requested representation sizes below both views' (PCA-reduced) dimensions (at k = d every
    representation spans the whole view and they all probe alike); min(d) - 1 when none is."""
    limit = min(x_dim, y_dim)
    usable = tuple(k for k in requested if 1 <= k < limit)
    return usable or (max(1, limit - 1),)


def option_scores(scores: dict[str, float], ks: tuple[int, ...]) -> dict[str, float]:
    """Best score of each option over its representations and the k values: CA (either view's encoder),
    CP per direction, and each modality alone (its PCA-k or all its features)."""
    result = {}
    for option, names in {**CROSS_MODAL, **SINGLE}.items():
        candidates = [scores[name] for name in names if name in RAW]
        candidates += [scores[f"{name}@{k}"] for name in names if name not in RAW for k in ks]
        result[option] = max(candidates)
    return result


@dataclass(frozen=True)
class BenefitSummary:
    """Scores on the full labelled set, their resampled replicates, and the verdicts read from them."""

    ks: tuple[int, ...]
    scores: dict[str, float]
    replicates: dict[str, np.ndarray]  # per score key, score + (subsample - median subsample)
    kind: str
    measured: dict[str, float] | None = None  # the cross-validated scores at the diagnostic's own label count
    budget: int = 0  # the label budget the scores are extrapolated to (0: not extrapolated)

    def gain(self, name: str, k: int) -> float:
        """Probe score of representation `name` at k minus PCA-k of the same view."""
        return self.scores[f"{name}@{k}"] - self.scores[f"pca_{REPRESENTATIONS[name]}@{k}"]

    def gain_confidence(self, name: str, k: int) -> float | None:
        """Share of replicates whose gain has the full sample's sign (None without resampling)."""
        if not self.replicates:
            return None
        gains = self.replicates[f"{name}@{k}"] - self.replicates[f"pca_{REPRESENTATIONS[name]}@{k}"]
        return float(np.mean((gains > 0) == (self.gain(name, k) > 0)))

    def options(self) -> dict[str, float]:
        return option_scores(self.scores, self.ks)

    def best_option(self) -> str:
        options = self.options()
        return max(options, key=lambda name: options[name])

    def _replicate_options(self) -> list[dict[str, float]]:
        count = len(next(iter(self.replicates.values()))) if self.replicates else 0
        return [
            option_scores({key: values[index] for key, values in self.replicates.items()}, self.ks)
            for index in range(count)
        ]

    def best_confidence(self) -> float | None:
        """Share of replicates in which the same option is best."""
        if not self.replicates:
            return None
        best = self.best_option()
        return float(np.mean([max(opts, key=opts.get) == best for opts in self._replicate_options()]))

    def cross_modal_share(self) -> float | None:
        """Share of replicates in which the best cross-modal option beats both modalities alone."""
        if not self.replicates:
            return None
        return float(
            np.mean([max(o[n] for n in CROSS_MODAL) > max(o[n] for n in SINGLE) for o in self._replicate_options()])
        )

    def chosen_option(self) -> str:
        """The recommendation: the best option, except that a cross-modal objective is recommended only when
        at least CROSS_MODAL_EVIDENCE of the replicates have it beat both modalities alone (training one is
        the costlier choice, so the burden of proof is on it); otherwise the better modality alone."""
        best = self.best_option()
        share = self.cross_modal_share()
        if best in SINGLE or share is None or share >= CROSS_MODAL_EVIDENCE:
            return best
        options = self.options()
        return max(SINGLE, key=lambda name: options[name])

    def chosen_confidence(self) -> float | None:
        """Share of replicates that agree with the recommendation: the same cross-modal option best, or (for a
        single modality) no cross-modal option beating both modalities alone."""
        if not self.replicates:
            return None
        chosen = self.chosen_option()
        if chosen in SINGLE:
            return 1.0 - float(self.cross_modal_share())
        return self.best_confidence()

    def to_dict(self) -> dict:
        return {
            "ks": list(self.ks),
            "probe": "cross-validated ridge least squares on the labelled rows "
            + ("(arg-max accuracy)" if self.kind == "classes" else "(R^2)"),
            "label_budget": self.budget,
            "scores": self.scores,
            "measured_scores": self.measured,
            "options": self.options(),
            "best_option": self.best_option(),
            "best_confidence": self.best_confidence(),
            "cross_modal_share": self.cross_modal_share(),
            "chosen_option": self.chosen_option(),
            "chosen_confidence": self.chosen_confidence(),
            "gains_over_pca": {
                f"{name}@{k}": {"gain": self.gain(name, k), "confidence": self.gain_confidence(name, k)}
                for name in ("ca_x", "ca_y", "cp_xy", "cp_yx")
                for k in self.ks
            },
        }


def extrapolate(full: float, half: float, labelled: int, budget: int) -> float:
    """A probe's score at `budget` labelled rows from its scores at `labelled` and labelled / 2 rows, for an
    error that falls like 1 / m (a linear probe with p features: excess error ~ p / m): with s(m) = a - c / m,
    s(budget) = s(m) + (s(m) - s(m / 2)) (1 - m / budget). Never extrapolated downwards (budget <= m)."""
    if budget <= labelled:
        return full
    return full + (full - half) * (1.0 - labelled / budget)


def summarise_benefit(
    full: dict[str, float],
    subsamples: list[dict[str, float]],
    ks: tuple[int, ...],
    kind: str,
    halves: dict[str, float] | None = None,
    labelled: int = 0,
    budget: int = 0,
) -> BenefitSummary:
    """Scores at the downstream label budget and their replicates. The diagnostic sees `labelled` labels,
    the downstream probe `budget` of them: a 64-feature probe gains far more from 5x the labels than a
    5-feature one, so each score is extrapolated along its own learning curve from the half-label-set
    scores (the median over the subsamples, or `halves` without resampling). Replicates = score +
    (subsample score - median subsample score): at half the rows the subsample spread is the full
    sample's."""
    medians = {key: float(np.median([sample[key] for sample in subsamples])) for key in full} if subsamples else halves
    scores = dict(full)
    if medians:
        scores = {key: extrapolate(value, medians[key], labelled, budget) for key, value in full.items()}
    replicates = {}
    if subsamples:
        for key, value in scores.items():
            values = np.array([sample[key] for sample in subsamples])
            replicates[key] = value + values - medians[key]
    return BenefitSummary(ks=ks, scores=scores, replicates=replicates, kind=kind, measured=full, budget=budget)
