"""phase_explorer.html in headless Chromium: move sliders, click and type points, drop a report, read what the page
shows and check it against alignpredict.theory (1e-9 relative); the page makes no network request.

Skips when no Chromium is installed, unless ALIGNPREDICT_REQUIRE_BROWSER=1 (set by .ci/run, which installs it).
"""

from __future__ import annotations

import json
import math
import os
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from alignpredict.diagnose.recommend import choose_direction, recommend
from alignpredict.explorer import write_explorer
from alignpredict.explorer.chromium import HeadlessChromium, find_chromium
from alignpredict.plots.phase_diagram import REGIME_COLOURS
from alignpredict.theory.model import SpikedModel
from alignpredict.theory.regimes import classify_regime
from alignpredict.theory.spectra import delta_ca, delta_cp, eq7_ratio

GAMMAS = ("gamma_x", "gamma_y", "gamma_tilde_x", "gamma_tilde_y")
OUTPUTS = {"ca": "out-delta-ca", "cp": "out-delta-cp", "cp_rev": "out-delta-cp-rev", "eq7": "out-eq7"}
PANEL_A = {"gamma_x": 1.0, "gamma_y": 0.05, "gamma_tilde_x": 1.0, "gamma_tilde_y": 5.0}
REPORT_POINT = (1.2, 0.4)  # the (kappa, nu) the embedded report's Deltas come from, under panel (a)


@pytest.fixture(scope="module")
def browser():
    binary = find_chromium()
    try:
        import websocket  # noqa: F401

        missing = None if binary else "no Chromium on PATH (Debian: apt-get install chromium)"
    except ImportError:
        missing = "websocket-client is not installed (pip install -e '.[dev]')"
    if missing:
        if os.environ.get("ALIGNPREDICT_REQUIRE_BROWSER") == "1":
            pytest.fail(f"ALIGNPREDICT_REQUIRE_BROWSER=1 but {missing}")
        pytest.skip(f"the browser test needs headless Chromium: {missing}")
    with HeadlessChromium(binary) as chromium:
        yield chromium


def theory(params: dict[str, float], kappa: float, nu: float) -> dict:
    """What the page should show, from the Python theory module."""
    model = SpikedModel(d=2, k=1, kappa=kappa, nu=nu, **params)
    ca, cp, cp_rev = delta_ca(model), delta_cp(model), delta_cp(model.swapped())
    return {
        "ca": ca,
        "cp": cp,
        "cp_rev": cp_rev,
        "eq7": eq7_ratio(model),
        "regime": classify_regime(ca, cp),
        "recommendation": recommend(ca, choose_direction(cp, cp_rev)),
    }


def number(text: str) -> float:
    """A value as the page writes it: a number, "∞", or "not defined"."""
    words = {"∞": math.inf, "not defined": math.nan}
    return words[text.strip()] if text.strip() in words else float(text)


def assert_same(shown: float, expected: float, rel: float = 1e-9) -> None:
    if math.isnan(expected) or math.isinf(expected) or expected == 0:
        assert shown == expected or (math.isnan(shown) and math.isnan(expected)), (shown, expected)
    else:
        assert abs(shown - expected) <= rel * abs(expected), (shown, expected)


def shown_params(b: HeadlessChromium) -> dict[str, float]:
    return {name: float(b.text(f"value-{name}")) for name in GAMMAS}


def check_point(b: HeadlessChromium) -> dict:
    """The selected point's values as shown, against the theory at the shown kappa, nu and gammas."""
    params = shown_params(b)
    kappa, nu = float(b.text("point-kappa")), float(b.text("point-nu"))
    expected = theory(params, kappa, nu)
    for key, element in OUTPUTS.items():
        assert_same(number(b.text(element)), expected[key])
    assert b.text("out-regime") == expected["regime"]
    assert b.text("out-recommendation") == expected["recommendation"]
    return {"kappa": kappa, "nu": nu, **expected}


def assert_clean(b: HeadlessChromium, url: str) -> None:
    """No JavaScript error, no NaN / Infinity / undefined on screen, and no request but the page itself."""
    b.evaluate("0")  # collect pending events
    assert b.errors == []
    body = b.evaluate("document.body.innerText")
    for word in ("NaN", "Infinity", "undefined", "null"):
        assert word not in body, word
    assert b.requests and all(u == url or u.startswith("data:") for u in b.requests), b.requests


