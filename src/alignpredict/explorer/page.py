"""Assemble phase_explorer.html: the hand-written page, style and scripts in assets/, plus the data it starts from.

The page needs nothing but a browser: no network, no third-party code. Its closed forms mirror
`alignpredict.theory` (the browser test checks them against Python to 1e-9).
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from alignpredict.diagnose.recommend import NEITHER_ADVICE
from alignpredict.explorer.empirical import load_empirical
from alignpredict.explorer.report import load_report, report_fields
from alignpredict.plots.phase_diagram import REGIME_COLOURS
from alignpredict.theory.regimes import REGIMES
from alignpredict.theory.spectra import NUISANCE_FLOOR
from alignpredict.utils.io import to_jsonable, write_text

EXPLORER_FILE = "phase_explorer.html"
ASSETS = Path(__file__).with_name("assets")
SCRIPTS: tuple[str, ...] = ("theory.js", "plots.js", "app.js")
GAMMAS: tuple[str, ...] = ("gamma_x", "gamma_y", "gamma_tilde_x", "gamma_tilde_y")
# The paper's Fig. 2 panels (as conf/theory.yaml's phase_diagram.panels), for pages written without presets.
PAPER_PANELS: tuple[dict[str, Any], ...] = (
    {"key": "a", "title": "(a) Large target nuisance", "gamma_x": 1.0, "gamma_y": 0.05, "gamma_tilde_y": 5.0},
    {"key": "b", "title": "(b) Small target nuisance", "gamma_x": 1.0, "gamma_y": 0.05, "gamma_tilde_y": 0.05},
)
WINDOW = {"kappa_min": 0.0, "kappa_max": 3.0, "nu_min": 0.0, "nu_max": 1.0, "gamma_tilde_x": 1.0}
SLIDER_MAX = {"kappa": 10.0, "gamma": 10.0, "gamma_tilde_y": 50.0}
START_POINT = {"kappa": 1.0, "nu": 0.5}


def _finite(name: str, value: Any, low: float = 0.0) -> float:
    number = float(value)
    if not math.isfinite(number) or number < low:
        raise ValueError(f"explorer: {name} must be a finite number >= {low:g}, got {value!r}")
    return number


def check_preset(preset: Mapping[str, Any]) -> dict[str, Any]:
    """A slider preset: every gamma >= 0 and a non-empty kappa and nu window (unset keys from WINDOW)."""
    full = {**WINDOW, **dict(preset)}
    checked = {"key": str(full.get("key", "")), "title": str(full.get("title", full.get("key", "")))}
    for name in (*GAMMAS, "kappa_min", "kappa_max", "nu_min", "nu_max"):
        if name not in full:
            raise ValueError(f"explorer: preset {checked['title']!r} lacks {name}")
        checked[name] = _finite(f"{checked['title']}: {name}", full[name])
    if not checked["kappa_min"] < checked["kappa_max"]:
        raise ValueError(f"explorer: preset {checked['title']!r} needs kappa_min < kappa_max")
    if not checked["nu_min"] < checked["nu_max"] <= 1.0:
        raise ValueError(f"explorer: preset {checked['title']!r} needs nu_min < nu_max <= 1")
    return checked


def explorer_data(
    presets: Sequence[Mapping[str, Any]] = PAPER_PANELS,
    slider_max: Mapping[str, float] | None = None,
    empirical: Mapping[str, Any] | None = None,
    report: Mapping[str, Any] | None = None,
    start_point: Mapping[str, float] | None = None,
) -> dict[str, Any]:
    """Everything the page starts from; the first preset sets the sliders."""
    if not presets:
        raise ValueError("explorer: give at least one preset (the sliders start from the first)")
    limits = {**SLIDER_MAX, **dict(slider_max or {})}
    point = {**START_POINT, **dict(start_point or {})}
    return to_jsonable(
        {
            "regimes": list(REGIMES),
            "colours": [REGIME_COLOURS[name] for name in REGIMES],
            "nuisance_floor": NUISANCE_FLOOR,
            "neither_advice": NEITHER_ADVICE,
            "presets": [check_preset(preset) for preset in presets],
            "slider_max": {name: _finite(f"slider_max.{name}", value, 1e-12) for name, value in limits.items()},
            "start_point": {"kappa": _finite("start kappa", point["kappa"]), "nu": _finite("start nu", point["nu"])},
            "empirical": None if empirical is None else dict(empirical),
            "report": None if report is None else dict(report),
        }
    )


def render_page(data: Mapping[str, Any]) -> str:
    """The HTML text: template with the style, the scripts and the data (as inert JSON) inlined."""
    payload = json.dumps(data, allow_nan=False, separators=(",", ":")).replace("</", "<\\/").replace("<!--", "<\\!--")
    script = "\n".join((ASSETS / name).read_text() for name in SCRIPTS)
    page = (ASSETS / "explorer.html").read_text()
    for marker, text in (("/*@STYLE@*/", (ASSETS / "explorer.css").read_text()), ("/*@SCRIPT@*/", script)):
        if marker not in page:
            raise RuntimeError(f"explorer template lacks {marker}")
        page = page.replace(marker, text)
    return page.replace("@DATA@", payload)


def write_explorer(
    path: str | os.PathLike,
    *,
    presets: Sequence[Mapping[str, Any]] = PAPER_PANELS,
    slider_max: Mapping[str, float] | None = None,
    empirical_csv: str | os.PathLike | None = None,
    report: str | os.PathLike | Mapping[str, Any] | None = None,
    start_point: Mapping[str, float] | None = None,
) -> Path:
    """Write the page atomically; `report`: a report.json path or its dict; `empirical_csv`: a phase_empirical.csv."""
    empirical = None if empirical_csv is None else load_empirical(empirical_csv)
    if isinstance(report, Mapping):
        report = report_fields(report, str(report.get("source", "report")))
    elif report is not None:
        report = load_report(report)
    data = explorer_data(presets, slider_max, empirical, report, start_point)
    return write_text(path, render_page(data))
