"""Top-1 vs image style strength figure and summary CSV of a coco_style sweep (see conf/plot_captions.yaml)."""

from __future__ import annotations

import hydra
from omegaconf import DictConfig

from alignpredict.plots.captions import make_caption_figures


@hydra.main(version_base="1.3", config_path="../conf", config_name="plot_captions")
def main(cfg: DictConfig) -> None:
    for name, path in make_caption_figures(cfg.sweep_dir, cfg.out_dir, cfg.sweep_id).items():
        print(f"{name}: {path}")


if __name__ == "__main__":
    main()
