"""The downstream probe: logistic regression for class labels (test accuracy), ridge for continuous ones
(test R^2), on standardised features fitted on the training rows."""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression, RidgeCV
from sklearn.preprocessing import StandardScaler


def probe_score(
    train: np.ndarray, train_labels: np.ndarray, test: np.ndarray, test_labels: np.ndarray, kind: str
) -> float:
    """Held-out accuracy (classes) or R^2 (continuous) of a linear probe trained on `train`."""
    scaler = StandardScaler().fit(train)
    train, test = scaler.transform(train), scaler.transform(test)
    if kind == "classes":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model = LogisticRegression(C=1.0, max_iter=500).fit(train, train_labels)
        return float((model.predict(test) == test_labels).mean())
    model = RidgeCV(alphas=np.logspace(-3, 3, 13)).fit(train, train_labels)
    return float(model.score(test, test_labels))
