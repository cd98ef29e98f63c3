"""Frozen encoders for simulated stars and the simulate -> encode -> cache pipeline.

The encoders are fit once on a pool of simulated stars disjoint from the cached pairs (its own seed), then
frozen, as the paper's LAMOST and photometry encoders were trained elsewhere and only used to extract
features. Inputs are instrument-level: continuum-normalised absorption for spectra, flux / ACF /
log-periodogram channels for light curves. Two encoder kinds: 'pca' (default; an SVD of the pool inputs:
cheap, deterministic, and it keeps what a ridge probe could read from the raw inputs) and 'cnn' (small 1D
CNNs, see `cnn.py`: parameter regression for spectra, VICReg on crops for light curves).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from alignpredict.data.astro.catalogue import AGE_LABELS, add_age_labels
from alignpredict.data.astro.cnn import CNNTraining, train_lightcurve_encoder, train_spectrum_encoder
from alignpredict.data.astro.features import SPLITS, write_feature_split
from alignpredict.data.astro.lightcurves import Instrument, lightcurve_channels, simulate_lightcurves
from alignpredict.data.astro.population import StellarPopulation, sample_population
from alignpredict.data.astro.spectra import simulate_spectra
from alignpredict.utils.io import write_json

POOL_SEED_OFFSET = 1_000_003
CHUNK = 500
MANIFEST = "manifest.json"


@dataclass(frozen=True)
class PCAEncoder:
    """A frozen linear encoder: per-input standardisation, then projection on the top principal axes."""

    mean: np.ndarray
    scale: np.ndarray
    components: np.ndarray  # (dim, n_inputs)

    @classmethod
    def fit(cls, inputs: np.ndarray, dim: int) -> PCAEncoder:
        """Fit on (n, ...) inputs; trailing axes are flattened."""
        inputs = inputs.reshape(len(inputs), -1)
        if dim > min(inputs.shape):
            raise ValueError(
                f"encoder dim {dim} exceeds min(pool size, input size) = {min(inputs.shape)}; "
                "enlarge the pool or lower the dim"
            )
        mean = inputs.mean(axis=0)
        scale = inputs.std(axis=0) + 1e-6
        _, _, vt = np.linalg.svd((inputs - mean) / scale, full_matrices=False)
        signs = np.sign(vt[:dim, :1] + 1e-30)  # fixed sign convention, so features do not flip between runs
        return cls(mean=mean, scale=scale, components=vt[:dim] * signs)

    def __call__(self, inputs: np.ndarray) -> np.ndarray:
        inputs = inputs.reshape(len(inputs), -1)
        return (((inputs - self.mean) / self.scale) @ self.components.T).astype(np.float32)


def spectrum_inputs(pop: StellarPopulation, seed: int, chromosphere: bool = False) -> np.ndarray:
    """Absorption depth 1 - flux, (n_stars, 1, n_pixels), rendered in chunks to bound memory."""
    chunks = [
        simulate_spectra(pop.subset(np.arange(i, min(i + CHUNK, len(pop)))), seed + i, chromosphere=chromosphere)[1]
        for i in range(0, len(pop), CHUNK)
    ]
    return 1.0 - np.concatenate(chunks)[:, None, :]


def lightcurve_flux(pop: StellarPopulation, instrument: Instrument, seed: int) -> np.ndarray:
    """Relative flux (n_stars, n_points) in ppm, simulated in chunks."""
    return np.concatenate(
        [
            simulate_lightcurves(pop.subset(np.arange(i, min(i + CHUNK, len(pop)))), instrument, seed + i)
            for i in range(0, len(pop), CHUNK)
        ]
    )


def lightcurve_inputs(pop: StellarPopulation, instrument: Instrument, seed: int, channel_length: int) -> np.ndarray:
    """Flux / ACF / log-periodogram channels (n_stars, 3, channel_length)."""
    return lightcurve_channels(lightcurve_flux(pop, instrument, seed), instrument.cadence_days, channel_length)


def fit_frozen_encoders(
    kind: str,
    pool: StellarPopulation,
    instrument: Instrument,
    seed: int,
    spectra_dim: int,
    photometry_dim: int,
    channel_length: int,
    cnn_epochs: int = 15,
    chromosphere: bool = False,
) -> tuple[Callable[[np.ndarray], np.ndarray], Callable[[np.ndarray], np.ndarray]]:
    """(spectrum encoder, light-curve-channel encoder) fit on the pool; 'pca' (default) or 'cnn'."""
    spectra = spectrum_inputs(pool, seed, chromosphere)
    if kind == "pca":
        return PCAEncoder.fit(spectra, spectra_dim), PCAEncoder.fit(
            lightcurve_inputs(pool, instrument, seed, channel_length), photometry_dim
        )
    if kind == "cnn":
        targets = np.stack([pool.teff, pool.logg, pool.feh], axis=1)
        flux = lightcurve_flux(pool, instrument, seed)
        settings = CNNTraining(epochs=cnn_epochs)
        return (
            train_spectrum_encoder(spectra, targets, spectra_dim, seed, settings),
            train_lightcurve_encoder(flux, instrument.cadence_days, channel_length, photometry_dim, seed, settings),
        )
    raise ValueError(f"encoder must be 'pca' or 'cnn', got {kind!r}")


def _split_indices(n: int, seed: int, fractions: tuple[float, float, float]) -> dict[str, np.ndarray]:
    order = np.random.default_rng(seed).permutation(n)
    n_train, n_val = int(round(fractions[0] * n)), int(round(fractions[1] * n))
    return {"train": order[:n_train], "val": order[n_train : n_train + n_val], "test": order[n_train + n_val :]}


def simulation_key(**params: object) -> str:
    """Short stable hash of the simulation parameters: the cache folder's name suffix."""
    return hashlib.sha1(json.dumps(params, sort_keys=True, default=str).encode()).hexdigest()[:10]


