"""What a cache's raw features know about each label: python scripts/astro_ceilings.py feature_dir=<cache>"""

from __future__ import annotations

import hydra
from omegaconf import DictConfig

from alignpredict.app_checks import check_astro_ceilings
from alignpredict.cli import run_app


@hydra.main(version_base="1.3", config_path="../conf", config_name="astro_ceilings")
def main(cfg: DictConfig) -> None:
    run_app(cfg, check_astro_ceilings, "alignpredict.evaluation.astro_ceilings:run")


if __name__ == "__main__":
    main()
