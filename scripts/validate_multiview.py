"""Validate the M-view ranking on the spiked M-view model: python scripts/validate_multiview.py [out_dir=docs]"""

from __future__ import annotations

import hydra
from omegaconf import DictConfig

from alignpredict.diagnose.multiview_validation import run


@hydra.main(version_base="1.3", config_path="../conf", config_name="validate_multiview")
def main(cfg: DictConfig) -> None:
    run(cfg)


if __name__ == "__main__":
    main()
