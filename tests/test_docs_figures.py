"""The published figures read alone and agree with the README text that shows them; the docs point only to
files in the repository (the protocol pages), never to material the user does not have."""

from __future__ import annotations

import json
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from omegaconf import OmegaConf  # noqa: E402
from PIL import Image  # noqa: E402

from alignpredict.diagnose.example import EXAMPLE_MODEL  # noqa: E402
from alignpredict.diagnose.settings import DiagnoseSettings  # noqa: E402
from alignpredict.plots.astro_diagnostics import FACTS_KEY, caption_text  # noqa: E402
from alignpredict.plots.embedding import embedding_figure  # noqa: E402
from alignpredict.plots.phase_diagram import frame_figure  # noqa: E402
from alignpredict.plots.scale import sweep_scale  # noqa: E402
from alignpredict.plots.theory_validation import DISTANCE_RANGE, _band  # noqa: E402
from alignpredict.theory.phase_grid import homogeneous_grid  # noqa: E402
from alignpredict.theory.spectra import delta_ca, delta_cp  # noqa: E402
from alignpredict.theory.validation import model_at, nu_thresholds  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text()

# A pointer to the (unpublished) project spec: "(spec 2.5)", "spec section 3", "the project spec", its file names.
SPEC_REFERENCE = re.compile(
    r"\(spec\s|\bspec(?:'s)?\s+(?:section|§|\d|`)|\bthe (?:project )?spec\b|"
    r"coco-astro-bmmc|theory-and-diagnostic\.md|stereo-vision\.md|ecosystem-anchors|\.md §",
    re.IGNORECASE,
)
# Files owned by other work in progress; each still holds a spec pointer with its replacement agreed.
# Empty this set when they are edited.
PENDING: set[str] = set()
TEXT_SUFFIXES = {".py", ".md", ".yaml", ".yml", ".ipynb", ".js", ".html", ".css", ".toml", ".txt"}


def test_astro_caption_in_the_readme_is_the_one_built_from_the_figure_numbers() -> None:
    with Image.open(REPO / "docs/figures/astro_astro_diagnostics.png") as image:
        facts = json.loads(image.text[FACTS_KEY])
    assert set(facts) == {"kepler", "tess"}
    assert caption_text(facts) in README


def test_e4_caption_matches_the_config_and_the_theory() -> None:
    cfg = OmegaConf.load(REPO / "conf/theory.yaml").validation
    ca, cp = nu_thresholds(model_at(OmegaConf.to_container(cfg.e4.model), nu=0.0))
    assert f"mean ± std over {cfg.seeds} seeds" in README
    assert f"CA fails at ν ≈ {ca:.3f}, CP at ≈ {cp:.3f}" in README


def test_diagnostic_caption_matches_the_example_it_shows() -> None:
    truth = (delta_ca(EXAMPLE_MODEL), delta_cp(EXAMPLE_MODEL), delta_cp(EXAMPLE_MODEL.swapped()))
    assert "true Δ_CA = {:.2f}, Δ_CP(x→y) = {:.2f}, Δ_CP(y→x) = {:.2f}".format(*truth) in README
    assert f"({DiagnoseSettings().n_resamples} half-samples)" in README


def test_no_doc_comment_or_config_points_to_the_spec() -> None:
    found = []
    for folder in ("src", "scripts", "conf", "docs", "tests", "notebooks"):
        for path in sorted((REPO / folder).rglob("*")):
            if path.suffix not in TEXT_SUFFIXES or path.name == Path(__file__).name:
                continue
            relative = path.relative_to(REPO).as_posix()
            for number, line in enumerate(path.read_text(errors="ignore").splitlines(), 1):
                if SPEC_REFERENCE.search(line) and relative not in PENDING:
                    found.append(f"{relative}:{number}: {line.strip()}")
    found += [f"README.md: {line}" for line in README.splitlines() if SPEC_REFERENCE.search(line)]
    assert not found, "point to docs/protocols/ (or state the fact) instead:\n" + "\n".join(found)


def test_protocol_pages_exist_and_are_linked() -> None:
    for page in ("theory", "stereo", "captions", "astro"):
        assert (REPO / f"docs/protocols/{page}.md").is_file()
        assert f"{page}.md" in (REPO / "docs/protocols/README.md").read_text()
    assert "docs/protocols/" in README


def test_bands_never_leave_the_possible_range() -> None:
    fig, ax = plt.subplots()
    frame = pd.DataFrame({"d_mean": [0.0, 0.01, 0.99], "d_std": [0.05, 0.05, 0.05]})
    _band(ax, np.arange(3.0), frame, "d", DISTANCE_RANGE, color="k")
    (band,) = ax.collections
    values = np.concatenate([path.vertices[:, 1] for path in band.get_paths()])
    assert values.min() >= 0.0 and values.max() <= 1.0
    plt.close(fig)


def test_gif_frame_key_does_not_cover_the_diagram() -> None:
    grid = homogeneous_grid(np.linspace(0, 3, 30), np.linspace(0, 1, 30), 1.0, 0.05, 0.05, 1.0)
    fig = frame_figure(grid, "frame")
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    (legend,) = fig.legends
    axes_box = fig.axes[0].get_window_extent(renderer)
    assert legend.get_window_extent(renderer).y1 < axes_box.y0
    plt.close(fig)


@pytest.mark.parametrize("pos_x", [None, np.linspace(-0.5, 0.5, 60)])
def test_embedding_has_a_key_for_colour_and_shade(pos_x) -> None:
    labels = np.repeat([0, 1, 2], 20)
    fig = embedding_figure(np.random.default_rng(0).normal(size=(60, 2)), labels, pos_x, "run", ["a", "b", "c"])
    (legend,) = fig.legends
    assert [text.get_text() for text in legend.get_texts()] == ["a", "b", "c"]
    shade_keys = [ax for ax in fig.axes if "position" in ax.get_title()]
    assert len(shade_keys) == (0 if pos_x is None else 1)
    plt.close(fig)


def test_sweep_scale_states_seeds_pairs_and_epochs() -> None:
    runs = pd.DataFrame(
        {
            "seed": [0, 1, 0],
            "n_samples": [1200] * 3,
            "n_ssl_train": [720] * 3,
            "max_epochs": [2] * 3,
            "epochs_trained": [1, 2, 2],
        }
    )
    assert sweep_scale(runs) == "seeds 0, 1 (2 per point), 1,200 pairs (720 SSL-train), ≤ 2 epochs (trained 1-2)"
