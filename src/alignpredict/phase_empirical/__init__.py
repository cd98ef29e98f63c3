"""The phase diagram measured: small nonlinear encoders trained with CA and CP over the (kappa, nu) plane,
as one stacked ensemble, scored by a linear read-out of the true signal and set against the theory's verdicts."""