def move_mouse_away(b: HeadlessChromium) -> None:
    b.mouse("mouseMoved", 2, 2)


def window(b: HeadlessChromium) -> tuple[float, float, float, float]:
    return tuple(float(b.text(f"value-{n}")) for n in ("kappa_min", "kappa_max", "nu_min", "nu_max"))


def safe_targets(b: HeadlessChromium, rect: dict) -> dict[str, tuple[float, float]]:
    """One map pixel per regime present, whose +-6 px neighbourhood has a single regime (no boundary, no kappa*)."""
    params = shown_params(b)
    kmin, kmax, numin, numax = window(b)
    star = math.sqrt(params["gamma_tilde_y"] - params["gamma_y"]) if params["gamma_tilde_y"] > params["gamma_y"] else -1
    targets: dict[str, tuple[float, float]] = {}
    for fy in np.linspace(0.06, 0.94, 23):
        for fx in np.linspace(0.06, 0.94, 23):
            x, y = rect["left"] + fx * rect["width"], rect["top"] + fy * rect["height"]
            if abs(kmin + fx * (kmax - kmin) - star) * rect["width"] / (kmax - kmin) < 8:
                continue
            regimes = set()
            for dx in (-6, 0, 6):
                for dy in (-6, 0, 6):
                    kappa = kmin + (x + dx - rect["left"]) / rect["width"] * (kmax - kmin)
                    nu = numax - (y + dy - rect["top"]) / rect["height"] * (numax - numin)
                    regimes.add(theory(params, kappa, nu)["regime"])
            if len(regimes) == 1:
                targets.setdefault(regimes.pop(), (x, y))
    return targets


def assert_colour(seen: tuple[int, int, int], regime: str) -> None:
    hexa = REGIME_COLOURS[regime].lstrip("#")
    want = tuple(int(hexa[i : i + 2], 16) for i in (0, 2, 4))
    assert max(abs(a - b) for a, b in zip(seen, want)) <= 3, (seen, regime, want)


@pytest.fixture(scope="module")
def pages(tmp_path_factory, empirical_frame) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("explorer_pages")
    model = SpikedModel(d=2, k=1, kappa=REPORT_POINT[0], nu=REPORT_POINT[1], **PANEL_A)
    deltas = {"delta_ca": delta_ca(model), "delta_cp": delta_cp(model), "delta_cp_reverse": delta_cp(model.swapped())}
    report = {
        "regime": classify_regime(deltas["delta_ca"], deltas["delta_cp"]),
        **deltas,
        "intervals": {name: [0.9 * value, 1.1 * value] for name, value in deltas.items()},
        "recommendation": "CA or CP (y -> x)",
        "confidence": 0.97,
        "n_rows": 5000,
        "n_labelled": 600,
        "settings": {"interval_level": 0.95},
    }
    (folder / "report.json").write_text(json.dumps(report))
    empirical_frame().to_csv(folder / "phase_empirical.csv", index=False)
    return {
        "main": write_explorer(folder / "main.html", report=folder / "report.json"),
        "empirical": write_explorer(folder / "empirical.html", empirical_csv=folder / "phase_empirical.csv"),
        "report": folder / "report.json",
        "folder": folder,
    }


