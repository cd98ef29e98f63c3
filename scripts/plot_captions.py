"""Top-1 vs image style strength figure and summary CSV of a coco_style sweep (see conf/plot_captions.yaml)."""

from __future__ import annotations

import hydra
from omegaconf import DictConfig

from alignpredict.app_checks import check_sweep_reader
from alignpredict.cli import run_app


@hydra.main(version_base="1.3", config_path="../conf", config_name="plot_captions")
def main(cfg: DictConfig) -> None:
    run_app(cfg, check_sweep_reader, "alignpredict.plots.captions:run")


if __name__ == "__main__":
    main()
