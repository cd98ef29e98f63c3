"""A seeded, vectorised stellar population: the latents both simulated modalities are rendered from.

Each star gets mass, age, [Fe/H], an evolutionary state (dwarf, subgiant, giant), Teff, logg, radius,
luminosity, apparent magnitude, a gyrochronology rotation period, a spot amplitude that falls with age,
and for binaries a main-sequence companion (mass ratio, orbital period, inclination). The relations are
textbook scalings (mass-luminosity, Barnes 2007 gyrochronology, Cranmer & Saar 2011 turnover times),
coarse on purpose: what matters is which latents each modality can see, not isochrone accuracy.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import pandas as pd

T_SUN = 5772.0
LOGG_SUN = 4.438
DWARF, SUBGIANT, GIANT = 0, 1, 2
STATE_NAMES = ("dwarf", "subgiant", "giant")


@dataclass(frozen=True)
class StellarPopulation:
    """Per-star arrays (all of length n); units: Msun, Gyr, dex, K, cgs dex, Rsun, Lsun, mag, days."""

    mass: np.ndarray
    age: np.ndarray
    feh: np.ndarray
    state: np.ndarray
    teff: np.ndarray
    logg: np.ndarray
    radius: np.ndarray
    luminosity: np.ndarray
    mag: np.ndarray
    prot: np.ndarray
    spot_amplitude: np.ndarray
    binarity: np.ndarray
    mass_ratio: np.ndarray
    orbital_period: np.ndarray
    inclination: np.ndarray
    orbital_phase: np.ndarray
    teff2: np.ndarray
    logg2: np.ndarray
    radius2: np.ndarray
    luminosity2: np.ndarray

    def __len__(self) -> int:
        return int(self.mass.shape[0])

    def subset(self, index: np.ndarray) -> StellarPopulation:
        """The stars at `index`, in that order."""
        return StellarPopulation(**{f.name: getattr(self, f.name)[index] for f in fields(self)})

    def to_frame(self) -> pd.DataFrame:
        """One row per star: the meta table the feature cache stores (labels logg, age, binarity included)."""
        frame = pd.DataFrame({f.name: getattr(self, f.name) for f in fields(self)})
        frame["state"] = frame["state"].map(dict(enumerate(STATE_NAMES)))
        return frame


def main_sequence_lifetime(mass: np.ndarray) -> np.ndarray:
    """Gyr; 10 Gyr * M^-2.5."""
    return 10.0 * mass**-2.5


def _powerlaw_mass(rng: np.random.Generator, n: int, low: float, high: float, slope: float = -2.35) -> np.ndarray:
    """Inverse-CDF draw from dN/dM ~ M^slope on [low, high] (Salpeter by default)."""
    a = slope + 1.0
    u = rng.random(n)
    return (low**a + u * (high**a - low**a)) ** (1.0 / a)


def _dwarf_structure(mass: np.ndarray, age: np.ndarray, feh: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Radius, luminosity, Teff of a main-sequence star that has burnt a fraction age/t_ms of its core."""
    burnt = np.clip(age / main_sequence_lifetime(mass), 0.0, 1.0)
    radius = mass**0.8 * (0.9 + 0.5 * burnt**2)
    zams_lum = np.where(mass > 0.43, mass**4.0, 0.23 * mass**2.3)
    luminosity = zams_lum * (0.75 + 0.55 * burnt) * 10 ** (-0.1 * feh)
    teff = T_SUN * (luminosity / radius**2) ** 0.25
    return radius, luminosity, teff


def _surface_gravity(mass: np.ndarray, radius: np.ndarray) -> np.ndarray:
    return LOGG_SUN + np.log10(mass) - 2.0 * np.log10(radius)


def bv_colour(teff: np.ndarray) -> np.ndarray:
    """B-V from Teff by inverting Ballesteros (2012): T = 4600 (1/(0.92 BV + 1.7) + 1/(0.92 BV + 0.62))."""
    s = teff / 4600.0
    b = 2.32 * s - 2.0
    c = 1.054 * s - 2.32
    u = (-b + np.sqrt(b**2 - 4.0 * s * c)) / (2.0 * s)
    return u / 0.92


def convective_turnover(teff: np.ndarray) -> np.ndarray:
    """Days; Cranmer & Saar (2011) fit, used for the Rossby number that sets spot activity."""
    return 314.24 * np.exp(-(teff / 1952.5) - (teff / 6250.0) ** 18) + 0.002


BARNES_A, BARNES_B, BARNES_N = 0.7725, 0.601, 0.5189


def _gyro_colour_term(teff: np.ndarray) -> np.ndarray:
    """0.7725 (B-V - 0.4)^0.601 with the colour clipped at the Kraft break and the red end of the fit."""
    bv = np.clip(bv_colour(teff), 0.47, 1.6)
    return BARNES_A * (bv - 0.4) ** BARNES_B


def gyro_period(age: np.ndarray, teff: np.ndarray) -> np.ndarray:
    """Days; Barnes (2007): P = 0.7725 (B-V - 0.4)^0.601 t_Myr^0.5189."""
    return _gyro_colour_term(teff) * (1e3 * age) ** BARNES_N


def gyro_age(prot: np.ndarray, teff: np.ndarray) -> np.ndarray:
    """Gyr; the Barnes (2007) relation of `gyro_period` solved for the age."""
    return (prot / _gyro_colour_term(teff)) ** (1.0 / BARNES_N) / 1e3


