"""Sweep aggregation (idempotent, never mixing sweeps) and the synthetic figures from a fake sweep folder."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from alignpredict.evaluation.aggregate import load_runs, summarise
from alignpredict.plots.synthetic import make_synthetic_figures, plot_accuracy_vs_nu, umap_panels
from alignpredict.utils.io import write_json

# what each objective records about itself (test_objectives_module checks the real ones)
FACTS = {
    objective: dict(zip(("objective_family", "objective_label", "objective_linestyle", "objective_marker"), facts))
    for objective, facts in {
        "ca": ("alignment", "CA", "-", "o"),
        "cp": ("prediction", "CP", "--", "s"),
        "supervised": ("supervised", "supervised", ":", "v"),
    }.items()
}


def fake_run(
    folder: Path, sweep: str, objective: str, jitter: float, noise: float, seed: int, acc: float, data: str = "dsprites"
) -> None:
    write_json(
        folder / "metrics.json",
        {
            "sweep_id": sweep,
            "data": data,
            "objective": objective,
            "objective_color": "#000000",
            **FACTS[objective],
            "jitter": jitter,
            "nu_max": 1 - jitter,
            "noise": noise,
            "seed": seed,
            "probe_acc": acc,
            "num_classes": 3,
        },
    )


def fake_sweep(root: Path, sweep: str = "s1") -> Path:
    """A full 2 datasets x 3 objectives x 3 jitters x 2 noises x 2 seeds grid with embeddings for the strip."""
    job = 0
    for data in ("dsprites", "shapes3d"):
        for objective in ("ca", "cp", "supervised"):
            for jitter in (0.0, 0.2, 0.5):
                for noise in (0.2, 0.5):
                    for seed in (0, 1):
                        acc = 0.4 + 0.5 * jitter if objective == "ca" else 0.9 - jitter
                        folder = root / str(job)
                        fake_run(folder, sweep, objective, jitter, noise, seed, acc + 0.01 * seed, data)
                        rng = np.random.default_rng(job)
                        np.savez(
                            folder / "embedding.npz",
                            embedding=rng.normal(size=(30, 2)),
                            labels=rng.integers(0, 3, 30),
                            pos_x=rng.uniform(size=30),
                        )
                        job += 1
    return root


def test_summary_mean_and_t_interval(tmp_path: Path) -> None:
    for seed, acc in enumerate((0.5, 0.7, 0.9)):
        fake_run(tmp_path / str(seed), "s1", "ca", 0.2, 0.5, seed, acc)
    table = summarise(load_runs(tmp_path), by=("objective", "jitter"))
    row = table.iloc[0]
    half = stats.t.ppf(0.975, 2) * 0.2 / np.sqrt(3)
    assert (row["n"], row["mean"], row["std"]) == (3, pytest.approx(0.7), pytest.approx(0.2))
    assert (row["ci_low"], row["ci_high"]) == (pytest.approx(0.7 - half), pytest.approx(0.7 + half))


def test_sweeps_never_mix(tmp_path: Path) -> None:
    fake_run(tmp_path / "a" / "0", "sweep-a", "ca", 0.0, 0.5, 0, 0.4)
    fake_run(tmp_path / "b" / "0", "sweep-b", "ca", 0.0, 0.5, 0, 0.9)
    with pytest.raises(ValueError, match="2 sweeps.*sweep-a.*sweep-b"):
        load_runs(tmp_path)
    assert load_runs(tmp_path, "sweep-b")["probe_acc"].tolist() == [0.9]
    with pytest.raises(ValueError, match="not found"):
        load_runs(tmp_path, "sweep-c")
    (tmp_path / "empty").mkdir()
    with pytest.raises(FileNotFoundError, match="no metrics.json"):
        load_runs(tmp_path / "empty")


def test_figures_and_csv_are_idempotent(tmp_path: Path) -> None:
    sweep = fake_sweep(tmp_path / "sweep")
    written = make_synthetic_figures(sweep, sweep / "figures")
    first = written["summary"].read_bytes()
    again = make_synthetic_figures(sweep, sweep / "figures")  # figures/ inside the sweep must not be read back
    assert again["summary"].read_bytes() == first
    summary = pd.read_csv(written["summary"])
    assert len(summary) == 2 * 3 * 3 * 2 and set(summary["n"]) == {2}
    ca = summary[(summary["data"] == "dsprites") & (summary["objective"] == "ca") & (summary["nu_max"] == 0.5)]
    assert ca["mean"].tolist() == pytest.approx([0.655, 0.655])
    for key in ("accuracy_png", "accuracy_pdf", "umap_strip"):
        assert written[key].stat().st_size > 1000


def test_plot_script_writes_figure_and_csv(tmp_path: Path, repo_root: Path) -> None:
    sweep = fake_sweep(tmp_path / "sweep")
    out = tmp_path / "figs"
    result = subprocess.run(
        [sys.executable, str(repo_root / "scripts" / "plot.py"), f"sweep_dir={sweep}", f"out_dir={out}"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert {"summary.csv", "accuracy_vs_nu.png", "accuracy_vs_nu.pdf", "umap_strip.png"} <= {
        p.name for p in out.iterdir()
    }


def test_figures_draw_any_objective_from_what_its_runs_record(tmp_path: Path) -> None:
    sweep = fake_sweep(tmp_path / "sweep")
    FACTS["toy"] = dict(zip(FACTS["ca"], ("alignment", "Toy", "-.", "x")))
    try:
        for job, (data, jitter) in enumerate((d, j) for d in ("dsprites", "shapes3d") for j in (0.0, 0.5)):
            folder = sweep / f"toy{job}"
            fake_run(folder, "s1", "toy", jitter, 0.5, 0, 0.5, data=data)
            np.savez(folder / "embedding.npz", embedding=np.zeros((30, 2)), labels=np.zeros(30, int))
    finally:
        del FACTS["toy"]
    runs = load_runs(sweep)
    titles = [title for title, _ in umap_panels(runs, 0.5)]
    assert titles[:2] == ["CA, aligned (jitter 0, noise 0.5)", "CA, misaligned (jitter 0.5, noise 0.5)"]
    assert "Toy, misaligned (jitter 0.5, noise 0.5)" in titles and not any("supervised" in t for t in titles)
    legend = [text.get_text() for text in plot_accuracy_vs_nu(runs).axes[-1].get_legend().get_texts()]
    assert "Toy, noise 0.5" in legend and "supervised (mean over noise)" in legend
