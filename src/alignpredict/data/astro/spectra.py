"""LAMOST-like low-resolution spectra rendered from a stellar population, vectorised over stars.

Continuum-normalised flux on a log-uniform grid (4096 pixels over 3700-9000 A, ~65 km/s per pixel like
LAMOST's 69). At R~1800 nearly every line is unresolved, so each line is drawn with the instrumental
profile and the area its curve of growth gives: linear in optical depth for weak lines, logarithmic when
saturated, square-root in the damping part. The physics that makes a spectrum informative:
- Teff: Boltzmann/Saha factors (Balmer lines grow with Teff, neutral metals and TiO/CH bands with cooling);
- logg: damping (pressure) wings of Mg b, Na D, Ca II triplet and H&K grow with gravity, ionised lines and
  CN weaken with it, microturbulence (saturated-line strength) rises in giants;
- [Fe/H]: scales every metal line;
- binaries: the companion's spectrum, RV-shifted, mixed in with blackbody flux weights.
Noise is Gaussian with a per-pixel SNR set by the apparent magnitude, the spectrograph's throughput and
the star's own spectral energy distribution (blue pixels of cool stars are noisy).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from alignpredict.data.astro.population import LOGG_SUN, T_SUN, StellarPopulation, convective_turnover

C_KMS = 299_792.458
THETA_SUN = 5040.0 / T_SUN
NOISE_STREAM = 1  # spectra draw from their own stream, so their noise never matches a light curve's
ACTIVITY_STREAM = 3  # the activity level at the epoch of observation (cycle scatter)
CA_II_CORES = ((3933.7, 0.55), (3968.5, 0.45))  # K and H: wavelength (A), share of the H+K emission
TWO_H_C2, STEFAN_SIGMA = 1.1911e-5, 5.670e-5  # cgs: 2 h c^2 (erg cm^2 / s), Stefan-Boltzmann


@dataclass(frozen=True)
class Spectrograph:
    """Instrument properties (LAMOST LRS by default: R~1800, 3700-9000 A, SNR~10 at r~17)."""

    n_pixels: int = 4096
    wave_min: float = 3700.0
    wave_max: float = 9000.0
    resolution: float = 1800.0
    snr_at_ref_mag: float = 10.0
    ref_mag: float = 17.0
    max_snr: float = 400.0

    def wavelength(self) -> np.ndarray:
        """Angstrom, log-uniform."""
        return np.exp(np.linspace(np.log(self.wave_min), np.log(self.wave_max), self.n_pixels))

    @property
    def dlnlambda(self) -> float:
        return float(np.log(self.wave_max / self.wave_min) / (self.n_pixels - 1))

    @property
    def lsf_sigma_pixels(self) -> float:
        """Gaussian sigma of the instrumental profile (FWHM = lambda / R)."""
        return 1.0 / (self.resolution * 2.3548 * self.dlnlambda)


@dataclass(frozen=True)
class LineList:
    """Fixed atomic lines and molecular bands; `kind` selects the strength law in `_line_optical_depth`."""

    wavelength: np.ndarray
    log_strength: np.ndarray
    excitation: np.ndarray
    kind: np.ndarray  # 0 neutral metal, 1 ionised metal, 2 Balmer
    damping: np.ndarray  # log10 damping constant at solar gravity (strong lines only matter)


NEUTRAL, IONISED, BALMER = 0, 1, 2

# name: (wavelength A, log strength, excitation eV, kind, log damping)
STRONG_LINES: dict[str, tuple[float, float, float, int, float]] = {
    "H_alpha": (6562.8, 4.0, 10.2, BALMER, -1.0),
    "H_beta": (4861.3, 3.6, 10.2, BALMER, -1.0),
    "H_gamma": (4340.5, 3.3, 10.2, BALMER, -1.0),
    "H_delta": (4101.7, 3.1, 10.2, BALMER, -1.0),
    "H_epsilon": (3970.1, 2.9, 10.2, BALMER, -1.0),
    "CaII_K": (3933.7, 4.5, 0.0, IONISED, -1.4),
    "CaII_H": (3968.5, 4.2, 0.0, IONISED, -1.4),
    "CaI_4227": (4226.7, 3.2, 0.0, NEUTRAL, -1.8),
    "Mg_b1": (5167.3, 3.0, 2.7, NEUTRAL, -1.6),
    "Mg_b2": (5172.7, 3.3, 2.7, NEUTRAL, -1.6),
    "Mg_b4": (5183.6, 3.5, 2.7, NEUTRAL, -1.6),
    "Na_D2": (5890.0, 3.4, 0.0, NEUTRAL, -1.8),
    "Na_D1": (5895.9, 3.1, 0.0, NEUTRAL, -1.8),
    "CaII_8498": (8498.0, 2.6, 1.7, IONISED, -1.6),
    "CaII_8542": (8542.1, 3.3, 1.7, IONISED, -1.6),
    "CaII_8662": (8662.1, 3.1, 1.7, IONISED, -1.6),
}

# (bandhead A, e-folding length A toward the red, kind): 0 TiO (cool), 1 CH G band (G-K), 2 CN (giants)
MOLECULAR_BANDS: tuple[tuple[float, float, int], ...] = (
    (4955.0, 60.0, 0),
    (5167.0, 60.0, 0),
    (5448.0, 80.0, 0),
    (6159.0, 80.0, 0),
    (7054.0, 120.0, 0),
    (7589.0, 120.0, 0),
    (4300.0, 25.0, 1),
    (3883.0, 40.0, 2),
    (4216.0, 30.0, 2),
)


def default_line_list(n_weak: int = 400, seed: int = 12345) -> LineList:
    """The named strong lines plus a fixed random forest of weak metal lines (same for every star)."""
    rng = np.random.default_rng(seed)
    strong = np.array(list(STRONG_LINES.values()))
    weak_wave = np.exp(rng.uniform(np.log(3750.0), np.log(8950.0), n_weak))
    weak_wave = np.concatenate([weak_wave[weak_wave < 5500.0], weak_wave[weak_wave >= 5500.0][: n_weak // 4]])
    n = weak_wave.size
    weak_kind = (rng.random(n) < 0.2).astype(float)
    return LineList(
        wavelength=np.concatenate([strong[:, 0], weak_wave]),
        log_strength=np.concatenate([strong[:, 1], rng.uniform(-0.5, 1.8, n)]),
        excitation=np.concatenate([strong[:, 2], rng.uniform(0.0, 5.0, n)]),
        kind=np.concatenate([strong[:, 3], weak_kind]).astype(np.int64),
        damping=np.concatenate([strong[:, 4], np.full(n, -2.5)]),
    )


def _line_optical_depth(lines: LineList, teff: np.ndarray, logg: np.ndarray, feh: np.ndarray) -> np.ndarray:
    """Central optical depth (n_stars, n_lines) from Boltzmann-Saha-like factors in theta = 5040/Teff."""
    dtheta = (5040.0 / teff - THETA_SUN)[:, None]
    dlogg = (logg - LOGG_SUN)[:, None]
    chi = lines.excitation[None, :]
    neutral = lines.log_strength + feh[:, None] + 0.6 * dtheta * (7.9 - chi)
    ionised = lines.log_strength + feh[:, None] - dlogg / 3.0 - 0.4 * dtheta * (chi + 3.0)
    balmer = lines.log_strength - 0.5 * chi * dtheta - 0.1 * dlogg
    kind = lines.kind[None, :]
    log_tau = np.where(kind == NEUTRAL, neutral, np.where(kind == IONISED, ionised, balmer))
    return 10 ** np.clip(log_tau, -6.0, 6.0)


def _line_areas(
    lines: LineList, teff: np.ndarray, logg: np.ndarray, feh: np.ndarray, dlnlambda: float
) -> tuple[np.ndarray, np.ndarray]:
    """Curve-of-growth equivalent widths in pixels: (Doppler core, damping wings), each (n_stars, n_lines)."""
    tau = _line_optical_depth(lines, teff, logg, feh)
    microturbulence = np.clip(1.0 + 0.4 * (LOGG_SUN - logg), 0.8, 2.5)
    doppler_kms = np.sqrt(1.2**2 * teff / 5000.0 + microturbulence**2)
    doppler_pix = (doppler_kms / C_KMS / dlnlambda)[:, None]
    saturation = 1.0 + 0.5 * np.sqrt(np.pi) * tau / np.sqrt(np.log1p(tau) + 1e-12)
    core = doppler_pix * np.sqrt(np.pi) * tau / saturation
    damping = 10 ** (lines.damping[None, :] + dlogg_factor(logg)[:, None])
    wings = doppler_pix * np.sqrt(np.pi * damping * tau)
    return core, wings


def dlogg_factor(logg: np.ndarray) -> np.ndarray:
    """log10 of the damping-constant scaling with gravity: pressure broadening ~ g^(1/2) (collisions)."""
    return 0.5 * (logg - LOGG_SUN)


def _band_depths(teff: np.ndarray, logg: np.ndarray, feh: np.ndarray) -> np.ndarray:
    """Optical depth at each molecular bandhead, (n_stars, n_bands)."""
    cool = np.clip((4300.0 - teff) / 1000.0, 0.0, 1.0) ** 1.5
    gband = 0.35 * np.exp(-(((teff - 4900.0) / 900.0) ** 2)) * 10 ** (0.5 * feh)
    cn = (
        0.3
        * np.clip((5600.0 - teff) / 1500.0, 0.0, 1.0)
        * np.clip(1.0 + (LOGG_SUN - logg) / 2.0, 1.0, 3.0)
        * 10 ** (0.5 * feh)
    )
    by_kind = np.stack([1.5 * cool, gband, cn], axis=1)
    kinds = np.array([band[2] for band in MOLECULAR_BANDS])
    return by_kind[:, kinds]


def line_absorption(
    spectrograph: Spectrograph,
    lines: LineList,
    teff: np.ndarray,
    logg: np.ndarray,
    feh: np.ndarray,
    rv_kms: np.ndarray,
) -> np.ndarray:
    """Total absorption optical depth (n_stars, n_pixels); normalised flux is exp(-absorption)."""
    n = teff.shape[0]
    wave = spectrograph.wavelength()
    dln = spectrograph.dlnlambda
    sigma = spectrograph.lsf_sigma_pixels
    absorption = np.zeros((n, spectrograph.n_pixels))
    core, wings = _line_areas(lines, teff, logg, feh, dln)
    shift = np.log1p(rv_kms / C_KMS) / dln
    pixel = np.arange(spectrograph.n_pixels, dtype=float)
    rest_pixel = np.log(lines.wavelength / spectrograph.wave_min) / dln
    for j, centre in enumerate(rest_pixel):
        half = 80 if j < len(STRONG_LINES) else 8
        lo, hi = max(int(centre) - half, 0), min(int(centre) + half + 1, spectrograph.n_pixels)
        if hi <= lo:
            continue
        offset = pixel[None, lo:hi] - (centre + shift)[:, None]
        gauss = np.exp(-0.5 * (offset / sigma) ** 2) / (np.sqrt(2 * np.pi) * sigma)
        width = np.maximum(wings[:, j] / (0.8 * np.pi), sigma)[:, None]
        lorentz = width / (np.pi * (offset**2 + width**2))
        absorption[:, lo:hi] += core[:, j, None] * gauss + wings[:, j, None] * lorentz
    bands = _band_depths(teff, logg, feh)
    shifted_wave = wave[None, :] / (1.0 + rv_kms / C_KMS)[:, None]
    for k, (head, length, _) in enumerate(MOLECULAR_BANDS):
        past_head = shifted_wave - head
        profile = np.where(past_head >= 0, np.exp(-np.clip(past_head, 0, None) / length), 0.0)
        absorption += bands[:, k, None] * profile
    return absorption


def planck_ratio(wave_angstrom: np.ndarray, teff: np.ndarray) -> np.ndarray:
    """Blackbody B_lambda(T), up to a constant, (n_stars, n_pixels)."""
    x = 1.4388e8 / (wave_angstrom[None, :] * teff[:, None])
    return 1.0 / (wave_angstrom[None, :] ** 5 * np.expm1(np.minimum(x, 700.0)))


def throughput(wave_angstrom: np.ndarray) -> np.ndarray:
    """Relative spectrograph + fibre efficiency: peaks near 6500 A, drops in the blue and far red."""
    return np.exp(-((np.log(wave_angstrom / 6500.0) / 0.5) ** 2))


def companion_velocity(pop: StellarPopulation) -> np.ndarray:
    """km/s of the secondary relative to the primary at the observation's orbital phase (0 if single)."""
    total_mass = pop.mass * (1.0 + pop.mass_ratio)
    relative = 212.9 * (total_mass / np.where(pop.binarity == 1, pop.orbital_period, 1.0)) ** (1.0 / 3.0)
    return np.where(pop.binarity == 1, relative * np.sin(pop.inclination) * np.sin(2 * np.pi * pop.orbital_phase), 0.0)


