"""The age label as the paper's catalogue reports it: gyrochronology ages for a subsample of dwarfs.

The paper's age target is `final_age` from a gyrochronology catalogue keyed by Kepler ID (docs/protocols/astro.md),
not a true age for every star. Such a catalogue only lists stars whose rotation period was measured in Kepler's
four-year light curves and to which a gyrochronology relation applies, and its age is that relation
inverted at the measured period and temperature. The simulated meta table therefore carries:
- `age_true`: the population's age for every star;
- `age_gyro`: Barnes (2007) inverted at (P_rot, Teff) for catalogue stars, NaN for the others;
- `age`: the probed label, one of the two (`age_label`, default "gyro" as in the paper).
Catalogue membership follows from physics and the survey, not from the probe results: main-sequence
stars below the Kraft break (hotter stars keep no magnetic-braking memory), periods below the longest
that four-year Kepler searches report, and spot modulation above three times Kepler's 6-hour noise at
the star's magnitude. The same labels serve the TESS pairs, as the paper's TESS stars carry Kepler IDs.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from alignpredict.data.astro.lightcurves import kepler
from alignpredict.data.astro.population import DWARF, StellarPopulation, gyro_age

KRAFT_BREAK_K = 6250.0
LONGEST_DETECTED_PERIOD_D = 70.0  # the upper end of the periods four-year Kepler rotation searches report
DETECTION_SIGMA = 3.0
DETECTION_HOURS = 6.0
AGE_LABELS: tuple[str, ...] = ("gyro", "true")


def in_gyro_catalogue(pop: StellarPopulation) -> np.ndarray:
    """Boolean mask of the stars a Kepler gyrochronology catalogue would list."""
    noise_ppm = kepler().binned_noise_ppm(pop.mag, DETECTION_HOURS)
    detected = 1e6 * pop.spot_amplitude > DETECTION_SIGMA * noise_ppm
    return (pop.state == DWARF) & (pop.teff < KRAFT_BREAK_K) & (pop.prot < LONGEST_DETECTED_PERIOD_D) & detected


def add_age_labels(meta: pd.DataFrame, pop: StellarPopulation, age_label: str = "gyro") -> pd.DataFrame:
    """`meta` with `age_true`, `age_gyro` and the probed `age` column (see the module docstring)."""
    if age_label not in AGE_LABELS:
        raise ValueError(f"age_label must be one of {AGE_LABELS}, got {age_label!r}")
    if len(meta) != len(pop):
        raise ValueError(f"meta has {len(meta)} rows but the population has {len(pop)} stars")
    out = meta.copy()
    out["age_true"] = pop.age
    out["age_gyro"] = np.where(in_gyro_catalogue(pop), gyro_age(pop.prot, pop.teff), np.nan)
    out["age"] = out["age_gyro"] if age_label == "gyro" else out["age_true"]
    return out
