"""The astro table + diagnostics of a sweep: python scripts/astro_table.py sweep_dir=outputs/astro/<time>"""

from __future__ import annotations

import hydra
from omegaconf import DictConfig

from alignpredict.evaluation.astro_report import run


@hydra.main(version_base="1.3", config_path="../conf", config_name="astro_table")
def main(cfg: DictConfig) -> None:
    result = run(cfg)
    for suffix in ("", "_tuned"):
        if f"table{suffix}" in result:
            print(f"probe: {'tuned' if suffix else 'paper'}")
            print(result[f"table{suffix}"].to_string(index=False))
            print(result[f"claims{suffix}"])
    for instrument, facts in result.get("diagnostics", {}).items():
        print(instrument, facts["regime"], facts["delta_ca"], facts["delta_cp"], facts["intervals"])


if __name__ == "__main__":
    main()
