"""Kepler-like and TESS-like light curves from one function parametrised by an instrument, plus the
flux / ACF / periodogram channels the light-curve encoder sees.

Signals (relative flux, ppm-level physics):
- spots: a few spots at P_rot with +-5% differential rotation, slowly evolving amplitudes, visible only
  on the near hemisphere (so harmonics appear);
- granulation: a Harvey (Lorentzian) red-noise component whose amplitude and timescale follow nu_max
  (Kallinger et al. 2014: a = 3382 nu_max^-0.609 ppm, b = 0.317 nu_max^0.97 uHz);
- solar-like oscillations: l = 0, 1, 2 mode comb at Delta nu = 135 uHz sqrt(rho), Gaussian envelope at
  nu_max = 3090 uHz (g / g_sun) (Teff / T_sun)^-0.5, peak mode amplitude 2.5 ppm (L / M)^0.8; giants
  oscillate at low frequency with large amplitude, which the 30-min cadence resolves;
- binaries: uniform-disc eclipses (exact two-circle overlap) and ellipsoidal variation.
Stochastic signals are drawn in the Fourier domain with the sinc^2 attenuation of the exposure.
Instrument: white noise per point from a 1-hour noise at the reference magnitude (photon-limited, with a
floor), and TESS systematics: scattered-light ramps each 13.7 d orbit, a mid-sector downlink gap, and
momentum-dump jumps; their relative size grows with magnitude (a background on fainter stars).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from alignpredict.data.astro.population import LOGG_SUN, T_SUN, StellarPopulation, semi_major_axis
from alignpredict.data.astro.spectra import planck_ratio

SECONDS_PER_DAY = 86400.0
NOISE_STREAM = 2  # distinct from the spectra's stream: same seed, independent noise


@dataclass(frozen=True)
class Instrument:
    """Photometer properties; `kepler()` and `tess()` give the published-like defaults."""

    name: str
    cadence_min: float
    n_points: int
    noise_1h_ppm_at_ref: float
    noise_floor_1h_ppm: float
    ref_mag: float = 12.0
    orbit_days: float = 0.0
    ramp_ppm_at_ref: float = 0.0
    ramp_days: float = 1.0
    gap_days: float = 0.0
    dump_interval_days: float = 0.0
    dump_ppm_at_ref: float = 0.0

    @property
    def cadence_days(self) -> float:
        return self.cadence_min / 1440.0

    @property
    def duration_days(self) -> float:
        return self.n_points * self.cadence_days

    def white_noise_ppm(self, mag: np.ndarray) -> np.ndarray:
        """Per-point white noise: photon noise ~ 10^(0.2 (m - m_ref)) in quadrature with a floor, per cadence."""
        per_hour = np.hypot(self.noise_1h_ppm_at_ref * 10 ** (0.2 * (mag - self.ref_mag)), self.noise_floor_1h_ppm)
        return per_hour * np.sqrt(60.0 / self.cadence_min)

    def binned_noise_ppm(self, mag: np.ndarray, hours: float) -> np.ndarray:
        """White noise of the mean flux over `hours` (a CDPP-like figure)."""
        return self.white_noise_ppm(mag) * np.sqrt(self.cadence_min / (60.0 * hours))


def kepler(n_points: int = 4096) -> Instrument:
    """30-min long cadence, ~60 ppm per hour at Kp=12 (CDPP ~ 20-30 ppm per 6.5 h); no scattered light.

    The reference encoder saw 8400 points (175 d); the default here is shorter to keep CPU runs fast.
    """
    return Instrument(
        name="kepler",
        cadence_min=29.4,
        n_points=n_points,
        noise_1h_ppm_at_ref=60.0,
        noise_floor_1h_ppm=10.0,
        dump_interval_days=3.0,
        dump_ppm_at_ref=5.0,
    )


def tess(n_points: int = 19440) -> Instrument:
    """2-min cadence over one 27 d sector; aperture 10.5 cm vs 95 cm gives ~10x Kepler's photon noise;
    60 ppm/h systematic floor, scattered-light ramps each 13.7 d orbit, 1 d downlink gap, momentum dumps ~3.5 d."""
    return Instrument(
        name="tess",
        cadence_min=2.0,
        n_points=n_points,
        noise_1h_ppm_at_ref=600.0,
        noise_floor_1h_ppm=60.0,
        orbit_days=13.7,
        ramp_ppm_at_ref=800.0,
        ramp_days=1.0,
        gap_days=1.0,
        dump_interval_days=3.5,
        dump_ppm_at_ref=150.0,
    )


INSTRUMENTS = {"kepler": kepler, "tess": tess}


def instrument_by_name(name: str, n_points: int | None = None) -> Instrument:
    """Instrument preset by name ('kepler' or 'tess'), optionally with another window length."""
    if name not in INSTRUMENTS:
        raise ValueError(f"unknown photometry instrument {name!r}; choose one of {sorted(INSTRUMENTS)}")
    return INSTRUMENTS[name]() if n_points is None else INSTRUMENTS[name](n_points)


def nu_max_uhz(pop: StellarPopulation) -> np.ndarray:
    """Frequency of maximum oscillation power: nu_max_sun (g / g_sun) (Teff / T_sun)^-0.5."""
    return 3090.0 * 10 ** (pop.logg - LOGG_SUN) * (pop.teff / T_SUN) ** -0.5


def delta_nu_uhz(pop: StellarPopulation) -> np.ndarray:
    """Large frequency separation: 135 uHz sqrt(M / R^3)."""
    return 135.0 * np.sqrt(pop.mass / pop.radius**3)


def oscillation_amplitude_ppm(pop: StellarPopulation) -> np.ndarray:
    """Peak radial-mode amplitude: 2.5 ppm (L / M)^0.8 (Kjeldsen & Bedding scaling, bolometric-ish)."""
    return 2.5 * (pop.luminosity / pop.mass) ** 0.8


def granulation_ppm(pop: StellarPopulation) -> tuple[np.ndarray, np.ndarray]:
    """(rms amplitude ppm, characteristic frequency uHz) of the Harvey granulation component."""
    nu_max = nu_max_uhz(pop)
    return 3382.0 * nu_max**-0.609, 0.317 * nu_max**0.97


def _stochastic_series(rng: np.random.Generator, psd: np.ndarray, n_points: int) -> np.ndarray:
    """Gaussian series whose variance in each positive-frequency bin is `psd` (ppm^2), (n_stars, n_points)."""
    shape = psd.shape
    coeff = (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)) * np.sqrt(psd)
    coeff[:, 0] = 0.0
    return np.fft.irfft(coeff, n=n_points, axis=1) * (n_points / 2.0)


def stochastic_signals(pop: StellarPopulation, inst: Instrument, rng: np.random.Generator) -> np.ndarray:
    """Granulation + oscillations in ppm, (n_stars, n_points)."""
    n_points = inst.n_points
    freq = np.fft.rfftfreq(n_points, d=inst.cadence_days * SECONDS_PER_DAY) * 1e6  # uHz
    df = freq[1]
    exposure = np.sinc(freq * 1e-6 * inst.cadence_days * SECONDS_PER_DAY) ** 2
    gran_amp, gran_freq = granulation_ppm(pop)
    harvey = 2.0 * np.sqrt(2.0) / (np.pi * gran_freq[:, None]) / (1.0 + (freq[None, :] / gran_freq[:, None]) ** 4)
    psd = gran_amp[:, None] ** 2 * harvey * df
    nu_max, dnu, amp = nu_max_uhz(pop), delta_nu_uhz(pop), oscillation_amplitude_ppm(pop)
    width = 0.66 * nu_max**0.88 / 2.3548
    linewidth = np.maximum(0.1 * (pop.teff / T_SUN) ** 4, 2.0 * df)
    central_order = np.round(nu_max / dnu)
    for order in range(-5, 6):
        for _degree, offset, visibility in ((0, 0.0, 1.0), (1, 0.5, 1.5), (2, -0.12, 0.6)):
            nu = dnu * (central_order + order + 1.4 + offset)
            power = visibility * amp**2 * np.exp(-0.5 * ((nu - nu_max) / width) ** 2)
            lorentz = (linewidth / (2 * np.pi))[:, None] / (
                (freq[None, :] - nu[:, None]) ** 2 + (linewidth / 2)[:, None] ** 2
            )
            psd += power[:, None] * lorentz * df
    return _stochastic_series(rng, psd * exposure[None, :], n_points)


def spot_signal(pop: StellarPopulation, time: np.ndarray, rng: np.random.Generator, n_spots: int = 3) -> np.ndarray:
    """Relative flux (ppm) of rotating spots with evolving sizes, (n_stars, n_points)."""
    n = len(pop)
    out = np.zeros((n, time.size))
    lifetime = np.clip(3.0 * pop.prot, 5.0, 200.0)
    for _ in range(n_spots):
        period = pop.prot * (1.0 + rng.uniform(-0.05, 0.05, n))
        phase = rng.uniform(0, 2 * np.pi, n)
        peak_time = rng.uniform(time[0] - 0.5 * time[-1], 1.5 * time[-1], n)
        growth = np.exp(-0.5 * ((time[None, :] - peak_time[:, None]) / lifetime[:, None]) ** 2)
        visible = np.clip(np.cos(2 * np.pi * time[None, :] / period[:, None] + phase[:, None]), 0.0, None)
        out -= rng.uniform(0.5, 1.0, n)[:, None] * growth * visible
    return out * (1e6 * pop.spot_amplitude)[:, None]


def _disc_overlap(r1: np.ndarray, r2: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Area of intersection of two discs with radii r1, r2 and centre distance d (broadcast arrays)."""
    d, r1, r2 = np.maximum(d, 1e-12), np.maximum(r1, 1e-12), np.maximum(r2, 1e-12)
    small, big = np.minimum(r1, r2), np.maximum(r1, r2)
    partial_a = np.clip((d**2 + r1**2 - r2**2) / (2 * d * r1), -1.0, 1.0)
    partial_b = np.clip((d**2 + r2**2 - r1**2) / (2 * d * r2), -1.0, 1.0)
    lens = (
        r1**2 * np.arccos(partial_a)
        + r2**2 * np.arccos(partial_b)
        - 0.5 * np.sqrt(np.clip((-d + r1 + r2) * (d + r1 - r2) * (d - r1 + r2) * (d + r1 + r2), 0.0, None))
    )
    return np.where(d >= r1 + r2, 0.0, np.where(d <= big - small, np.pi * small**2, lens))


