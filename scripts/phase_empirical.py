"""The phase diagram measured: CA and CP trained over the (kappa, nu) plane, against the theory's boundaries.

python scripts/phase_empirical.py                                   # 16 x 16 x 2 panels, CA + CP, 3 seeds, nonlinear
python scripts/phase_empirical.py mode=linear grid.resolution=8 "objectives=[ca,infonce,cp,cp_rev]"
"""

from __future__ import annotations

import hydra
from omegaconf import DictConfig

from alignpredict.app_checks import check_phase_empirical
from alignpredict.cli import run_app


@hydra.main(version_base="1.3", config_path="../conf", config_name="phase_empirical")
def main(cfg: DictConfig) -> None:
    summary = run_app(cfg, check_phase_empirical, "alignpredict.phase_empirical.run:run")
    if summary is not None:
        print(summary)


if __name__ == "__main__":
    main()
