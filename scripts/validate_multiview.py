"""Validate the M-view ranking on the spiked M-view model: python scripts/validate_multiview.py [out_dir=docs]"""

from __future__ import annotations

import hydra
from omegaconf import DictConfig

from alignpredict.app_checks import check_nothing
from alignpredict.cli import run_app


@hydra.main(version_base="1.3", config_path="../conf", config_name="validate_multiview")
def main(cfg: DictConfig) -> None:
    run_app(cfg, check_nothing, "alignpredict.diagnose.multiview_validation:run")


if __name__ == "__main__":
    main()
