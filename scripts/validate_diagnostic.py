"""Validate the diagnostic on the spiked model: python scripts/validate_diagnostic.py"""

from __future__ import annotations

from pathlib import Path

import hydra
from omegaconf import DictConfig

from alignpredict.diagnose.validation import run

REPO_ROOT = Path(__file__).resolve().parents[1]


@hydra.main(version_base="1.3", config_path="../conf", config_name="validate_diagnostic")
def main(cfg: DictConfig) -> None:
    run(cfg, REPO_ROOT)


if __name__ == "__main__":
    main()
