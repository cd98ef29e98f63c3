"""Stellar population, LAMOST-like spectra and Kepler/TESS-like light curves: determinism and physics."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from alignpredict.data.astro import lightcurves as lc
from alignpredict.data.astro.catalogue import (
    KRAFT_BREAK_K,
    LONGEST_DETECTED_PERIOD_D,
    add_age_labels,
    in_gyro_catalogue,
)
from alignpredict.data.astro.population import (
    DWARF,
    GIANT,
    StellarPopulation,
    bv_colour,
    gyro_age,
    gyro_period,
    sample_population,
)
from alignpredict.data.astro.spectra import (
    STRONG_LINES,
    Spectrograph,
    chromospheric_emission,
    chromospheric_log_rhk,
    simulate_spectra,
)

SMALL_SPEC = Spectrograph(n_pixels=1024)


@pytest.fixture(scope="module")
def pop():
    return sample_population(400, seed=3)


def test_population_is_deterministic_per_seed():
    a, b, c = sample_population(50, 1), sample_population(50, 1), sample_population(50, 2)
    assert np.array_equal(a.logg, b.logg) and np.array_equal(a.prot, b.prot)
    assert not np.array_equal(a.logg, c.logg)


def test_population_physics(pop):
    giants, dwarfs = pop.state == GIANT, pop.state == DWARF
    assert 0.15 < giants.mean() < 0.35
    assert pop.logg[giants].max() < pop.logg[dwarfs].min()
    assert np.all(pop.logg[giants] < 3.7) and np.all(pop.logg[dwarfs] > 3.9)
    assert np.median(pop.radius[giants]) > 5 * np.median(pop.radius[dwarfs])
    assert 0.2 < pop.binarity.mean() < 0.4
    single = pop.binarity == 0
    assert np.all(pop.mass_ratio[single] == 0) and np.all(
        (pop.mass_ratio[~single] > 0) & (pop.mass_ratio[~single] <= 1.0 + 1e-9)
    )


def test_gyrochronology_closed_form_and_spin_down():
    # Sun: B-V ~ 0.65 and P ~ 26-27 d at 4.6 Gyr with Barnes (2007)
    assert bv_colour(np.array([5772.0]))[0] == pytest.approx(0.65, abs=0.03)
    assert gyro_period(np.array([4.6]), np.array([5772.0]))[0] == pytest.approx(26.5, abs=2.0)
    ages = np.array([0.5, 2.0, 8.0])
    periods = gyro_period(ages, np.full(3, 5500.0))
    assert np.all(np.diff(periods) > 0)
    assert periods[2] / periods[0] == pytest.approx(16.0**0.5189, rel=1e-9)


def test_rotation_slows_and_spots_fade_with_age(pop):
    dwarfs = pop.state == DWARF
    assert np.corrcoef(np.log(pop.age[dwarfs]), np.log(pop.prot[dwarfs]))[0, 1] > 0.6
    young = dwarfs & (pop.age < 3)
    old = dwarfs & (pop.age > 8)
    assert np.median(pop.spot_amplitude[young]) > 2 * np.median(pop.spot_amplitude[old])


def test_bad_population_arguments():
    with pytest.raises(ValueError, match="n must be"):
        sample_population(0, 0)
    with pytest.raises(ValueError, match="binary_fraction"):
        sample_population(10, 0, binary_fraction=1.5)


def test_spectra_shape_determinism_and_normalisation(pop):
    small = pop.subset(np.arange(20))
    wave, flux = simulate_spectra(small, seed=5, spectrograph=SMALL_SPEC)
    _, again = simulate_spectra(small, seed=5, spectrograph=SMALL_SPEC)
    _, other = simulate_spectra(small, seed=6, spectrograph=SMALL_SPEC)
    assert wave.shape == (1024,) and flux.shape == (20, 1024) and flux.dtype == np.float32
    assert wave[0] == pytest.approx(3700.0) and wave[-1] == pytest.approx(9000.0)
    assert np.array_equal(flux, again) and not np.array_equal(flux, other)
    _, clean = simulate_spectra(small, seed=5, spectrograph=SMALL_SPEC, noise=False)
    assert clean.max() <= 1.0 and np.percentile(clean, 90) > 0.98  # continuum normalised, lines absorb


def test_default_spectrograph_matches_lamost():
    spec = Spectrograph()
    velocity_per_pixel = spec.dlnlambda * 299_792.458
    assert 60 < velocity_per_pixel < 75  # LAMOST LRS: 69 km/s per pixel
    assert spec.lsf_sigma_pixels * 2.3548 * spec.dlnlambda == pytest.approx(1 / 1800)


def _line_depth(wave, flux, centre):
    return 1.0 - flux[:, np.argmin(np.abs(wave - centre))]


def test_spectral_lines_follow_teff_logg_feh():
    star = sample_population(1, 0)
    fields = {f: np.repeat(getattr(star, f), 2) for f in star.__dataclass_fields__}

    def pair(**changes):
        values = {k: v.copy() for k, v in fields.items()}
        values["binarity"][:] = 0
        for key, (a, b) in changes.items():
            values[key][:] = (a, b)
        return simulate_spectra(StellarPopulation(**values), 0, noise=False)

    wave, flux = pair(teff=(5000.0, 6500.0), logg=(4.4, 4.4), feh=(0.0, 0.0))
    assert (
        _line_depth(wave, flux, STRONG_LINES["H_alpha"][0])[1] > _line_depth(wave, flux, STRONG_LINES["H_alpha"][0])[0]
    )
    wave, flux = pair(teff=(5000.0, 5000.0), logg=(4.5, 2.5), feh=(0.0, 0.0))
    wing = 1.0 - flux[:, np.abs(wave - 5183.6 - 4.0) < 1.0].mean(axis=1)  # Mg b damping wing
    assert wing[0] > wing[1]  # pressure wings: dwarf > giant
    wave, flux = pair(teff=(5000.0, 5000.0), logg=(4.4, 4.4), feh=(-0.8, 0.3))
    assert (1 - flux[1]).sum() > 1.5 * (1 - flux[0]).sum()  # metal lines scale with [Fe/H]


def test_binaries_change_the_spectrum():
    pop = sample_population(200, 11, binary_fraction=1.0)
    idx = np.flatnonzero((pop.mass_ratio > 0.7) & (pop.state == DWARF))[:5]  # a bright companion
    binaries = pop.subset(idx)
    values = {f: getattr(binaries, f).copy() for f in binaries.__dataclass_fields__}
    values["binarity"][:] = 0
    _, with_companion = simulate_spectra(binaries, 0, noise=False)
    _, alone = simulate_spectra(StellarPopulation(**values), 0, noise=False)
    assert np.all(np.abs(with_companion - alone).max(axis=1) > 0.02)


TINY_KEPLER = lc.kepler(n_points=1024)
TINY_TESS = lc.tess(n_points=2048)


def test_lightcurves_shape_and_determinism(pop):
    small = pop.subset(np.arange(10))
    a = lc.simulate_lightcurves(small, TINY_KEPLER, seed=1)
    assert a.shape == (10, 1024) and a.dtype == np.float32 and np.isfinite(a).all()
    assert np.array_equal(a, lc.simulate_lightcurves(small, TINY_KEPLER, seed=1))
    assert not np.array_equal(a, lc.simulate_lightcurves(small, TINY_KEPLER, seed=2))
    channels = lc.lightcurve_channels(a, TINY_KEPLER.cadence_days, length=128)
    assert channels.shape == (10, 3, 128) and np.isfinite(channels).all()
    assert np.all(channels[:, 1, 0] == channels[:, 1].max(axis=1))  # ACF largest at the zero-lag bin
    with pytest.raises(ValueError, match="channel length"):
        lc.lightcurve_channels(a, TINY_KEPLER.cadence_days, length=1024)


def test_channels_find_a_sinusoid_period():
    cadence = 0.02
    time = np.arange(4096) * cadence
    flux = (1000.0 * np.sin(2 * np.pi * time / 10.0))[None, :]
    channels = lc.lightcurve_channels(flux, cadence, length=256)
    lag_days = (np.arange(256) + 0.5) * (2048 // 256) * cadence
    acf = channels[0, 1]
    assert lag_days[np.argmin(acf)] == pytest.approx(5.0, abs=0.3)  # anti-correlated at half a period
    freq_edges = np.geomspace(1 / (4096 * cadence), 0.5 / cadence, 257)
    peak = np.flatnonzero(channels[0, 2] == channels[0, 2].max())  # empty log bins repeat the next bin
    assert freq_edges[peak[0]] <= 0.1 <= freq_edges[peak[-1] + 1] * 1.03  # FFT bin nearest 1/10 d is 0.0977
    assert channels[0, 0].std() == pytest.approx(1.0, rel=1e-4)


def test_tess_noise_exceeds_kepler_at_same_magnitude():
    mags = np.array([9.0, 12.0, 15.0])
    ratio = (
        lc.tess().white_noise_ppm(mags)
        * np.sqrt(lc.tess().cadence_min)
        / (lc.kepler().white_noise_ppm(mags) * np.sqrt(lc.kepler().cadence_min))
    )
    assert np.all(ratio > 3) and ratio[-1] == pytest.approx(10.0, rel=0.05)
    assert 10 < lc.kepler().white_noise_ppm(np.array([10.0]))[0] < 100  # tens of ppm per Kepler point
    pop = sample_population(40, 4)
    kep = lc.simulate_lightcurves(pop, TINY_KEPLER, 0)
    tes = lc.simulate_lightcurves(pop, TINY_TESS, 0)
    kep_scatter = np.median(np.abs(np.diff(kep, axis=1)), axis=1)  # point-to-point: white noise dominated
    tes_binned = tes[:, :2040].reshape(40, -1, 15).mean(axis=2)  # 2-min -> 30-min
    tes_scatter = np.median(np.abs(np.diff(tes_binned, axis=1)), axis=1)
    assert np.median(tes_scatter / kep_scatter) > 3


def test_asteroseismic_scalings_and_giant_oscillations(pop):
    giants, dwarfs = pop.state == GIANT, pop.state == DWARF
    nu_max = lc.nu_max_uhz(pop)
    sun_like = sample_population(1, 0)
    assert np.median(nu_max[giants]) < 300 < 1000 < np.median(nu_max[dwarfs])
    assert np.median(lc.oscillation_amplitude_ppm(pop)[giants]) > 10 * np.median(
        lc.oscillation_amplitude_ppm(pop)[dwarfs]
    )
    gran_amp, gran_freq = lc.granulation_ppm(pop)
    assert np.median(gran_amp[giants]) > 5 * np.median(gran_amp[dwarfs]) and np.median(gran_freq[giants]) < np.median(
        gran_freq[dwarfs]
    )
    assert lc.delta_nu_uhz(sun_like).shape == (1,)
    inst = lc.kepler(n_points=2048)
    signal = lc.stochastic_signals(pop, inst, np.random.default_rng(0))
    assert np.median(signal[giants].std(axis=1)) > 5 * np.median(signal[dwarfs].std(axis=1))


def test_stochastic_series_has_the_requested_variance():
    psd = np.full((300, 513), 2.0)
    series = lc._stochastic_series(np.random.default_rng(0), psd, 1024)
    assert series.var() == pytest.approx(2.0 * 512, rel=0.03)


def test_eclipses_only_for_binaries_and_overlap_closed_form():
    assert lc._disc_overlap(np.array(1.0), np.array(0.5), np.array(0.1)) == pytest.approx(np.pi * 0.25)
    assert lc._disc_overlap(np.array(1.0), np.array(1.0), np.array(2.5)) == 0.0
    # two unit discs at distance 1: lens area 2 pi / 3 - sqrt(3) / 2
    assert lc._disc_overlap(np.array(1.0), np.array(1.0), np.array(1.0)) == pytest.approx(
        2 * np.pi / 3 - np.sqrt(3) / 2
    )
    pop = sample_population(300, 8)
    time = np.arange(2048) * lc.kepler().cadence_days
    signal = lc.binary_signal(pop, time, 6400.0)
    assert np.all(signal[pop.binarity == 0] == 0)
    assert (signal[pop.binarity == 1].min(axis=1) < -1000).any()


def test_tess_systematics_and_gap():
    pop = sample_population(5, 0)
    flux = lc.simulate_lightcurves(pop, lc.tess(), 0)
    time = np.arange(flux.shape[1]) * lc.tess().cadence_days
    gap = np.abs(time - time[-1] / 2) < 0.5
    assert np.all(flux[:, gap] == 0) and gap.sum() == pytest.approx(720, abs=2)
    trend = lc.systematics(pop, lc.tess(), time, np.random.default_rng(0))
    assert (
        np.abs(trend).max() > 100
        and np.abs(lc.systematics(pop, lc.kepler(), time, np.random.default_rng(0))).max() < np.abs(trend).max()
    )
    with pytest.raises(ValueError, match="unknown photometry"):
        lc.instrument_by_name("gaia")


def test_gyro_age_inverts_the_gyro_period():
    ages, teff = np.array([0.3, 1.0, 4.6, 9.0]), np.array([4500.0, 5200.0, 5772.0, 6100.0])
    assert np.allclose(gyro_age(gyro_period(ages, teff), teff), ages, rtol=1e-12)


def test_gyro_catalogue_lists_only_cool_dwarfs_with_detectable_rotation(pop):
    listed = in_gyro_catalogue(pop)
    assert 0.1 < listed.mean() < 0.6
    assert np.all(pop.state[listed] == DWARF) and np.all(pop.teff[listed] < KRAFT_BREAK_K)
    assert np.all(pop.prot[listed] < LONGEST_DETECTED_PERIOD_D)
    # a faint, quiet star is missed where the same star with strong spots is listed
    quiet = pop.subset(np.flatnonzero(listed)[:1])
    assert in_gyro_catalogue(replace(quiet, spot_amplitude=quiet.spot_amplitude * 1e-4)).sum() == 0


def test_age_labels_gyro_or_true(pop):
    meta = pop.to_frame()
    gyro = add_age_labels(meta, pop)
    listed = in_gyro_catalogue(pop)
    assert np.array_equal(np.isnan(gyro["age"].to_numpy()), ~listed)
    assert np.allclose(gyro["age"][listed], gyro_age(pop.prot[listed], pop.teff[listed]))
    assert np.array_equal(gyro["age_true"], pop.age)
    # catalogue ages track the true ages up to the period scatter (10% in P -> ~20% in age)
    assert np.corrcoef(np.log(gyro["age"][listed]), np.log(pop.age[listed]))[0, 1] > 0.9
    assert np.array_equal(add_age_labels(meta, pop, "true")["age"], pop.age)
    with pytest.raises(ValueError, match="age_label must be one of"):
        add_age_labels(meta, pop, "isochrone")


def test_chromospheric_emission_scales_with_activity_and_matches_the_sun():
    spectrograph = Spectrograph()
    wave = spectrograph.wavelength()
    emission = chromospheric_emission(spectrograph, np.array([5772.0, 4500.0]), np.array([-4.91, -4.4]))
    width = (emission * np.gradient(wave)).sum(axis=1)  # equivalent width in A
    assert width[0] == pytest.approx(0.109, rel=0.05)  # R'HK sigma T^4 / (pi B_lambda(3950 A)) for the Sun
    assert width[1] > 5 * width[0]
    assert np.all(emission[:, np.abs(wave - 3950.0) > 60.0] < 1e-6)  # only the H & K cores
    sun_like = sample_population(1, 0)
    assert chromospheric_log_rhk(replace(sun_like, teff=np.array([5772.0]), prot=np.array([26.0])))[0] == pytest.approx(
        -4.93, abs=0.03
    )
    periods = np.array([2.0, 10.0, 26.0, 60.0])
    levels = chromospheric_log_rhk(replace(sample_population(4, 0), teff=np.full(4, 5772.0), prot=periods))
    assert np.all(np.diff(levels) < 0) and levels[0] > -4.4 and levels[-1] == -5.1  # young active, old basal


def test_spectra_with_a_chromosphere_differ_only_near_ca_ii_h_and_k(pop):
    stars = pop.subset(np.arange(5))
    wave, quiet = simulate_spectra(stars, 0, SMALL_SPEC, noise=False)
    _, active = simulate_spectra(stars, 0, SMALL_SPEC, noise=False, chromosphere=True)
    changed = np.abs(active - quiet).max(axis=0) > 1e-5
    assert changed.any() and np.all(np.abs(wave[changed] - 3950.0) < 60.0)
    assert np.all(active >= quiet - 1e-6)  # emission only adds flux
