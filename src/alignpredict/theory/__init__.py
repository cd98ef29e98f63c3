"""Linear theory: spiked model, closed-form CA/CP, spectra, separation ratios, regimes."""
