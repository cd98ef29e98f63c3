"""Linear theory outputs: phase diagram (PNG, PDF, CSV), its interactive explorer (phase_explorer.html), its GIF
sweep, the E4-E7 validation and InfoNCE study.

python scripts/theory.py                         # phase diagram + explorer + GIF + validation suite
python scripts/theory.py explorer.report=out/diag/report.json   # the explorer with a dataset placed on it
python scripts/theory.py infonce.enabled=true    # also the InfoNCE study (minutes)
"""

from __future__ import annotations

from pathlib import Path

import hydra
from omegaconf import DictConfig

from alignpredict.app_checks import check_theory
from alignpredict.cli import run_app


@hydra.main(version_base="1.3", config_path="../conf", config_name="theory")
def main(cfg: DictConfig) -> None:
    summary = run_app(cfg, check_theory, "alignpredict.theory.outputs:run")
    if summary is not None:
        from alignpredict.theory.outputs import summary_text

        print(summary_text(summary, Path(str(cfg.out_dir))), flush=True)


if __name__ == "__main__":
    main()
