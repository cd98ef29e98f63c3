"""Diagnose your own paired features: python scripts/diagnose.py x=X.npy y=Y.npy labels=L.csv"""

from __future__ import annotations

import hydra
from omegaconf import DictConfig

from alignpredict.app_checks import check_diagnose
from alignpredict.cli import run_app


@hydra.main(version_base="1.3", config_path="../conf", config_name="diagnose")
def main(cfg: DictConfig) -> None:
    run_app(cfg, check_diagnose, "alignpredict.diagnose.cli:run")


if __name__ == "__main__":
    main()
