"""phase_explorer.html as written: self-contained, carrying the theory's settings, the empirical layer and a report;
written by scripts/theory.py and by scripts/diagnose.py explorer=true; bad input is a clear error."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hydra import compose, initialize_config_dir

from alignpredict.diagnose.recommend import NEITHER_ADVICE
from alignpredict.explorer import EXPLORER_FILE, write_explorer
from alignpredict.explorer.empirical import REQUIRED_COLUMNS, load_empirical
from alignpredict.explorer.page import PAPER_PANELS
from alignpredict.explorer.report import load_report
from alignpredict.plots.phase_diagram import REGIME_COLOURS
from alignpredict.theory.model import SpikedModel
from alignpredict.theory.regimes import REGIMES
from alignpredict.theory.spectra import NUISANCE_FLOOR

DATA_TAG = '<script type="application/json" id="explorer-data">'


def page_data(path: Path) -> dict:
    """The JSON the page starts from, as embedded in it."""
    html = path.read_text()
    start = html.index(DATA_TAG) + len(DATA_TAG)
    return json.loads(html[start : html.index("</script>", start)])


def test_page_is_self_contained_and_carries_the_theory_settings(tmp_path: Path) -> None:
    path = write_explorer(tmp_path / EXPLORER_FILE)
    html = path.read_text()
    assert "http://" not in html and "https://" not in html and "@import" not in html and "url(" not in html
    assert re.search(r"<(script|img|iframe|link|object|embed)\b[^>]*\s(src|href)\s*=", html) is None
    assert "default-src 'none'" in html  # the page's own Content-Security-Policy forbids any fetch
    assert "/*@" not in html and "@DATA@" not in html
    assert 20_000 < path.stat().st_size < 200_000
    data = page_data(path)
    assert data["regimes"] == list(REGIMES)
    assert data["colours"] == [REGIME_COLOURS[name] for name in REGIMES]
    assert data["nuisance_floor"] == NUISANCE_FLOOR and data["neither_advice"] == NEITHER_ADVICE
    assert [p["title"] for p in data["presets"]] == [p["title"] for p in PAPER_PANELS]
    assert data["presets"][0]["gamma_tilde_y"] == 5.0 and data["presets"][0]["kappa_max"] == 3.0
    assert data["report"] is None and data["empirical"] is None


def test_bad_presets_and_limits_are_clear_errors(tmp_path: Path) -> None:
    panel = dict(PAPER_PANELS[0])
    with pytest.raises(ValueError, match="kappa_min < kappa_max"):
        write_explorer(tmp_path / "p.html", presets=[{**panel, "kappa_min": 3.0, "kappa_max": 1.0}])
    with pytest.raises(ValueError, match="gamma_y must be a finite number >= 0"):
        write_explorer(tmp_path / "p.html", presets=[{**panel, "gamma_y": -1.0}])
    with pytest.raises(ValueError, match="at least one preset"):
        write_explorer(tmp_path / "p.html", presets=[])
    with pytest.raises(ValueError, match="slider_max.gamma"):
        write_explorer(tmp_path / "p.html", slider_max={"gamma": 0.0})
    assert not (tmp_path / "p.html").exists()


def test_empirical_csv_is_aggregated_per_cell(empirical_frame, tmp_path: Path) -> None:
    frame = empirical_frame()
    frame.loc[frame["nu"] == 0.2, "delta_ca"] = np.inf
    frame.to_csv(tmp_path / "phase_empirical.csv", index=False)
    layer = load_empirical(tmp_path / "phase_empirical.csv")
    assert layer["source"] == "phase_empirical.csv"
    cells = {(c["panel"], c["kappa"], c["nu"]): c for c in layer["cells"]}
    assert len(cells) == 4
    cell = cells[("a", 1.0, 0.2)]
    assert (cell["seeds"], cell["successes"]) == (3, 2)
    assert cell["recovery"] == pytest.approx(0.6) and cell["delta_cp"] == pytest.approx(1.5)
    assert cell["delta_ca"] == "inf"  # the project's JSON spelling of infinity
    assert cells[("b", 2.0, 0.9)]["successes"] == 0
    assert layer["panels"] == {
        "a": {"gamma_x": 1.0, "gamma_y": 0.05, "gamma_tilde_x": 1.0, "gamma_tilde_y": 5.0},
        "b": None,  # two gamma_y values in one panel: the page does not guess
    }
    page = write_explorer(tmp_path / EXPLORER_FILE, empirical_csv=tmp_path / "phase_empirical.csv")
    assert page_data(page)["empirical"] == layer


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda f: f.drop(columns=["success", "recovery"]), r"lacks the columns \['recovery', 'success'\]"),
        (lambda f: f.assign(objective="vicreg"), r"unknown objective values \['vicreg'\]"),
        (lambda f: f.assign(mode="deep"), r"unknown mode values \['deep'\]"),
        (lambda f: f.assign(success=2), "success must be 0 or 1"),
        (lambda f: f.assign(nu=1.5), r"\|nu\| <= 1"),
        (lambda f: f.assign(kappa="big"), "column 'kappa' must be numeric"),
        (lambda f: f.iloc[:0], "no rows"),
    ],
)
def test_bad_empirical_csv_is_a_clear_error(empirical_frame, tmp_path: Path, change, message: str) -> None:
    change(empirical_frame()).to_csv(tmp_path / "bad.csv", index=False)
    with pytest.raises(ValueError, match=message):
        load_empirical(tmp_path / "bad.csv")


def test_missing_empirical_csv_is_a_clear_error(empirical_frame, tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="empirical phase-diagram CSV not found"):
        write_explorer(tmp_path / "p.html", empirical_csv=tmp_path / "none.csv")
    assert set(REQUIRED_COLUMNS) <= set(empirical_frame().columns)


def test_report_is_read_by_its_keys(tmp_path: Path) -> None:
    report = {
        "regime": "CA only",
        "delta_ca": 1.6,
        "delta_cp": 0.5,
        "delta_cp_reverse": "inf",
        "intervals": {"delta_ca": [1.4, 1.7], "delta_cp": [0.4, 0.6], "delta_cp_reverse": [2.0, "inf"]},
        "recommendation": "CA or CP (y -> x)",
        "confidence": None,
        "spectra": {"ca": {"values": list(range(100))}},
        "settings": {"interval_level": 0.9, "seed": 0},
        "a_key_from_a_later_version": 1,
    }
    (tmp_path / "report.json").write_text(json.dumps(report))
    fields = load_report(tmp_path / "report.json")
    assert fields["delta_cp_reverse"] == "inf" and fields["intervals"] == report["intervals"]
    assert fields["interval_level"] == 0.9 and fields["source"] == "report.json" and fields["confidence"] is None
    assert "spectra" not in fields and "a_key_from_a_later_version" not in fields
    page = write_explorer(tmp_path / EXPLORER_FILE, report=tmp_path / "report.json")
    assert page_data(page)["report"] == fields

    (tmp_path / "broken.json").write_text("{not json")
    with pytest.raises(ValueError, match="broken.json is not valid JSON"):
        load_report(tmp_path / "broken.json")
    (tmp_path / "other.json").write_text(json.dumps({"accuracy": 0.9}))
    with pytest.raises(ValueError, match="not a diagnostic report"):
        load_report(tmp_path / "other.json")
    (tmp_path / "list.json").write_text("[1, 2]")
    with pytest.raises(ValueError, match="not a diagnostic report"):
        load_report(tmp_path / "list.json")
    with pytest.raises(FileNotFoundError, match="diagnostic report not found"):
        load_report(tmp_path / "none.json")


def test_theory_script_writes_the_explorer_with_both_layers(empirical_frame, conf_dir: Path, tmp_path: Path) -> None:
    from alignpredict.theory.outputs import run

    empirical_frame().to_csv(tmp_path / "phase_empirical.csv", index=False)
    (tmp_path / "report.json").write_text(json.dumps({"delta_ca": 2.0, "delta_cp": 0.5, "regime": "CA only"}))
    overrides = [
        "phase_diagram.image_resolution=20",
        "phase_diagram.csv_resolution=3",
        "phase_diagram.figure.dpi=30",
        "phase_diagram.panels.b.gamma_tilde_y=0.5",
        "gif.enabled=false",
        "validation.enabled=false",
        f"explorer.empirical_csv={tmp_path / 'phase_empirical.csv'}",
        f"explorer.report={tmp_path / 'report.json'}",
        f"out_dir={tmp_path / 'out'}",
    ]
    with initialize_config_dir(config_dir=str(conf_dir), version_base="1.3"):
        cfg = compose(config_name="theory", overrides=overrides)
    summary = run(cfg)
    assert set(summary["seconds"]) == {"phase_diagram", "explorer"}
    data = page_data(tmp_path / "out" / EXPLORER_FILE)
    assert [p["key"] for p in data["presets"]] == ["a", "b"]
    assert data["presets"][1]["gamma_tilde_y"] == 0.5 and data["presets"][1]["gamma_tilde_x"] == 1.0
    assert data["slider_max"] == {"kappa": 10.0, "gamma": 10.0, "gamma_tilde_y": 50.0}
    assert len(data["empirical"]["cells"]) == 4 and data["report"]["regime"] == "CA only"


def test_diagnose_explorer_flag_places_the_report(conf_dir: Path, tmp_path: Path) -> None:
    from alignpredict.diagnose.cli import REPORT_FILE, run

    model = SpikedModel(d=6, k=1, kappa=2.0, gamma_x=0.5, gamma_y=0.5, gamma_tilde_x=1.0, gamma_tilde_y=1.0, nu=0.2)
    sample = model.sample(600, seed=0)
    np.save(tmp_path / "x.npy", sample.x)
    np.save(tmp_path / "y.npy", sample.y)
    labels = np.full(600, np.nan)
    labels[:150] = sample.signal[:150, 0]
    np.save(tmp_path / "labels.npy", labels)
    overrides = [
        f"x={tmp_path / 'x.npy'}",
        f"y={tmp_path / 'y.npy'}",
        f"labels={tmp_path / 'labels.npy'}",
        f"out_dir={tmp_path / 'out'}",
        "figure=false",
        "explorer=true",
        "settings.n_resamples=3",
        "settings.n_permutations=30",
    ]
    with initialize_config_dir(config_dir=str(conf_dir), version_base="1.3"):
        cfg = compose(config_name="diagnose", overrides=overrides)
    run(cfg)
    written = json.loads((tmp_path / "out" / REPORT_FILE).read_text())
    placed = page_data(tmp_path / "out" / EXPLORER_FILE)["report"]
    assert placed["source"] == REPORT_FILE
    for key in ("regime", "delta_ca", "delta_cp", "delta_cp_reverse", "intervals", "recommendation"):
        assert placed[key] == written[key]


def test_theory_script_with_a_missing_csv_stops_with_one_line_before_any_work(repo_root: Path, tmp_path: Path) -> None:
    script = str(repo_root / "scripts" / "theory.py")
    command = [sys.executable, script, f"out_dir={tmp_path / 'out'}", f"explorer.empirical_csv={tmp_path / 'none.csv'}"]
    result = subprocess.run(command, capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"error: explorer.empirical_csv must be an existing file (not found) (or null), got '{tmp_path / 'none.csv'}'"
    )
    assert not (tmp_path / "out" / "phase_diagram.png").exists()  # the explorer runs first and fails fast
