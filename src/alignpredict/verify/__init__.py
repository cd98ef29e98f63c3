"""Predict, then verify: run the diagnostic on a labelled subsample, train linear CA / CP and unimodal
baselines on disjoint rows, probe them on held-out rows, and say whether training agreed with the verdict.

    from alignpredict.verify import verify, VerifySettings
    result = verify(x, y, labels, settings=VerifySettings(n_splits=5))
"""

from alignpredict.verify.core import VerifyResult, VerifySettings, verify

__all__ = ["VerifyResult", "VerifySettings", "verify"]