def test_sliders_clicks_and_typed_points_match_the_theory(browser: HeadlessChromium, pages: dict) -> None:
    b = browser
    url = b.open(pages["main"])
    assert shown_params(b) == PANEL_A
    check_point(b)  # the starting point
    # keyboard on two sliders (exact steps), a mouse click on a third (wherever the thumb lands)
    b.focus("slider-gamma_y")
    b.press("ArrowRight", 5)
    assert float(b.text("value-gamma_y")) == pytest.approx(0.10, abs=1e-12)
    b.focus("slider-gamma_tilde_y")
    b.press("ArrowLeft", 20)
    assert float(b.text("value-gamma_tilde_y")) == pytest.approx(4.8, abs=1e-12)
    slider = b.rect("slider-gamma_x")  # drag the thumb from 1 (a tenth of the track) to about a third of it
    y = slider["top"] + slider["height"] / 2
    b.mouse("mouseMoved", slider["left"] + 0.1 * slider["width"] + 1, y)
    b.mouse("mousePressed", slider["left"] + 0.1 * slider["width"] + 1, y, clicks=1)
    b.mouse("mouseMoved", slider["left"] + 0.33 * slider["width"], y, buttons=1)
    b.mouse("mouseReleased", slider["left"] + 0.33 * slider["width"], y, clicks=1)
    gamma_x = float(b.text("value-gamma_x"))
    assert 1.5 < gamma_x < 5
    check_point(b)

    rect = b.rect("phase-overlay")
    targets = safe_targets(b, rect)
    assert {"Both", "CA only", "Neither"} <= set(targets)
    for regime, (x, y) in targets.items():
        move_mouse_away(b)  # no hover cross-hair over the pixel we read
        assert_colour(b.pixel(x, y), regime)
        b.click(x, y)
        shown = check_point(b)
        assert shown["regime"] == regime
        readout = b.text("hover-readout")  # the live cursor readout, 4 significant digits
        assert readout.startswith(f"κ = {b.text('point-kappa')}, ν = {b.text('point-nu')}") and regime in readout
        hover_ca = float(readout.split("Δ_CA = ")[1].split()[0])
        assert hover_ca == pytest.approx(shown["ca"], rel=5e-4)

    for kappa, nu in ((2.9, 0.97), (0.35, 0.05), (1.5, 0.999), (10.0, 1.0)):
        b.type_into("point-kappa", str(kappa))
        b.type_into("point-nu", str(nu))
        shown = check_point(b)
        assert (shown["kappa"], shown["nu"]) == (kappa, nu)
    assert "outside the drawn window" in b.text("out-window")  # kappa = 10 > kappa max = 3
    b.click(*centre(b.rect("preset-1")))  # the paper's panel (b): small target nuisance
    assert shown_params(b) == {**PANEL_A, "gamma_tilde_y": 0.05} and window(b) == (0.0, 3.0, 0.0, 1.0)
    check_point(b)
    assert_clean(b, url)


def test_kappa_zero_and_nu_zero_show_clear_values(browser: HeadlessChromium, pages: dict) -> None:
    b = browser
    url = b.open(pages["main"])
    cases = [
        ((0.0, 0.5), {"ca": "no signal (κ = 0)", "cp": "no signal (κ = 0)"}),
        ((1.0, 0.0), {"ca": "no nuisance correlation (ν = 0)", "cp_rev": "no nuisance correlation (ν = 0)"}),
        ((0.0, 0.0), {"ca": "no signal either (κ = 0)"}),
    ]
    for (kappa, nu), notes in cases:
        b.type_into("point-kappa", str(kappa))
        b.type_into("point-nu", str(nu))
        shown = check_point(b)
        for key, note in notes.items():
            assert note in b.text(f"{OUTPUTS[key]}-note")
        assert "limit" in b.text("out-eq7-note") and math.isfinite(shown["eq7"])
    assert b.text("out-delta-ca") == "∞" and b.text("out-regime") == "Both"  # the theory's convention at (0, 0)

    b.type_into("point-kappa", "0")
    b.type_into("point-nu", "0.5")
    b.type_into("value-gamma_y", "0")  # kappa^2 + gamma_y = 0: Eq. 7 is infinite
    check_point(b)
    assert b.text("out-eq7") == "∞"
    b.type_into("value-gamma_tilde_y", "0")  # ... and 0/0 with no target nuisance either
    assert b.text("out-eq7") == "not defined" and "0/0" in b.text("out-eq7-note")
    no_noise = {**PANEL_A, "gamma_y": 0.0, "gamma_tilde_y": 0.0}
    assert math.isnan(eq7_ratio(SpikedModel(d=2, k=1, kappa=0.0, nu=0.5, **no_noise)))  # Python agrees: undefined
    b.type_into("value-gamma_tilde_y", "5")
    b.type_into("value-gamma_tilde_x", "0")  # no nuisance in x: every Delta infinite, no boundary
    b.type_into("point-kappa", "1")
    check_point(b)
    assert b.text("out-delta-cp") == "∞" and "γ̃_x or γ̃_y = 0" in b.text("out-delta-cp-note")
    assert "no boundary" in b.text("boundary-note")

    b.type_into("value-gamma_tilde_x", "1")
    rect = b.rect("phase-overlay")
    b.mouse("mouseMoved", rect["left"] + 0.2, rect["top"] + rect["height"] / 2)  # the kappa = 0 edge
    readout = b.text("hover-readout")
    assert readout.startswith("κ = 0,") and "Δ_CA = 0 " in readout and "Neither" in readout
    b.mouse("mouseMoved", rect["left"] + rect["width"] / 2, rect["top"] + rect["height"] - 0.2)  # the nu = 0 edge
    assert ", ν = 0 │" in b.text("hover-readout") and "Δ_CA = ∞" in b.text("hover-readout")
    assert_clean(b, url)


