"""Every bad input of docs/bad_inputs.yaml gets its one-line answer, a non-zero exit and no traceback: a sample of
the catalogue in the fast run, all of it (the table docs/reliability.md shows) in the slow one."""

from __future__ import annotations

from pathlib import Path

import pytest

from alignpredict.reliability import load_catalogue, run_catalogue

_, CASES = load_catalogue()


def check(outcomes) -> None:
    wrong = [
        f"{o.case.app} {' '.join(o.case.args)}: exit {o.code} (want {o.case.code}), {o.message!r} "
        f"(want {o.case.expect!r}){', traceback' if o.traceback else ''}"
        for o in outcomes
        if not o.ok
    ]
    assert not wrong, "\n".join(wrong)
    ours = [o for o in outcomes if o.message.startswith("error:")]
    assert all(o.lines == 1 for o in ours), [o.message for o in ours if o.lines != 1]  # one line, nothing else


def test_a_sample_of_bad_inputs(tmp_path: Path) -> None:
    check(run_catalogue(tmp_path, CASES[::6]))


@pytest.mark.slow
def test_every_bad_input_in_the_catalogue(tmp_path: Path) -> None:
    check(run_catalogue(tmp_path))
