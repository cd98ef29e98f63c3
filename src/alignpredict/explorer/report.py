"""Read a diagnostic report.json for the page by its JSON keys only, so a growing report layout still loads.

The page itself normalises the values (numbers, "inf", null) the same way for an embedded report and for a
file dropped onto it; here we only check that the file is a report and keep the keys the page shows.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from alignpredict.utils.io import to_jsonable

DELTA_KEYS: tuple[str, ...] = ("delta_ca", "delta_cp", "delta_cp_reverse")
SHOWN_KEYS: tuple[str, ...] = (
    *DELTA_KEYS,
    "regime",
    "intervals",
    "direction",
    "recommendation",
    "message",
    "confidence",
    "regime_fractions",
    "n_rows",
    "n_labelled",
    "label_kind",
)


def report_fields(report: Mapping[str, Any], source: str) -> dict[str, Any]:
    """The keys the page shows (those present), the interval level from the settings, and where it came from."""
    if not isinstance(report, Mapping) or not any(key in report for key in DELTA_KEYS):
        raise ValueError(f"{source} is not a diagnostic report: it has none of the keys {list(DELTA_KEYS)}")
    fields = {key: report[key] for key in SHOWN_KEYS if key in report}
    settings = report.get("settings")
    if isinstance(settings, Mapping) and "interval_level" in settings:
        fields["interval_level"] = settings["interval_level"]
    elif "interval_level" in report:
        fields["interval_level"] = report["interval_level"]
    fields["source"] = source
    return to_jsonable(fields)


def load_report(path: str | os.PathLike) -> dict[str, Any]:
    """report.json (written by scripts/diagnose.py) as the page's report fields."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"diagnostic report not found: {path}")
    try:
        report = json.loads(path.read_text())
    except json.JSONDecodeError as error:
        raise ValueError(f"{path} is not valid JSON: {error}") from error
    return report_fields(report, path.name)