def test_bad_input_gets_a_message_and_keeps_the_last_good_value(browser: HeadlessChromium, pages: dict) -> None:
    b = browser
    url = b.open(pages["main"])
    before = b.text("out-delta-ca")
    b.type_into("value-gamma_x", "-1")
    assert "γ_x" in b.text("input-message") and "≥ 0" in b.text("input-message")
    assert b.text("value-gamma_x") == "1" and b.text("out-delta-ca") == before
    b.type_into("value-nu_max", "1.5")
    assert "ν is a correlation" in b.text("input-message") and b.text("value-nu_max") == "1"
    b.type_into("value-kappa_min", "2")
    b.type_into("value-kappa_max", "1")
    assert "κ range is empty" in b.text("phase-message")
    assert b.evaluate("getComputedStyle(document.getElementById('phase-message')).display") == "block"
    check_point(b)  # the selected point still has its values
    b.type_into("value-kappa_max", "3")
    assert b.text("phase-message") == ""
    b.type_into("point-nu", "1.5")
    assert "ν must be a number in [0, 1]" in b.text("point-message") and b.text("point-nu") == "0.5"
    assert_clean(b, url)


def test_report_is_placed_and_a_dropped_or_chosen_report_replaces_it(browser: HeadlessChromium, pages: dict) -> None:
    b = browser
    url = b.open(pages["main"])
    report = json.loads(pages["report"].read_text())
    summary = b.text("report-summary")
    assert f"regime {report['regime']} (97% of subsamples)" in summary
    for name, label in (("delta_ca", "Δ̂_CA"), ("delta_cp", "Δ̂_CP(x→y)"), ("delta_cp_reverse", "Δ̂_CP(y→x)")):
        value, (low, high) = report[name], report["intervals"][name]
        assert f"{label} = {float(f'{value:.6g}'):g} [{float(f'{low:.6g}'):g}, {float(f'{high:.6g}'):g}]" in summary
    placement = b.text("report-placement")
    kappa, nu = (float(v) for v in placement.split("(κ, ν) = (")[1].split(")")[0].split(", "))
    assert (kappa, nu) == pytest.approx(REPORT_POINT, rel=1e-5)
    share = float(placement.split("Hatched: ")[1].split("%")[0])
    assert 0 < share < 50
    b.click(*centre(b.rect("report-select-point")))
    shown = check_point(b)
    for key, name in (("ca", "delta_ca"), ("cp", "delta_cp"), ("cp_rev", "delta_cp_reverse")):
        assert_same(shown[key], report[name])  # the inversion lands exactly on the report's Deltas
    # another report, dropped onto the page: infinite and missing values, no interval for one Delta
    other = {"delta_ca": 0.8, "delta_cp": "inf", "delta_cp_reverse": None, "intervals": {"delta_ca": [0.7, 0.9]}}
    path = pages["folder"] / "other_report.json"
    path.write_text(json.dumps(other))
    b.drop_file("report-drop", path)
    b.wait_until("document.getElementById('report-summary').innerText.startsWith('other_report.json')")
    summary = b.text("report-summary")
    assert "regime CP only" in summary and "Δ̂_CP(x→y) = ∞" in summary and "Δ̂_CA = 0.8 [0.7, 0.9]" in summary
    assert "Δ̂_CP(y→x) not in the report" in summary and "recommendation: not in the report" in summary
    assert "no (κ, ν) gives the report's" in b.text("report-placement")
    (pages["folder"] / "broken.json").write_text("{oops")  # chosen in the file dialog this time
    b.attach_file("#report-file", pages["folder"] / "broken.json")
    b.wait_until("document.getElementById('report-message').innerText.length > 0")
    assert "broken.json: not valid JSON" in b.text("report-message")
    assert b.text("report-summary").startswith("other_report.json")
    assert_clean(b, url)