def sample_population(
    n: int,
    seed: int,
    giant_fraction: float = 0.25,
    subgiant_fraction: float = 0.10,
    binary_fraction: float = 0.30,
    mag_range: tuple[float, float] = (9.0, 16.0),
) -> StellarPopulation:
    """Draw `n` stars; the same (n, seed, fractions) always gives the same population."""
    if n < 1:
        raise ValueError(f"n must be >= 1 stars, got {n}")
    if not 0.0 <= giant_fraction + subgiant_fraction <= 1.0 or min(giant_fraction, subgiant_fraction) < 0:
        raise ValueError(
            f"giant_fraction + subgiant_fraction must lie in [0, 1], got {giant_fraction} + {subgiant_fraction}"
        )
    if not 0.0 <= binary_fraction <= 1.0:
        raise ValueError(f"binary_fraction must lie in [0, 1], got {binary_fraction}")
    rng = np.random.default_rng(seed)
    state = rng.choice(3, size=n, p=[1.0 - giant_fraction - subgiant_fraction, subgiant_fraction, giant_fraction])
    dwarf, sub, giant = state == DWARF, state == SUBGIANT, state == GIANT

    mass = np.empty(n)
    mass[dwarf] = _powerlaw_mass(rng, int(dwarf.sum()), 0.6, 1.5)
    mass[sub] = _powerlaw_mass(rng, int(sub.sum()), 0.9, 1.6)
    mass[giant] = _powerlaw_mass(rng, int(giant.sum()), 0.95, 2.5)
    t_ms = main_sequence_lifetime(mass)
    age = np.empty(n)
    age[dwarf] = rng.uniform(0.1, np.minimum(12.0, t_ms[dwarf]))
    age[sub] = t_ms[sub] * rng.uniform(1.0, 1.08, int(sub.sum()))
    age[giant] = t_ms[giant] * rng.uniform(1.08, 1.15, int(giant.sum()))
    feh = np.clip(rng.normal(0.05 - 0.025 * age, 0.22), -1.0, 0.5)

    radius, luminosity, teff = _dwarf_structure(mass, age, feh)
    radius[sub] = rng.uniform(1.8, 3.5, int(sub.sum())) * mass[sub] ** 0.3
    teff[sub] = 6000.0 * mass[sub] ** 0.2 - 320.0 * (radius[sub] - 1.8) - 120.0 * feh[sub]
    clump = rng.random(n) < 0.4
    radius[giant] = np.where(
        clump[giant],
        rng.normal(11.0, 1.5, int(giant.sum())),
        10 ** rng.uniform(np.log10(4.0), np.log10(30.0), int(giant.sum())),
    )
    teff[giant] = 4800.0 - 600.0 * np.log10(radius[giant] / 10.0) - 150.0 * feh[giant] + 200.0 * (mass[giant] - 1.2)
    evolved = sub | giant
    luminosity[evolved] = radius[evolved] ** 2 * (teff[evolved] / T_SUN) ** 4
    logg = _surface_gravity(mass, radius)

    prot = gyro_period(age, teff) * np.where(sub, radius, 1.0)
    prot[giant] = 50.6 * radius[giant] / rng.uniform(1.0, 4.0, int(giant.sum()))
    prot = prot * np.exp(rng.normal(0.0, 0.1, n))
    rossby = prot / convective_turnover(teff)
    spot_amplitude = np.clip(1e-3 * (rossby / 2.0) ** -1.5 * 10 ** rng.normal(0.0, 0.3, n), 1e-5, 3e-2)

    binarity = (rng.random(n) < binary_fraction).astype(np.int64)
    mass_ratio = np.where(binarity == 1, rng.uniform(0.3, 1.0, n), 0.0)
    mass2 = np.maximum(mass_ratio * mass, 0.3)
    mass_ratio = np.where(binarity == 1, mass2 / mass, 0.0)
    radius2, luminosity2, teff2 = _dwarf_structure(mass2, age, feh)
    logg2 = _surface_gravity(mass2, radius2)
    total_mass = mass + mass2
    closest = np.sqrt((3.0 * (radius + radius2) / 4.208) ** 3 / total_mass)
    orbital_period = np.maximum(10 ** rng.normal(1.6, 1.1, n), closest)
    inclination = np.arccos(rng.random(n))
    orbital_phase = rng.random(n)
    single = binarity == 0
    for arr in (mass_ratio, orbital_period, inclination, orbital_phase, teff2, logg2, radius2, luminosity2):
        arr[single] = 0.0

    lo, hi = mag_range
    mag = lo + (hi - lo) * np.sqrt(rng.random(n))
    return StellarPopulation(
        mass=mass,
        age=age,
        feh=feh,
        state=state.astype(np.int64),
        teff=teff,
        logg=logg,
        radius=radius,
        luminosity=luminosity,
        mag=mag,
        prot=prot,
        spot_amplitude=spot_amplitude,
        binarity=binarity,
        mass_ratio=mass_ratio,
        orbital_period=orbital_period,
        inclination=inclination,
        orbital_phase=orbital_phase,
        teff2=teff2,
        logg2=logg2,
        radius2=radius2,
        luminosity2=luminosity2,
    )


def semi_major_axis(pop: StellarPopulation) -> np.ndarray:
    """Rsun, from Kepler's third law with the period in days (zero for single stars)."""
    total_mass = pop.mass * (1.0 + pop.mass_ratio)
    return np.where(pop.binarity == 1, 4.208 * (total_mass * pop.orbital_period**2) ** (1.0 / 3.0), 0.0)