def binary_signal(pop: StellarPopulation, time: np.ndarray, band_angstrom: float) -> np.ndarray:
    """Relative flux (ppm) of eclipses and ellipsoidal variation, zero for single stars."""
    a = np.maximum(semi_major_axis(pop), 1e-9)[:, None]
    period = np.where(pop.binarity == 1, pop.orbital_period, 1.0)[:, None]
    phase = 2 * np.pi * (time[None, :] / period + pop.orbital_phase[:, None])
    cos_i = np.cos(pop.inclination)[:, None]
    separation = a * np.sqrt(np.sin(phase) ** 2 + (cos_i * np.cos(phase)) ** 2)
    band = np.array([band_angstrom])
    surface1 = planck_ratio(band, pop.teff)[:, 0]
    surface2 = planck_ratio(band, np.where(pop.binarity == 1, pop.teff2, pop.teff))[:, 0]
    light1 = pop.radius**2 * surface1
    light2 = np.where(pop.binarity == 1, pop.radius2**2 * surface2, 0.0)
    total = (light1 + light2)[:, None]
    overlap = _disc_overlap(pop.radius[:, None], pop.radius2[:, None], separation)
    primary_in_front = np.cos(phase) < 0
    eclipsed = np.where(primary_in_front, overlap * surface2[:, None], overlap * surface1[:, None])
    ellipsoidal = (
        pop.mass_ratio[:, None]
        * (pop.radius[:, None] / a) ** 3
        * np.sin(pop.inclination)[:, None] ** 2
        * np.cos(2 * phase)
    )
    relative = -eclipsed / total - ellipsoidal * (light1[:, None] / total)
    return np.where((pop.binarity == 1)[:, None], relative, 0.0) * 1e6