def centre(rect: dict) -> tuple[float, float]:
    return rect["left"] + rect["width"] / 2, rect["top"] + rect["height"] / 2


def test_empirical_layer_shows_the_success_map(browser: HeadlessChromium, pages: dict, empirical_frame) -> None:
    b = browser
    url = b.open(pages["empirical"])
    assert shown_params(b) == PANEL_A  # panel a records its gammas: the sliders follow them
    assert "Sliders set to panel a's γ's" in b.text("empirical-gammas")
    frame = empirical_frame()
    block = frame[frame["panel"] == "a"]
    summary = b.text("empirical-summary")
    assert f"2 cells, {int(block['success'].sum())} of {len(block)} runs recovered the signal" in summary
    # the theory column for cp is delta_cp = 0.3 / nu: > 1 at nu = .2 (2 of 3 seeds won), < 1 at nu = .9 (none)
    assert "agrees with the majority of seeds in 2 of 2 cells" in summary
    rect = b.rect("phase-overlay")
    kmin, kmax, numin, numax = window(b)

    def at(kappa: float, nu: float) -> tuple[float, float]:
        fx, fy = (kappa - kmin) / (kmax - kmin), (numax - nu) / (numax - numin)
        return rect["left"] + fx * rect["width"], rect["top"] + fy * rect["height"]

    move_mouse_away(b)
    b.type_into("point-kappa", "3")  # move the selected marker off the cells
    b.type_into("point-nu", "0.05")
    lost = b.pixel(*at(2.0, 0.9))  # no seed recovered: a hollow circle shows the region underneath
    assert_colour(lost, theory(PANEL_A, 2.0, 0.9)["regime"])
    assert sum(b.pixel(*at(1.0, 0.2))) < sum(lost) - 150  # two of three: a dark fill
    b.click(*at(1.0, 0.2))
    assert "2 of 3 seeds recovered the signal, mean recovery 0.6" in b.text("out-empirical")
    b.choose("emp-panel", "b")
    assert "does not record panel b's γ's" in b.text("empirical-gammas")
    assert "panel b · linear · cp: 2 cells, 2 of 6 runs" in b.text("empirical-summary")
    assert_clean(b, url)


def test_screenshot_is_kept_as_an_artifact(browser: HeadlessChromium, pages: dict, repo_root: Path) -> None:
    b = browser
    url = b.open(pages["main"])
    rect = b.rect("phase-overlay")
    b.click(rect["left"] + 0.3 * rect["width"], rect["top"] + 0.4 * rect["height"])
    b.mouse("mouseMoved", rect["left"] + 0.62 * rect["width"], rect["top"] + 0.3 * rect["height"])
    b.evaluate("window.scrollTo(0, 0)")
    target = pages["folder"] / "phase_explorer_screenshot.png"
    b.screenshot(target)
    # pytest removes its temp folders when the tests pass; the screenshot is kept in outputs/test_artifacts/
    # (or $ALIGNPREDICT_ARTIFACTS), as the README says
    keep = Path(os.environ.get("ALIGNPREDICT_ARTIFACTS") or repo_root / "outputs" / "test_artifacts")
    keep.mkdir(parents=True, exist_ok=True)
    shutil.copy(target, keep / target.name)
    print(f"explorer screenshot: {keep / target.name}")
    with Image.open(target) as image:
        assert image.width == b.width and image.height > 900
        assert len(set(image.convert("RGB").resize((64, 64)).getdata())) > 20  # drawn, not blank
    assert_clean(b, url)
