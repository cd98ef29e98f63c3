"""Validate the diagnostic on the spiked model: python scripts/validate_diagnostic.py [out_dir=docs]"""

from __future__ import annotations

import hydra
from omegaconf import DictConfig

from alignpredict.diagnose.validation import run


@hydra.main(version_base="1.3", config_path="../conf", config_name="validate_diagnostic")
def main(cfg: DictConfig) -> None:
    run(cfg)


if __name__ == "__main__":
    main()
