"""The astro report of one sweep (what scripts/astro_table.py runs): the table next to the paper's, the
paper's claims checked on it, and the phase diagnostic of each instrument's cache with its figure."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
from omegaconf import DictConfig, OmegaConf

from alignpredict.evaluation.aggregate import load_runs
from alignpredict.evaluation.astro_table import (
    astro_table,
    has_tuned_metrics,
    instrument_of,
    markdown_table,
    paper_claims,
)
from alignpredict.plots.astro_diagnostics import (
    FACTS_KEY,
    astro_diagnostics_figure,
    caption_text,
    diagnose_instrument,
    report_facts,
)
from alignpredict.utils.io import save_figure, to_jsonable, write_csv, write_json, write_text


def feature_dirs(runs: pd.DataFrame, configured: dict[str, str | None]) -> dict[str, str]:
    """Per instrument, the configured cache folder or the single one its runs trained on."""
    found = {}
    for instrument, rows in runs.assign(instrument=instrument_of(runs)).groupby("instrument"):
        if configured.get(instrument):
            found[instrument] = str(configured[instrument])
            continue
        dirs = sorted(rows["feature_dir"].dropna().unique()) if "feature_dir" in rows else []
        if len(dirs) != 1:
            raise ValueError(
                f"the {instrument} runs used {len(dirs)} feature folders {dirs}; set "
                f"diagnostic.feature_dirs.{instrument}=<folder> to choose the one to diagnose"
            )
        found[instrument] = dirs[0]
    return found


def diagnostics(runs: pd.DataFrame, cfg: DictConfig, out_dir: Path) -> dict[str, Any]:
    """Diagnose each instrument's cache, draw the 2x2 figure (its numbers in the PNG's metadata) and write its
    caption; return regime / Delta-hat / intervals / subsample shares per instrument."""
    options = OmegaConf.to_container(cfg.settings, resolve=True) or {}
    reports = {
        instrument: diagnose_instrument(
            path, instrument, split=cfg.split, max_rows=cfg.max_rows.get(instrument), seed=int(cfg.seed), **options
        )
        for instrument, path in feature_dirs(runs, dict(cfg.feature_dirs)).items()
    }
    facts = {instrument: report_facts(report) for instrument, report in reports.items()}
    # the figure carries its own numbers (a PNG text chunk), so a caption can be checked against the image
    metadata = {FACTS_KEY: json.dumps(to_jsonable(facts), sort_keys=True)}
    save_figure(astro_diagnostics_figure(reports), out_dir / "astro_diagnostics.png", metadata=metadata)
    write_text(out_dir / "astro_diagnostics_caption.md", caption_text(facts) + "\n")
    return facts


def run(cfg: DictConfig) -> dict[str, Any]:
    """Write astro_table.md/.csv, astro_claims.json (and their `_tuned` versions when the runs scored the tuned
    probe) and, optionally, the diagnostics; return what was written."""
    if not cfg.sweep_dir:
        raise ValueError("sweep_dir is required: python scripts/astro_table.py sweep_dir=outputs/astro/<time>")
    out_dir = Path(cfg.out_dir)
    runs = load_runs(cfg.sweep_dir, cfg.sweep_id)
    result: dict[str, Any] = {}
    for suffix in ("", "_tuned") if has_tuned_metrics(runs) else ("",):
        table = astro_table(runs, tuned=bool(suffix))
        claims = paper_claims(table, float(cfg.claim_tolerance))
        write_csv(out_dir / f"astro_table{suffix}.csv", table)
        write_text(out_dir / f"astro_table{suffix}.md", markdown_table(table))
        write_json(out_dir / f"astro_claims{suffix}.json", claims)
        result.update({f"table{suffix}": table, f"claims{suffix}": claims})
    if cfg.diagnostic.enabled:
        result["diagnostics"] = diagnostics(runs, cfg.diagnostic, out_dir)
        write_json(out_dir / "astro_diagnostics.json", result["diagnostics"])
    return result


def run_and_print(cfg: DictConfig) -> dict[str, Any]:
    """scripts/astro_table.py: run, then print each table, its claims and the diagnostics' verdicts."""
    result = run(cfg)
    for suffix in ("", "_tuned"):
        if f"table{suffix}" in result:
            print(f"probe: {'tuned' if suffix else 'paper'}")
            print(result[f"table{suffix}"].to_string(index=False))
            print(result[f"claims{suffix}"])
    for instrument, facts in result.get("diagnostics", {}).items():
        print(instrument, facts["regime"], facts["delta_ca"], facts["delta_cp"], facts["intervals"])
    return result
