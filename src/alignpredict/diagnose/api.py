"""alignpredict.diagnose(x, y, labels): the regime and the advice for a user's own paired arrays."""

from __future__ import annotations

from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

from alignpredict.diagnose.benefit import representation_scores, summarise_benefit, usable_ks
from alignpredict.diagnose.estimate import estimate_spectra
from alignpredict.diagnose.label_r2 import fold_assignment
from alignpredict.diagnose.labels import prepare_labels
from alignpredict.diagnose.pca import pca_dimension, reduce_dimension
from alignpredict.diagnose.proxy import proxy_labels
from alignpredict.diagnose.recommend import choose_direction, practical_advice, recommend
from alignpredict.diagnose.report import NO_SIGNAL_MESSAGE, DiagnosticReport, report_message
from alignpredict.diagnose.resample import resample_deltas
from alignpredict.diagnose.settings import DiagnoseSettings
from alignpredict.diagnose.spectra import Moments
from alignpredict.diagnose.validate import check_paired_features
from alignpredict.theory.regimes import classify_regime


def _reduce(features: np.ndarray, settings: DiagnoseSettings) -> np.ndarray:
    n, d = features.shape
    cap = settings.pca_max_dim if settings.pca else None
    return reduce_dimension(features, pca_dimension(n, d, cap, settings.rows_per_dim))


def diagnose(
    x: np.ndarray,
    y: np.ndarray,
    labels: np.ndarray | None,
    *,
    label_rows: np.ndarray | None = None,
    settings: DiagnoseSettings | None = None,
    **options: Any,
) -> DiagnosticReport:
    """Diagnose paired features x (n, d_x) and y (n, d_y) with labels for some rows.

    labels: (n,) or (n, L) with NaN for unlabelled rows, or (m,) / (m, L) together with label_rows (m
    row indices). Continuous columns or class labels (see label_type). labels=None is the label-free mode:
    k-means proxy labels on one modality (proxy_modality, proxy_clusters, proxy_rows). `options` override
    single DiagnoseSettings fields, e.g. diagnose(x, y, s, n_resamples=0)."""
    settings = DiagnoseSettings.from_mapping({**(settings or DiagnoseSettings()).to_dict(), **options})
    x, y = check_paired_features(x, y)
    x_reduced, y_reduced = _reduce(x, settings), _reduce(y, settings)
    label_kind = None
    if labels is None:
        label_rows, labels = proxy_labels(
            x_reduced, y_reduced, settings.proxy_modality, settings.proxy_clusters, settings.proxy_rows, settings.seed
        )
        settings = DiagnoseSettings.from_mapping({**settings.to_dict(), "label_type": "classes"})
        label_kind = f"proxy: k-means on {settings.proxy_modality}, {settings.proxy_clusters} clusters"
    label_set = prepare_labels(labels, x.shape[0], label_rows, settings.label_type, settings.min_labelled)
    rng = np.random.default_rng(settings.seed)
    ks = usable_ks(settings.benefit_k, x_reduced.shape[1], y_reduced.shape[1])
    kind = "classes" if label_set.kind == "classes" else "continuous"

    def benefit(
        xs: np.ndarray, ys: np.ndarray, rows: np.ndarray, targets: np.ndarray, moments: Moments | None = None
    ) -> dict[str, float]:
        folds = fold_assignment(rows.size, settings.cv_folds, rng)
        return representation_scores(xs, ys, rows, targets, kind, ks, folds, settings.ridge, moments)

    with threadpool_limits(limits=1, user_api="blas"):  # small matrices: BLAS threads only add overhead
        column_log: list[tuple[int, int]] = []
        spectra = estimate_spectra(x_reduced, y_reduced, label_set.rows, label_set.targets, settings, rng, column_log)
        resamples = (
            resample_deltas(x_reduced, y_reduced, label_set.rows, label_set.targets, settings, rng, spectra, benefit)
            if settings.n_resamples
            else None
        )
        scores = benefit(x_reduced, y_reduced, label_set.rows, label_set.targets)
        halves = None
        if resamples is None:  # one half of the labelled rows gives the learning-curve point
            half = np.sort(rng.choice(label_set.rows.size, label_set.rows.size // 2, replace=False))
            halves = benefit(x_reduced, y_reduced, label_set.rows[half], label_set.targets[half])
    budget = settings.probe_rows or x.shape[0]
    samples = list(resamples.benefit_samples) if resamples else []
    benefits = summarise_benefit(scores, samples, ks, kind, halves, int(label_set.rows.size), budget)
    delta_ca, delta_cp, delta_cp_reverse = (spectra[name].delta for name in ("ca", "cp_xy", "cp_yx"))
    regime = classify_regime(delta_ca, delta_cp)
    direction = choose_direction(delta_cp, delta_cp_reverse)
    message = report_message(spectra, regime, resamples)
    recovery = recommend(delta_ca, direction)
    # without any label signal there is nothing to choose between: say so rather than name a noisy winner
    recommendation = recovery if message == NO_SIGNAL_MESSAGE else practical_advice(benefits)
    return DiagnosticReport(
        regime=regime,
        delta_ca=delta_ca,
        delta_cp=delta_cp,
        delta_cp_reverse=delta_cp_reverse,
        direction=direction,
        recommendation=recommendation,
        recovery_advice=recovery,
        benefit=benefits,
        message=message,
        spectra=spectra,
        resamples=resamples,
        n_rows=x.shape[0],
        n_labelled=int(label_set.rows.size),
        label_kind=label_kind or label_set.kind,
        feature_dims=(x.shape[1], y.shape[1]),
        pca_dims=(x_reduced.shape[1], y_reduced.shape[1]),
        settings=settings.to_dict(),
        sparse_columns=column_log[0],
    )
