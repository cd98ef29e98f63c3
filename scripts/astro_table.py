"""The astro table + diagnostics of a sweep: python scripts/astro_table.py sweep_dir=outputs/astro/<time>"""

from __future__ import annotations

import hydra
from omegaconf import DictConfig

from alignpredict.app_checks import check_sweep_reader
from alignpredict.cli import run_app


@hydra.main(version_base="1.3", config_path="../conf", config_name="astro_table")
def main(cfg: DictConfig) -> None:
    run_app(cfg, check_sweep_reader, "alignpredict.evaluation.astro_report:run_and_print")


if __name__ == "__main__":
    main()
