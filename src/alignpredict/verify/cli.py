"""The body of scripts/verify.py: one dataset from the user's files, or the real-data suite (suite=real)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from omegaconf import DictConfig, OmegaConf

from alignpredict.diagnose.cli import _load
from alignpredict.verify.core import VerifyResult, VerifySettings, verify
from alignpredict.verify.report import dataset_markdown, write_aggregate, write_dataset
from alignpredict.verify.suite import real_suite


def settings_from(cfg: DictConfig) -> VerifySettings:
    return VerifySettings(
        ks=tuple(int(k) for k in cfg.ks),
        n_splits=int(cfg.n_splits),
        test_fraction=float(cfg.test_fraction),
        n_labelled=int(cfg.n_labelled),
        autoencoder=bool(cfg.autoencoder),
        seed=int(cfg.seed),
        diagnose=OmegaConf.to_container(cfg.diagnose, resolve=True) or {},
    )


def _user_dataset(cfg: DictConfig, settings: VerifySettings) -> VerifyResult:
    notes: list[str] = []
    x, y, labels = (_load(cfg, name, notes) for name in ("x", "y", "labels"))
    labels = np.asarray(labels)
    if labels.ndim == 2 and labels.shape[1] == 1:
        labels = labels[:, 0]
    for note in notes:
        print(f"CSV {note}")
    kind = None if cfg.label_type == "auto" else str(cfg.label_type)
    return verify(x, y, labels, name=str(cfg.name), kind=kind, settings=settings)


def run(cfg: DictConfig) -> list[VerifyResult]:
    """Verify the dataset named by x / y / labels, or every dataset of the suite; write the tables and
    figures into out_dir (and the suite's aggregate table to docs_table when given)."""
    settings = settings_from(cfg)
    out = Path(cfg.out_dir)
    if cfg.suite is None:
        results = [_user_dataset(cfg, settings)]
    elif cfg.suite == "real":
        results = []
        for views in real_suite(cfg.cache_dir):
            if cfg.only and views.name not in cfg.only:
                continue
            x, y = views.pair()
            results.append(verify(x, y, views.labels, name=views.name, kind=views.label_kind, settings=settings))
            write_dataset(results[-1], out)
            print(dataset_markdown(results[-1]))
    else:
        raise ValueError(f"unknown suite {cfg.suite!r}; use suite=real or give x=, y=, labels=")
    for result in results:
        write_dataset(result, out)
    if cfg.suite is None:
        print(dataset_markdown(results[0]))
    markdown = write_aggregate(results, out, str(cfg.command), cfg.docs_table if cfg.suite else None)
    print(markdown)
    print(f"Wrote {out}")
    return results
