"""Run every bad input of docs/bad_inputs.yaml and write docs/reliability.md: python scripts/reliability_table.py"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from alignpredict.reliability import REPO_ROOT, markdown, run_catalogue
from alignpredict.utils.io import write_text

if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as scratch:
        outcomes = run_catalogue(Path(scratch))
    write_text(REPO_ROOT / "docs" / "reliability.md", markdown(outcomes))
    failed = [outcome for outcome in outcomes if not outcome.ok]
    for outcome in failed:
        print(
            f"unexpected answer to {outcome.case.app} {' '.join(outcome.case.args)}: {outcome.code} {outcome.message}"
        )
    print(
        f"{len(outcomes) - len(failed)} of {len(outcomes)} bad inputs answered as listed; docs/reliability.md written"
    )
    sys.exit(1 if failed else 0)