def simulate_feature_cache(
    out_dir: str | Path,
    n_pairs: int,
    instrument: Instrument,
    seed: int,
    pool_size: int = 2000,
    spectra_dim: int = 64,
    photometry_dim: int = 64,
    channel_length: int = 512,
    split_fractions: tuple[float, float, float] = (0.7, 0.15, 0.15),
    encoder: str = "pca",
    cnn_epochs: int = 15,
    age_label: str = "gyro",
    chromosphere: bool = False,
) -> Path:
    """Simulate `n_pairs` stars, encode them with encoders fit on a disjoint pool, write the cache layout.

    The meta table's `age` is the catalogue's gyrochronology age (NaN outside the catalogue) or, with
    `age_label="true"`, every star's true age (see `catalogue.py`); `chromosphere` adds Ca II H & K activity
    emission to the spectra."""
    if encoder not in ("pca", "cnn"):
        raise ValueError(f"encoder must be 'pca' or 'cnn', got {encoder!r}")
    if age_label not in AGE_LABELS:
        raise ValueError(f"age_label must be one of {AGE_LABELS}, got {age_label!r}")
    if n_pairs < 20:
        raise ValueError(f"n_pairs must be >= 20 so that every split has stars, got {n_pairs}")
    if abs(sum(split_fractions) - 1.0) > 1e-6 or min(split_fractions) <= 0:
        raise ValueError(f"split_fractions must be three positive numbers summing to 1, got {split_fractions}")
    out = Path(out_dir)
    pool = sample_population(pool_size, seed + POOL_SEED_OFFSET)
    spectra_encoder, photometry_encoder = fit_frozen_encoders(
        encoder,
        pool,
        instrument,
        seed + POOL_SEED_OFFSET,
        spectra_dim,
        photometry_dim,
        channel_length,
        cnn_epochs,
        chromosphere,
    )

    stars = sample_population(n_pairs, seed)
    z_spectra = spectra_encoder(spectrum_inputs(stars, seed, chromosphere))
    z_photometry = photometry_encoder(lightcurve_inputs(stars, instrument, seed, channel_length))
    meta = add_age_labels(stars.to_frame(), stars, age_label)
    meta.insert(0, "star_id", np.arange(n_pairs))
    for split, index in _split_indices(n_pairs, seed, split_fractions).items():
        write_feature_split(
            out,
            split,
            {"lamost": z_spectra[index], instrument.name: z_photometry[index]},
            meta.iloc[index].reset_index(drop=True),
        )
    write_json(
        out / MANIFEST,
        {
            "source": "simulated",
            "instrument": instrument.name,
            "n_pairs": n_pairs,
            "seed": seed,
            "pool_size": pool_size,
            "pool_seed": seed + POOL_SEED_OFFSET,
            "encoder": encoder,
            "cnn_epochs": cnn_epochs,
            "age_label": age_label,
            "chromosphere": chromosphere,
            "spectra_dim": spectra_dim,
            "photometry_dim": photometry_dim,
            "channel_length": channel_length,
            "light_curve_points": instrument.n_points,
            "split_fractions": list(split_fractions),
            "splits": list(SPLITS),
        },
    )
    return out
