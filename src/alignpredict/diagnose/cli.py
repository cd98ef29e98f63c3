"""The body of scripts/diagnose.py: load the user's files, diagnose, write report.json + figure, print."""

from __future__ import annotations

import json
from pathlib import Path

from omegaconf import DictConfig, OmegaConf

from alignpredict.diagnose.api import diagnose
from alignpredict.diagnose.figure import diagnostics_figure
from alignpredict.diagnose.io import csv_header_decision, load_array
from alignpredict.diagnose.multiview import MultiViewReport, diagnose_views, pairwise_figure
from alignpredict.diagnose.report import DiagnosticReport
from alignpredict.diagnose.settings import DiagnoseSettings
from alignpredict.explorer import EXPLORER_FILE, write_explorer
from alignpredict.utils.io import save_figure, write_json

REPORT_FILE = "report.json"
FIGURE_FILE = "diagnostics.png"
PAIRWISE_FIGURE = "pairwise.png"


def _load(cfg: DictConfig, name: str, notes: list[str] | None = None) -> object:
    """Load cfg[name]; for a CSV, append to `notes` whether its first line was read as a header and why."""
    path = cfg[name]
    if path is None:
        raise ValueError(f"{name} is required: pass {name}=PATH on the command line")
    array = load_array(str(path), key=cfg[f"{name}_key"], csv_header=cfg.csv_header)
    if notes is not None and str(path).lower().endswith(".csv"):
        header, how = csv_header_decision(str(path), cfg.csv_header)
        verdict = "a header (skipped)" if header else "data (no header)"
        notes.append(f"{name}: {path}: first line read as {verdict}, {how}; force with csv_header=true|false")
    return array


def _run_views(cfg: DictConfig, settings: DiagnoseSettings) -> MultiViewReport:
    """views=[a, b, c, ...]: every pair, both directions, and the rankings (report.json, pairwise.png)."""
    paths = [str(path) for path in cfg.views]
    if len(paths) < 2:
        raise ValueError(f"views= needs at least two files, got {len(paths)}")
    notes: list[str] = []
    views = {}
    for path in paths:
        name = Path(path).stem if Path(path).stem not in views else path
        views[name] = load_array(path, csv_header=cfg.csv_header)
    label_free = str(cfg.labels).lower() == "none"
    labels = None if label_free else _load(cfg, "labels", notes)
    label_rows = None if cfg.label_rows is None else _load(cfg, "label_rows", notes)
    report = diagnose_views(views, labels, label_rows=label_rows, settings=settings)
    out = Path(cfg.out_dir)
    write_json(out / REPORT_FILE, report.to_dict())
    if cfg.figure:
        save_figure(pairwise_figure(report), out / PAIRWISE_FIGURE, dpi=120)
    print(report.summary())
    for note in notes:
        print(f"  CSV {note}")
    print(f"Wrote {out / REPORT_FILE}")
    return report


def run(cfg: DictConfig) -> DiagnosticReport | MultiViewReport:
    """Diagnose the arrays named in cfg and write the report (and figure) into the output dir."""
    settings = DiagnoseSettings.from_mapping(OmegaConf.to_container(cfg.settings, resolve=True))
    if cfg.views:
        return _run_views(cfg, settings)
    notes: list[str] = []
    label_rows = None if cfg.label_rows is None else _load(cfg, "label_rows", notes)
    x, y = (_load(cfg, name, notes) for name in ("x", "y"))
    label_free = str(cfg.labels).lower() == "none"
    labels = None if label_free else _load(cfg, "labels", notes)
    if label_free and label_rows is not None:
        raise ValueError("labels=none (label-free mode) takes no label_rows; drop label_rows=")
    report = diagnose(x, y, labels, label_rows=label_rows, settings=settings)
    out = Path(cfg.out_dir)
    write_json(out / REPORT_FILE, report.to_dict())
    if cfg.figure:
        truth = None if cfg.truth is None else json.loads(Path(str(cfg.truth)).read_text())
        save_figure(diagnostics_figure(report, truth=truth), out / FIGURE_FILE, dpi=120)
    print(report.summary())
    for note in notes:
        print(f"  CSV {note}")
    print(f"Wrote {out / REPORT_FILE}")
    if cfg.get("explorer", False):  # the interactive phase diagram with this dataset placed on it
        print(f"Wrote {write_explorer(out / EXPLORER_FILE, report=out / REPORT_FILE)}")
    return report
