"""Predict, then verify: run the diagnostic on a labelled subsample, train linear CA / CP and unimodal
baselines on disjoint rows, probe them on held-out rows, and say whether training agreed with the verdict."""
