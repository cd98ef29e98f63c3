"""What a cache's raw features know about each label: python scripts/astro_ceilings.py feature_dir=<cache>"""

from __future__ import annotations

from pathlib import Path

import hydra
from omegaconf import DictConfig

from alignpredict.evaluation.astro_ceilings import ceilings_markdown, feature_ceilings
from alignpredict.utils.io import write_csv, write_text


@hydra.main(version_base="1.3", config_path="../conf", config_name="astro_ceilings")
def main(cfg: DictConfig) -> None:
    if not cfg.feature_dir:
        raise SystemExit("error: feature_dir is required: python scripts/astro_ceilings.py feature_dir=<cache folder>")
    table = feature_ceilings(cfg.feature_dir, cfg.photometry, tuple(cfg.tasks), int(cfg.seed))
    out = Path(cfg.out_dir)
    write_csv(out / "astro_ceilings.csv", table)
    markdown = ceilings_markdown(table)
    write_text(out / "astro_ceilings.md", markdown)
    print(markdown)


if __name__ == "__main__":
    main()
