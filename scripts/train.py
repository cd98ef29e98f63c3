"""Train one objective on one paired dataset (Hydra app; see conf/train.yaml for the knobs)."""

from __future__ import annotations

import hydra
from omegaconf import DictConfig


@hydra.main(version_base="1.3", config_path="../conf", config_name="train")
def main(cfg: DictConfig) -> float | None:
    from alignpredict.train import run  # imported here so config errors are reported before torch loads

    return run(cfg).get("probe_acc")  # a sweeper's objective; probe.method=astro reports per-task metrics instead


if __name__ == "__main__":
    main()
