"""Every figure and table on the embedded data, stage by stage (Hydra app; see conf/reproduce.yaml).

python scripts/reproduce.py                              # all stages, quick scale
python scripts/reproduce.py stages=[theory,diagnose]     # a subset
python scripts/reproduce.py publish=true                 # also copy the headline figures into docs/figures/
"""

from __future__ import annotations

import hydra
from omegaconf import DictConfig

from alignpredict.reproduce import run


@hydra.main(version_base="1.3", config_path="../conf", config_name="reproduce")
def main(cfg: DictConfig) -> None:
    run(cfg)  # prints a line per stage, then where everything went


if __name__ == "__main__":
    main()