def snr_from_magnitude(mag: np.ndarray, spectrograph: Spectrograph) -> np.ndarray:
    """Median per-pixel SNR: photon-limited, SNR ~ 10^(-0.2 (m - m_ref))."""
    snr = spectrograph.snr_at_ref_mag * 10 ** (-0.2 * (mag - spectrograph.ref_mag))
    return np.minimum(snr, spectrograph.max_snr)


def chromospheric_log_rhk(pop: StellarPopulation) -> np.ndarray:
    """log R'HK from the Rossby number, Mamajek & Hillenbrand (2008): Ro = 0.808 - 2.966 (log R'HK + 4.52),
    kept within [-5.1, -4.0]: the basal level of giants and old stars, the saturated level of the youngest."""
    rossby = pop.prot / convective_turnover(pop.teff)
    return np.clip(-4.52 - (rossby - 0.808) / 2.966, -5.1, -4.0)


def chromospheric_emission(spectrograph: Spectrograph, teff: np.ndarray, log_rhk: np.ndarray) -> np.ndarray:
    """Ca II H & K core emission in continuum units, (n_stars, n_pixels): equivalent width
    R'HK sigma T^4 / (pi B_lambda(3950 A)), split between K and H, drawn with the instrumental profile."""
    # planck_ratio is 1 / (lambda_A^5 (e^x - 1)); times 2 h c^2 and 1e40 / 1e8 it is B_lambda per Angstrom
    planck_per_angstrom = TWO_H_C2 * 1e32 * planck_ratio(np.array([3950.0]), teff)[:, 0]
    width_angstrom = 10.0**log_rhk * STEFAN_SIGMA * teff**4 / np.pi / planck_per_angstrom
    pixel = np.arange(spectrograph.n_pixels, dtype=float)
    sigma = spectrograph.lsf_sigma_pixels
    emission = np.zeros((teff.shape[0], spectrograph.n_pixels))
    for centre_angstrom, share in CA_II_CORES:
        centre = np.log(centre_angstrom / spectrograph.wave_min) / spectrograph.dlnlambda
        area_pixels = share * width_angstrom / (centre_angstrom * spectrograph.dlnlambda)
        profile = np.exp(-0.5 * ((pixel - centre) / sigma) ** 2) / (np.sqrt(2 * np.pi) * sigma)
        emission += area_pixels[:, None] * profile[None, :]
    return emission