def systematics(pop: StellarPopulation, inst: Instrument, time: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Instrumental trends (ppm): scattered-light ramps at each orbit start and momentum-dump jumps."""
    n = len(pop)
    faintness = 10 ** (0.4 * (pop.mag - inst.ref_mag))[:, None]
    out = np.zeros((n, time.size))
    if inst.orbit_days > 0 and inst.ramp_ppm_at_ref > 0:
        since_orbit = np.mod(time, inst.orbit_days)
        ramp = np.exp(-since_orbit / inst.ramp_days) + np.exp(-(inst.orbit_days - since_orbit) / (0.5 * inst.ramp_days))
        out += rng.uniform(0.3, 1.0, (n, 1)) * inst.ramp_ppm_at_ref * faintness * ramp[None, :]
    if inst.dump_interval_days > 0 and inst.dump_ppm_at_ref > 0:
        n_dumps = int(time[-1] // inst.dump_interval_days) + 1
        dump_times = inst.dump_interval_days * (np.arange(n_dumps) + rng.uniform(0.2, 0.8, (n, 1)))
        jumps = rng.normal(0.0, inst.dump_ppm_at_ref, (n, n_dumps)) * np.sqrt(faintness)
        after = time[None, None, :] >= dump_times[:, :, None]
        out += np.einsum("nk,nkt->nt", jumps, after.astype(float))
    return out


def simulate_lightcurves(
    pop: StellarPopulation, inst: Instrument, seed: int, band_angstrom: float = 6400.0
) -> np.ndarray:
    """Relative flux in ppm (n_stars, n_points) float32; the data gap (if any) is filled with zeros."""
    rng = np.random.default_rng([seed, NOISE_STREAM])
    time = np.arange(inst.n_points) * inst.cadence_days
    flux = stochastic_signals(pop, inst, rng)
    flux += spot_signal(pop, time, rng)
    flux += binary_signal(pop, time, band_angstrom)
    flux += systematics(pop, inst, time, rng)
    flux += rng.standard_normal(flux.shape) * inst.white_noise_ppm(pop.mag)[:, None]
    flux -= np.median(flux, axis=1, keepdims=True)
    if inst.gap_days > 0:
        mid = time[-1] / 2.0
        flux[:, np.abs(time - mid) < inst.gap_days / 2.0] = 0.0
    return flux.astype(np.float32)


def lightcurve_channels(flux_ppm: np.ndarray, cadence_days: float, length: int = 512) -> np.ndarray:
    """(n_stars, 3, length) float32: standardised binned flux, ACF (lags up to half the window, binned),
    and log10 power in log-spaced frequency bins (absolute ppm^2 units, so amplitude information survives)."""
    n, n_points = flux_ppm.shape
    if length < 8 or n_points < 2 * length:
        raise ValueError(f"channel length {length} needs at least {2 * length} flux points, got {n_points}; lower it")
    x = flux_ppm.astype(np.float64)
    x = x - x.mean(axis=1, keepdims=True)
    binned = x[:, : (n_points // length) * length].reshape(n, length, -1).mean(axis=2)
    flux_channel = binned / (binned.std(axis=1, keepdims=True) + 1e-12)

    spectrum = np.fft.rfft(x, n=2 * n_points, axis=1)
    acf = np.fft.irfft(np.abs(spectrum) ** 2, axis=1)[:, : n_points // 2]
    acf = acf / (acf[:, :1] + 1e-12)
    lag_bin = acf.shape[1] // length
    acf_channel = acf[:, : lag_bin * length].reshape(n, length, lag_bin).mean(axis=2)

    power = np.abs(np.fft.rfft(x, axis=1)) ** 2 / n_points
    freq = np.fft.rfftfreq(n_points, d=cadence_days)
    edges = np.geomspace(freq[1], freq[-1] * (1 + 1e-9), length + 1)
    which = np.clip(np.searchsorted(edges, freq[1:], side="right") - 1, 0, length - 1)
    counts = np.bincount(which, minlength=length)
    sums = np.zeros((n, length))
    np.add.at(sums.T, which, power[:, 1:].T)
    mean_power = sums / np.maximum(counts, 1)
    filled = _fill_empty_bins(mean_power, counts)
    power_channel = np.log10(filled + 1e-6)
    return np.stack([flux_channel, acf_channel, power_channel], axis=1).astype(np.float32)


def _fill_empty_bins(values: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Log-spaced bins below the frequency resolution are empty: give them the next non-empty bin's value."""
    filled_index = np.flatnonzero(counts > 0)
    source = filled_index[np.clip(np.searchsorted(filled_index, np.arange(counts.size)), 0, filled_index.size - 1)]
    return values[:, source]
