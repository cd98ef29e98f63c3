"""Figures and summary CSV of a synthetic sweep folder (Hydra app; see conf/plot.yaml)."""

from __future__ import annotations

import hydra
from omegaconf import DictConfig

from alignpredict.app_checks import check_sweep_reader
from alignpredict.cli import run_app


@hydra.main(version_base="1.3", config_path="../conf", config_name="plot")
def main(cfg: DictConfig) -> None:
    run_app(cfg, check_sweep_reader, "alignpredict.plots.synthetic:run")


if __name__ == "__main__":
    main()