def simulate_spectra(
    pop: StellarPopulation,
    seed: int,
    spectrograph: Spectrograph | None = None,
    lines: LineList | None = None,
    noise: bool = True,
    chromosphere: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """(wavelength (n_pixels,), flux (n_stars, n_pixels) float32): continuum-normalised, noisy spectra;
    `chromosphere` adds the primary's Ca II H & K emission (activity falls with the Rossby number, hence
    with age for dwarfs; 0.1 dex cycle scatter per observation)."""
    spectrograph = spectrograph or Spectrograph()
    lines = lines or default_line_list()
    wave = spectrograph.wavelength()
    zeros = np.zeros(len(pop))
    primary = np.exp(-line_absorption(spectrograph, lines, pop.teff, pop.logg, pop.feh, zeros))
    if chromosphere:
        cycle = np.random.default_rng([seed, ACTIVITY_STREAM]).normal(0.0, 0.1, len(pop))
        primary = primary + chromospheric_emission(spectrograph, pop.teff, chromospheric_log_rhk(pop) + cycle)
    flux = primary
    binary = pop.binarity == 1
    if binary.any():
        b = np.flatnonzero(binary)
        secondary = np.exp(
            -line_absorption(spectrograph, lines, pop.teff2[b], pop.logg2[b], pop.feh[b], companion_velocity(pop)[b])
        )
        light1 = pop.radius[b, None] ** 2 * planck_ratio(wave, pop.teff[b])
        light2 = pop.radius2[b, None] ** 2 * planck_ratio(wave, pop.teff2[b])
        weight2 = light2 / (light1 + light2)
        flux = primary.copy()
        flux[b] = (1.0 - weight2) * primary[b] + weight2 * secondary
    if noise:
        rng = np.random.default_rng([seed, NOISE_STREAM])
        counts = throughput(wave)[None, :] * planck_ratio(wave, pop.teff)
        counts = counts / np.median(counts, axis=1, keepdims=True)
        snr = snr_from_magnitude(pop.mag, spectrograph)[:, None] * np.sqrt(counts)
        flux = flux + rng.standard_normal(flux.shape) * flux / np.maximum(snr, 0.5)
    return wave, flux.astype(np.float32)
