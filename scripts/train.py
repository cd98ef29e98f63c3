"""Train one objective on one paired dataset (Hydra app; see conf/train.yaml for the knobs)."""

from __future__ import annotations

import hydra
from omegaconf import DictConfig


@hydra.main(version_base="1.3", config_path="../conf", config_name="train")
def main(cfg: DictConfig) -> float:
    from alignpredict.train import run  # imported here so config errors are reported before torch loads

    return float(run(cfg)["probe_acc"])


if __name__ == "__main__":
    main()
