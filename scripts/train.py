"""Train one objective on one paired dataset (Hydra app; see conf/train.yaml for the knobs)."""

from __future__ import annotations

import hydra
from omegaconf import DictConfig

from alignpredict.app_checks import check_train
from alignpredict.cli import run_app


@hydra.main(version_base="1.3", config_path="../conf", config_name="train")
def main(cfg: DictConfig) -> float | None:
    # torch loads only once the settings are valid; an earlier run's metrics.json in this folder goes first
    metrics = run_app(cfg, check_train, "alignpredict.train:run", replaces=["metrics.json"])
    return None if metrics is None else metrics.get("probe_acc")  # a sweeper's objective (astro: per-task metrics)


if __name__ == "__main__":
    main()
