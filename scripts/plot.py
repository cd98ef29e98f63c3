"""Figures and summary CSV of a synthetic sweep folder (Hydra app; see conf/plot.yaml)."""

from __future__ import annotations

import hydra
from omegaconf import DictConfig

from alignpredict.plots.synthetic import make_synthetic_figures


@hydra.main(version_base="1.3", config_path="../conf", config_name="plot")
def main(cfg: DictConfig) -> None:
    for name, path in make_synthetic_figures(cfg.sweep_dir, cfg.out_dir, cfg.sweep_id, cfg.umap_noise).items():
        print(f"{name}: {path}")


if __name__ == "__main__":
    main()
