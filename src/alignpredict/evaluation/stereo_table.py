"""The stereo sweep's table (docs/synthetic.md): both probes over seeds next to the paper's numbers.

The paper's values are read off the pixels of its stereo figure (+-0.01; noise levels low / medium / high
= noise_y 0.2 / 0.5 / 0.9); see docs/protocols/stereo.md.
"""

from __future__ import annotations

import math

import pandas as pd

# (dataset, objective, noise_y) -> {nu_max: the paper's probe top-1}
PAPER_STEREO: dict[tuple[str, str, float], dict[float, float]] = {
    ("dsprites", "ca", 0.2): {0.5: 0.69, 0.8: 0.84, 1.0: 0.40},
    ("dsprites", "ca", 0.5): {0.5: 0.70, 0.8: 0.61, 1.0: 0.38},
    ("dsprites", "ca", 0.9): {0.5: 0.54, 0.8: 0.39, 1.0: 0.37},
    ("dsprites", "cp", 0.2): {0.5: 0.43, 0.8: 0.45, 1.0: 0.95},
    ("dsprites", "cp", 0.5): {0.5: 0.46, 0.8: 0.46, 1.0: 0.88},
    ("dsprites", "cp", 0.9): {0.5: 0.40, 0.8: 0.43, 1.0: 0.85},
    ("shapes3d", "ca", 0.2): {0.5: 0.74, 0.8: 0.51, 1.0: 0.30},
    ("shapes3d", "ca", 0.5): {0.5: 0.75, 0.8: 0.57, 1.0: 0.41},
    ("shapes3d", "ca", 0.9): {0.5: 0.74, 0.8: 0.53, 1.0: 0.34},
    ("shapes3d", "cp", 0.2): {0.5: 0.41, 0.8: 0.47, 1.0: 0.68},
    ("shapes3d", "cp", 0.5): {0.5: 0.42, 0.8: 0.47, 1.0: 0.67},
    ("shapes3d", "cp", 0.9): {0.5: 0.38, 0.8: 0.49, 1.0: 0.62},
}
PAPER_SUPERVISED: dict[str, dict[float, float]] = {  # averaged over noise levels in the paper's figure
    "dsprites": {0.5: 0.86, 0.8: 0.99, 1.0: 1.00},
    "shapes3d": {0.5: 0.92, 0.8: 1.00, 1.0: 1.00},
}


def paper_value(data: str, objective: str, noise: float, nu_max: float) -> float | None:
    """The paper's number for one cell, or None where it reports none."""
    nu = round(float(nu_max), 2)
    if objective == "supervised":
        return PAPER_SUPERVISED.get(data, {}).get(nu)
    return PAPER_STEREO.get((data, objective, round(float(noise), 2)), {}).get(nu)


def _cell(row: pd.Series | None) -> str:
    if row is None:
        return "-"
    if row["n"] < 2 or math.isnan(row["ci_low"]):
        return f"{row['mean']:.3f} (n={int(row['n'])})"
    low, high = max(row["ci_low"], 0.0), min(row["ci_high"], 1.0)
    return f"{row['mean']:.3f} ± {row['std']:.3f} [{low:.2f}, {high:.2f}]"


def stereo_table(summary: pd.DataFrame) -> str:
    """Markdown: one row per (dataset, noise, nu_max, objective), a column per probe (mean ± std [95% CI] over
    seeds), and the paper's number. `summary` is summarise() output for each probe (column `metric`)."""
    probes = list(dict.fromkeys(summary["metric"]))
    header = ["data", "noise", "ν_max", "objective", *probes, "paper"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    keys = summary[["data", "noise", "nu_max", "objective"]].drop_duplicates()
    keys = keys.sort_values(["data", "noise", "nu_max", "objective"], ascending=[True, True, False, True])
    for _, key in keys.iterrows():
        cells = []
        for probe in probes:
            match = summary[
                (summary["metric"] == probe)
                & (summary["data"] == key["data"])
                & (summary["noise"] == key["noise"])
                & (summary["nu_max"] == key["nu_max"])
                & (summary["objective"] == key["objective"])
            ]
            cells.append(_cell(match.iloc[0] if len(match) else None))
        paper = paper_value(key["data"], key["objective"], key["noise"], key["nu_max"])
        row = [key["data"], f"{key['noise']:g}", f"{key['nu_max']:g}", key["objective"], *cells]
        lines.append("| " + " | ".join([*row, "-" if paper is None else f"{paper:.2f}"]) + " |")
    return "\n".join(lines) + "\n"
