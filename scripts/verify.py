"""Predict, then verify: python scripts/verify.py x=X.npy y=Y.npy labels=L.npy  |  suite=real"""

from __future__ import annotations

import hydra
from omegaconf import DictConfig

from alignpredict.app_checks import check_nothing
from alignpredict.cli import run_app


@hydra.main(version_base="1.3", config_path="../conf", config_name="verify")
def main(cfg: DictConfig) -> None:
    run_app(cfg, check_nothing, "alignpredict.verify.cli:run")


if __name__ == "__main__":
    main()
