"""Every bad input we tried on the command-line apps, and what each now answers.

The catalogue (docs/bad_inputs.yaml) lists, per app, the arguments of one bad call and a fragment of the
message it must print. `run_catalogue` runs every call as a user would (a subprocess, in a scratch folder
holding the fixture files the calls name as {tmp}/...), and records the exit status, the message and the time
taken; scripts/reliability_table.py renders that as docs/reliability.md, and the tests run the same catalogue.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = REPO_ROOT / "docs" / "bad_inputs.yaml"
SCRIPTS = {
    "train": "train.py",
    "diagnose": "diagnose.py",
    "theory": "theory.py",
    "phase_empirical": "phase_empirical.py",
}


@dataclass(frozen=True)
class Case:
    app: str
    args: tuple[str, ...]
    expect: str  # a fragment of the one-line answer
    code: int = 1


@dataclass(frozen=True)
class Outcome:
    case: Case
    code: int
    message: str  # the answer's first line
    lines: int  # how many lines of stderr the answer took
    traceback: bool
    seconds: float

    @property
    def ok(self) -> bool:
        return self.code == self.case.code and self.case.expect in self.message and not self.traceback


def load_catalogue(path: Path = CATALOGUE) -> tuple[dict[str, list[str]], list[Case]]:
    """(the arguments every call of an app starts with, the cases)."""
    data = yaml.safe_load(path.read_text())
    base = {app: list(args) for app, args in data["base"].items()}
    cases = [
        Case(app, tuple(entry["args"]), str(entry["expect"]), int(entry.get("code", 1)))
        for app, entries in data["cases"].items()
        for entry in entries
    ]
    return base, cases


def write_fixtures(folder: Path) -> None:
    """The files the catalogue's calls name: good inputs to break one at a time, and broken ones."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((400, 8))
    y = x[:, :5] + rng.standard_normal((400, 5))
    np.save(folder / "x.npy", x)
    np.save(folder / "y.npy", y)
    np.save(folder / "y_short.npy", y[:-7])
    np.save(folder / "labels.npy", x[:, 0])
    np.save(folder / "labels_few.npy", np.where(np.arange(400) < 20, x[:, 0], np.nan))
    np.save(folder / "x_nan.npy", np.where(np.arange(x.size).reshape(x.shape) == 11, np.nan, x))
    np.save(folder / "x_constant.npy", np.column_stack([x, np.ones(400)]))
    np.save(folder / "x_3d.npy", x.reshape(400, 2, 4))
    np.save(folder / "empty.npy", np.zeros((0,)))
    np.save(folder / "objects.npy", np.array([{"a": 1}], dtype=object), allow_pickle=True)
    (folder / "garbage.npy").write_bytes(b"\x93NUMPY" + bytes(range(200)))
    np.savez(folder / "two.npz", a=x, b=y)
    np.savez(folder / "none.npz")
    np.save(folder / "rows_out_of_range.npy", np.arange(395, 405))
    (folder / "text.csv").write_text("a,b\nred,blue\ngreen,yellow\n")
    (folder / "ragged.csv").write_text("1,2,3\n4,5\n6,7,8,9\n")
    (folder / "empty.csv").write_text("")
    (folder / "notes.txt").write_text("not numbers at all\n")
    (folder / "data.json").write_text("{}")
    (folder / "corrupt.ckpt").write_bytes(b"PK\x03\x04 not really a checkpoint")
    (folder / "a_folder").mkdir(exist_ok=True)


def run_case(case: Case, base: list[str], folder: Path, number: int) -> Outcome:
    """One call, as a user would make it; HYDRA_FULL_ERROR unset, so the answer is what a user sees."""
    args = [arg.replace("{tmp}", str(folder)) for arg in (*base, *case.args)]
    args.append(f"hydra.run.dir={folder / 'runs' / str(number)}")
    env = {key: value for key, value in os.environ.items() if key != "HYDRA_FULL_ERROR"}
    env["PYTHONPATH"] = os.pathsep.join([str(REPO_ROOT / "src"), env.get("PYTHONPATH", "")])
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, str(REPO_ROOT / "scripts" / SCRIPTS[case.app]), *args],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    seconds = time.perf_counter() - start
    lines = [line for line in result.stderr.splitlines() if line.strip() and "Warning" not in line]
    errors = [line for line in lines if line.startswith("error:")]
    message = errors[0] if errors else (lines[0] if lines else "")
    return Outcome(case, result.returncode, message, len(lines), "Traceback" in result.stderr, seconds)


def run_catalogue(folder: Path, cases: Iterable[Case] | None = None, workers: int = 2) -> list[Outcome]:
    """Every case (default: the whole catalogue), `workers` calls at a time, in catalogue order."""
    base, catalogue = load_catalogue()
    chosen = list(catalogue if cases is None else cases)
    folder.mkdir(parents=True, exist_ok=True)
    write_fixtures(folder)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(lambda item: run_case(item[1], base[item[1].app], folder, item[0]), enumerate(chosen)))


def markdown(outcomes: list[Outcome]) -> str:
    """docs/reliability.md: one table per app."""
    lines = [
        "# Bad inputs and what they answer",
        "",
        "Generated by `python scripts/reliability_table.py` from `docs/bad_inputs.yaml` (do not edit by hand);",
        "`tests/test_bad_inputs.py` runs the same catalogue. Each row is one call as a user types it (the app's",
        "base arguments, then the bad one), run in a scratch folder; `{tmp}` names the fixture files there.",
        "A bad setting is answered before torch loads; the seconds include Python's start-up.",
        "",
    ]
    for app in SCRIPTS:
        rows = [outcome for outcome in outcomes if outcome.case.app == app]
        if not rows:
            continue
        lines += [
            f"## scripts/{SCRIPTS[app]} ({len(rows)} inputs)",
            "",
            "| input | exit | answer | s |",
            "|---|---|---|---|",
        ]
        for outcome in rows:
            shown = " ".join(outcome.case.args).replace("|", "\\|")
            answer = outcome.message.replace("|", "\\|")
            lines.append(f"| `{shown}` | {outcome.code} | {answer} | {outcome.seconds:.1f} |")
        lines.append("")
    return "\n".join(lines)
