"""Predict, then verify: python scripts/verify.py x=X.npy y=Y.npy labels=L.npy  |  suite=real"""

from __future__ import annotations

import sys

import hydra
from omegaconf import DictConfig

from alignpredict.verify.cli import run


@hydra.main(version_base="1.3", config_path="../conf", config_name="verify")
def main(cfg: DictConfig) -> None:
    try:
        run(cfg)
    except (ValueError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
