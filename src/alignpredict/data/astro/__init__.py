"""Astro surrogate: stellar population -> LAMOST-like spectra and Kepler/TESS-like light curves -> frozen
encoders -> cached features (`z_<modality>_<split>.npy` + `meta_<split>.parquet`), and the datamodule that
serves real or simulated caches to the training stack."""
