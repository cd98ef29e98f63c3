"""The body of scripts/diagnose.py: load the user's files, diagnose, write report.json + figure, print."""

from __future__ import annotations

from pathlib import Path

from omegaconf import DictConfig, OmegaConf

from alignpredict.diagnose.api import diagnose
from alignpredict.diagnose.figure import diagnostics_figure
from alignpredict.diagnose.io import load_array
from alignpredict.diagnose.report import DiagnosticReport
from alignpredict.diagnose.settings import DiagnoseSettings
from alignpredict.explorer import EXPLORER_FILE, write_explorer
from alignpredict.utils.io import save_figure, write_json

REPORT_FILE = "report.json"
FIGURE_FILE = "diagnostics.png"


def _load(cfg: DictConfig, name: str) -> object:
    path = cfg[name]
    if path is None:
        raise ValueError(f"{name} is required: pass {name}=PATH on the command line")
    return load_array(str(path), key=cfg[f"{name}_key"], csv_header=cfg.csv_header)


def run(cfg: DictConfig) -> DiagnosticReport:
    """Diagnose the arrays named in cfg and write the report (and figure) into the output dir."""
    settings = DiagnoseSettings.from_mapping(OmegaConf.to_container(cfg.settings, resolve=True))
    label_rows = None if cfg.label_rows is None else _load(cfg, "label_rows")
    report = diagnose(_load(cfg, "x"), _load(cfg, "y"), _load(cfg, "labels"), label_rows=label_rows, settings=settings)
    out = Path(cfg.out_dir)
    write_json(out / REPORT_FILE, report.to_dict())
    if cfg.figure:
        save_figure(diagnostics_figure(report), out / FIGURE_FILE, dpi=120)
    print(report.summary())
    print(f"Wrote {out / REPORT_FILE}")
    if cfg.get("explorer", False):  # the interactive phase diagram with this dataset placed on it
        print(f"Wrote {write_explorer(out / EXPLORER_FILE, report=out / REPORT_FILE)}")
    return report
