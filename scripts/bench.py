"""Named benchmarks; results are merged into docs/benchmarks.json and rendered as docs/benchmarks.md.

    python scripts/bench.py theory    # one or several named benchmarks (theory, diagnose, verify, train, captions)
    python scripts/bench.py --list

Add a benchmark by writing a function that returns a list of records and decorating it with
`@benchmark("name")`. A record is {"metric", "value", "unit", "target", "notes"}.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from alignpredict.utils.io import write_json, write_text

REPO_ROOT = Path(__file__).resolve().parents[1]
RESULTS_JSON = REPO_ROOT / "docs" / "benchmarks.json"
RESULTS_MD = REPO_ROOT / "docs" / "benchmarks.md"

Record = dict[str, Any]
BENCHMARKS: dict[str, Callable[[], list[Record]]] = {}


def benchmark(name: str) -> Callable[[Callable[[], list[Record]]], Callable[[], list[Record]]]:
    """Register a benchmark under a command-line name."""

    def register(function: Callable[[], list[Record]]) -> Callable[[], list[Record]]:
        BENCHMARKS[name] = function
        return function

    return register


def best_seconds(function: Callable[[], Any], repeats: int) -> float:
    """Fastest of `repeats` timed calls (after one warm-up), the usual way to time short code on a busy machine."""
    function()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def load_theory_script():
    import alignpredict.theory.outputs as module

    return module


def theory_config(overrides: list[str]):
    from hydra import compose, initialize_config_dir

    with initialize_config_dir(config_dir=str(REPO_ROOT / "conf"), version_base="1.3"):
        return compose(config_name="theory", overrides=overrides)


@benchmark("theory")
def theory() -> list[Record]:
    """Phase-grid speed, the validation suite's wall time and the default `scripts/theory.py` run.

    Wall times depend on what else shares the cores; the CPU seconds in the notes do not.
    """
    from omegaconf import OmegaConf

    from alignpredict.theory.phase_grid import homogeneous_grid
    from alignpredict.theory.validation import run_suite

    kappa, nu = np.linspace(0.0, 3.0, 1000), np.linspace(0.0, 1.0, 1000)
    grid_seconds = best_seconds(lambda: homogeneous_grid(kappa, nu, 1.0, 0.05, 5.0), repeats=5)

    cfg = theory_config([])
    suite_cfg = OmegaConf.to_container(cfg.validation, resolve=True)
    start, cpu_start = time.perf_counter(), time.process_time()
    run_suite(suite_cfg)
    suite_seconds, suite_cpu = time.perf_counter() - start, time.process_time() - cpu_start

    script = load_theory_script()
    with tempfile.TemporaryDirectory() as out:
        cpu_start = time.process_time()
        summary = script.run(theory_config([f"out_dir={out}"]))
        script_cpu = time.process_time() - cpu_start
    script_seconds = sum(summary["seconds"].values())
    parts = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in summary["seconds"].items())
    return [
        {
            "metric": "phase grid 1000 x 1000 (Delta_CA, Delta_CP, regime)",
            "value": round(grid_seconds, 4),
            "unit": "s",
            "target": "< 1",
            "notes": "best of 5",
        },
        {
            "metric": "validation suite E4-E7, default config (compute only)",
            "value": round(suite_seconds, 2),
            "unit": "s",
            "target": "< 120",
            "notes": f"{suite_cfg['seeds']} seeds; E4 n={suite_cfg['e4']['n_values']}; "
            f"E7 {suite_cfg['e7']['points']}^2 "
            f"x {len(suite_cfg['e7']['decays'])} decays x {suite_cfg['e7']['seeds']} seeds; CPU {suite_cpu:.1f} s",
        },
        {
            "metric": "python scripts/theory.py, default config (all outputs)",
            "value": round(script_seconds, 2),
            "unit": "s",
            "target": "< 120",
            "notes": f"{parts}; CPU {script_cpu:.1f} s over all threads",
        },
    ]


@benchmark("diagnose")
def diagnose_full_report() -> list[Record]:
    """The diagnostic's speed target: n = 50,000 pairs, d_x = 2048, d_y = 512, 1,000 labelled rows, full
    report with subsample intervals (default settings), timed once (wall and process CPU seconds)."""
    import alignpredict

    rng = np.random.default_rng(0)
    n, d_x, d_y, labelled = 50_000, 2048, 512, 1000
    latent = rng.standard_normal((n, 3))
    x = (latent @ rng.standard_normal((3, d_x)) + 3.0 * rng.standard_normal((n, d_x))).astype(np.float32)
    y = (latent @ rng.standard_normal((3, d_y)) + 3.0 * rng.standard_normal((n, d_y))).astype(np.float32)
    wall, cpu = time.perf_counter(), time.process_time()
    report = alignpredict.diagnose(x, y, latent[:labelled], label_rows=np.arange(labelled))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    notes = (
        f"{report.resamples.n_resamples} subsamples of {report.resamples.subsample_rows} rows, "
        f"PCA {report.pca_dims}, regime {report.regime}; CPU {cpu:.1f} s over all threads"
    )
    return [
        {
            "metric": "diagnose: n 50k, d_x 2048, d_y 512, 1k labels, full report with intervals",
            "value": round(wall, 1),
            "unit": "s",
            "target": "< 60 on 2 cores",
            "notes": notes,
        }
    ]


@benchmark("verify")
def verify_linear() -> list[Record]:
    """verify.py's speed target: n = 2000 pairs, d_x = d_y = 100, 5 splits, k in {5, 10, 20}, linear mode
    (diagnostic with default settings on 300 labelled training rows, CA / CP / PCA / autoencoder / raw probes)."""
    from alignpredict.verify.core import VerifySettings, verify

    rng = np.random.default_rng(0)
    n, d = 2000, 100
    latent = rng.standard_normal((n, 3))
    x = latent @ rng.standard_normal((3, d)) + 2.0 * rng.standard_normal((n, d))
    y = latent @ rng.standard_normal((3, d)) + 2.0 * rng.standard_normal((n, d))
    labels = np.argmax(latent @ rng.standard_normal((3, 4)), axis=1)
    wall, cpu = time.perf_counter(), time.process_time()
    result = verify(x, y, labels, name="bench", settings=VerifySettings(n_jobs=2))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return [
        {
            "metric": "verify: n 2000, d 100 + 100, 5 splits, k 5/10/20, linear mode",
            "value": round(wall, 1),
            "unit": "s",
            "target": "< 60 on 2 cores",
            "notes": f"{len(result.splits)} splits on 2 processes, ks {list(result.ks)}; "
            f"CPU {result.cpu_seconds:.1f} s over all processes",
        }
    ]


def train_once(overrides: list[str]) -> dict[str, Any]:
    """One `scripts/train.py` run composed from `conf/train.yaml` + overrides, in a temporary folder."""
    from hydra import compose, initialize_config_dir

    from alignpredict.train import run

    with (
        tempfile.TemporaryDirectory() as folder,
        initialize_config_dir(config_dir=str(REPO_ROOT / "conf"), version_base="1.3"),
    ):
        cfg = compose("train", overrides=[*overrides, "logger=none", "embedding.enabled=false", f"out_dir={folder}"])
        return run(cfg)


def accelerator() -> tuple[str, bool]:
    """(device name, whether it is a GPU): the Trainer's accelerator=auto picks the same one."""
    import torch

    if torch.cuda.is_available():
        return torch.cuda.get_device_name(0), True
    return f"CPU ({os.cpu_count()} cores, torch threads {torch.get_num_threads()})", False


CPU_PATH_VARIANTS: dict[str, list[str]] = {  # name -> overrides; the first is the baseline of the ratios
    "plain path (fp32, NCHW, pairs rendered per batch)": ["cpu_fast.enabled=false"],
    "+ precomputed pairs": ["cpu_fast.channels_last=false", "cpu_fast.bf16=false"],
    "+ channels_last": ["cpu_fast.precompute=false", "cpu_fast.bf16=false"],
    "+ bf16 autocast": ["cpu_fast.precompute=false", "cpu_fast.channels_last=false"],
    "fast path (all three; the CPU default)": [],
}


def interleaved_rates(variants: dict[str, list[str]], common: list[str], rounds: int) -> dict[str, list[float]]:
    """Steady-state training pairs/s of each variant, the variants run in turn `rounds` times so that a change in
    the machine's load hits all of them alike."""
    rates: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(rounds):
        for name, overrides in variants.items():
            rates[name].append(train_once([*common, *overrides])["train_samples_per_second"])
    return rates


@benchmark("train")
def stereo_training_throughput() -> list[Record]:
    """Stereo dSprites training pairs/s in steady state (pair generation and the step, after warm-up, validation
    excluded). On a CPU: the plain path vs each fast-path option vs all of them, at 64 px and batch 64 (the
    paper's nets), interleaved in one process, and the 32-px variant; on a GPU: CA and CP at batch 256 and the
    paper-scale grid's projected wall time."""
    device, gpu = accelerator()
    if not gpu:
        return cpu_path_records(device)
    n_samples, epochs = 100_000, 2
    records, speed, share = [], {}, 0.0
    for objective in ("ca", "cp"):
        metrics = train_once(
            [
                "data=dsprites",
                f"model={objective}",
                "batch_size=256",
                f"n_samples={n_samples}",
                f"max_epochs={epochs}",
                "probe.inverse_l2_grid=[1.0]",
            ]
        )
        speed[objective] = metrics["train_samples_per_second"]
        share = metrics["n_ssl_train"] / n_samples  # the SSL-train share of n_samples
        records.append(
            {
                "metric": f"stereo dSprites {objective.upper()} training throughput, batch 256",
                "value": round(speed[objective]),
                "unit": "pairs/s",
                "target": ">= 20000 on one GPU",
                "notes": f"{device}; {metrics['n_ssl_train']} SSL pairs x {metrics['epochs_trained']} epochs "
                f"in {metrics['fit_seconds']:.1f} s",
            }
        )
    seconds = 3 * 3 * 3 * 100_000 * share * 5 * (1 / speed["ca"] + 2 / speed["cp"])
    records.append(
        {
            "metric": "paper-scale dSprites grid (81 runs), projected from the throughputs above",
            "value": round(seconds / 60, 1),
            "unit": "min",
            "target": "< 30 on one GPU",
            "notes": f"{device}; training loops only (probes and UMAP not included); measure the real grid "
            "with experiment=synthetic_paper data=dsprites seed=0,1,2",
        }
    )
    return records


def cpu_path_records(device: str) -> list[Record]:
    """The CPU fast path's speedups as ratios of medians measured in one run (CA and CP, 64 px, batch 64), one
    torch thread per run (what each job of a CPU sweep gets), so that load from other processes hits every
    variant alike."""
    import torch

    torch.set_num_threads(1)
    records = []
    for objective in ("ca", "cp"):
        common = [
            "data=dsprites",
            "trainer=cpu",
            f"model={objective}",
            "batch_size=64",
            "n_samples=2000",
            "max_epochs=1",
            "probe.methods=[paper]",
            "probe.paper_sizes=[100]",
            "cpu_fast.threads=1",
        ]
        variants = {**CPU_PATH_VARIANTS, "fast path at 32 px (data.resolution=32)": ["data.resolution=32"]}
        rates = {name: float(np.median(values)) for name, values in interleaved_rates(variants, common, 3).items()}
        baseline = next(iter(rates.values()))
        for name, rate in rates.items():
            records.append(
                {
                    "metric": f"stereo dSprites {objective.upper()} training, {name}",
                    "value": round(rate / baseline, 2),
                    "unit": "x plain",
                    "target": ">= 1.8 (fast path, 64 px)" if name.startswith("fast path (all") else "-",
                    "notes": f"{device}; median of 3 interleaved runs, {rate:.0f} pairs/s (plain: {baseline:.0f})",
                }
            )
    return records


@benchmark("captions")
def caption_training_throughput() -> list[Record]:
    """Images/s of the image-caption CA training step in steady state: ResNet-18 at 64 px (the paper's nets) vs
    the CPU nets (nets=captions_small at 32 px, the coco_style_cpu experiment), interleaved in one run."""
    device, _ = accelerator()
    common = ["data=captions", "model=ca", "batch_size=64", "n_samples=1000", "max_epochs=1", "probe.methods=[paper]"]
    variants = {
        "ResNet-18, 64 px scenes (nets=captions)": ["nets=captions", "cpu_fast.enabled=false"],
        "small conv encoder, 32 px scenes (nets=captions_small, CPU path)": [
            "nets=captions_small",
            "data.image_size=32",
        ],
    }
    rates = {name: float(np.median(values)) for name, values in interleaved_rates(variants, common, 2).items()}
    baseline = next(iter(rates.values()))
    return [
        {
            "metric": f"captions CA training, {name}",
            "value": round(rate, 1),
            "unit": "images/s",
            "target": ">= 50x ResNet-18's rate" if "small" in name else "-",
            "notes": f"{device}; median of 2 interleaved runs; {rate / baseline:.1f}x ResNet-18 at 64 px",
        }
        for name, rate in rates.items()
    ]


def phase_empirical_config(overrides: list[str]):
    from hydra import compose, initialize_config_dir

    with initialize_config_dir(config_dir=str(REPO_ROOT / "conf"), version_base="1.3"):
        return compose(config_name="phase_empirical", overrides=overrides)


def stacked_vs_loop(mode: str) -> list[Record]:
    """Models/s of the stacked ensemble and of the same models one after another, side by side on one chunk of
    the default run (CA + CP, the default epochs) in one observation mode."""
    import torch

    from alignpredict.phase_empirical import ensemble
    from alignpredict.phase_empirical.data import build_data, data_sets, grid_cells, moments, whitened
    from alignpredict.phase_empirical.run import maps

    cfg = phase_empirical_config([f"mode={mode}"])
    torch.set_num_threads(int(cfg.threads))
    panels = {name: dict(panel) for name, panel in cfg.panels.items()}
    sets = data_sets(grid_cells(panels, cfg.grid.resolution, cfg.grid.kappa_max, cfg.grid.nu_max, 1.0), [0])
    data = build_data(sets.iloc[: cfg.sets_per_chunk], cfg.d, cfg.k, cfg.n, cfg.n_eval, cfg.mode, maps(cfg))
    x, y = torch.from_numpy(data.x[:, : cfg.n]), torch.from_numpy(data.y[:, : cfg.n])
    stats = moments(x, y, cfg.n)
    views = {
        "x": x,
        "y": y,
        "x_white": whitened(x, stats.mean_x, stats.sxx),
        "y_white": whitened(y, stats.mean_y, stats.syy),
    }
    dims = {"x": x.shape[2], "y": y.shape[2]}

    def groups():
        seeds = list(data.index["sample_seed"])
        return ensemble.make_groups(list(cfg.objectives), seeds, dims, cfg.net.hidden, cfg.k, cfg.net.activation)

    train = (cfg.epochs, cfg.batch_size, cfg.lr, cfg.train_seed)
    stacked_groups = groups()
    start = time.perf_counter()
    ensemble.train_stacked(stacked_groups, views, *train)
    stacked_seconds = time.perf_counter() - start
    stacked_models = len(stacked_groups) * len(data.index)
    loop_per_objective = 4
    start = time.perf_counter()
    ensemble.train_one_after_another(groups(), views, *train, models=loop_per_objective)
    loop_seconds = time.perf_counter() - start
    loop_models = len(cfg.objectives) * loop_per_objective
    stacked_rate, loop_rate = stacked_models / stacked_seconds, loop_models / loop_seconds
    steps = cfg.epochs * (cfg.n // cfg.batch_size)
    return [
        {
            "metric": f"phase_empirical ({mode}): models trained per second, stacked ensemble",
            "value": round(stacked_rate, 2),
            "unit": "models/s",
            "target": "-",
            "notes": f"{stacked_models} models ({list(cfg.objectives)} x {len(data.index)} cells, inputs "
            f"{dims['x']}-d) x {steps} steps of batch {cfg.batch_size} in {stacked_seconds:.1f} s",
        },
        {
            "metric": f"phase_empirical ({mode}): the same models one after another",
            "value": round(loop_rate, 2),
            "unit": "models/s",
            "target": "-",
            "notes": f"{loop_models} of them ({loop_per_objective} per objective), same steps, in {loop_seconds:.1f} s",
        },
        {
            "metric": f"phase_empirical ({mode}): stacked / one after another",
            "value": round(stacked_rate / loop_rate, 1),
            "unit": "x",
            "target": ">= 10",
            "notes": "measured side by side in one process, one torch thread",
        },
    ]


@benchmark("phase_empirical")
def phase_empirical_speed() -> list[Record]:
    """The stacked ensemble against a plain loop over the same models (nonlinear mode, the default, and linear),
    then the default `scripts/phase_empirical.py` run end to end (16 x 16 cells x 2 panels x 3 seeds x CA + CP)."""
    from alignpredict.phase_empirical.run import run

    records = stacked_vs_loop("nonlinear") + stacked_vs_loop("linear")
    with tempfile.TemporaryDirectory() as out:
        start, cpu = time.perf_counter(), time.process_time()
        summary = run(phase_empirical_config([f"out_dir={out}"]))
        run_seconds, run_cpu = time.perf_counter() - start, time.process_time() - cpu
    records.append(
        {
            "metric": "python scripts/phase_empirical.py, default config (all outputs)",
            "value": round(run_seconds, 1),
            "unit": "s",
            "target": "< 600 on 2 cores",
            "notes": f"{summary['models']} models (16 x 16 cells x 2 panels x 3 seeds x CA + CP, nonlinear); "
            f"CPU {run_cpu:.1f} s",
        }
    )
    return records


def machine() -> dict[str, Any]:
    """What the numbers were measured on; the load average matters on a shared machine."""
    import torch

    return {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpu_count": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "numpy": np.__version__,
        "load_average_1min": round(os.getloadavg()[0], 2),
    }


def render_markdown(results: dict[str, Any]) -> str:
    lines = ["# Benchmarks", "", "Written by `python scripts/bench.py NAME`; do not edit by hand.", ""]
    for name, entry in sorted(results.items()):
        info = entry["machine"]
        lines += [
            f"## {name}",
            "",
            f"Measured {entry['measured_at']} on {info['cpu_count']} CPU cores ({info['platform']}, Python "
            f"{info['python']}, torch threads {info['torch_threads']}, "
            f"1-min load average {info['load_average_1min']}).",
            "",
            "| metric | value | unit | target | notes |",
            "|---|---|---|---|---|",
        ]
        lines += [
            f"| {r['metric']} | {r['value']} | {r['unit']} | {r['target']} | {r['notes']} |" for r in entry["records"]
        ]
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help=f"benchmarks to run: {', '.join(sorted(BENCHMARKS))}")
    parser.add_argument("--list", action="store_true", help="list the benchmark names and exit")
    args = parser.parse_args()
    if args.list:
        print("\n".join(sorted(BENCHMARKS)))
        return
    unknown = [name for name in args.names if name not in BENCHMARKS]
    if unknown or not args.names:
        parser.error(f"choose benchmarks from {sorted(BENCHMARKS)}; got {args.names}")
    results = json.loads(RESULTS_JSON.read_text()) if RESULTS_JSON.exists() else {}
    for name in args.names:
        info = machine()
        records = BENCHMARKS[name]()
        results[name] = {
            "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "machine": info,
            "records": records,
        }
        for record in records:
            print(f"{name}: {record['metric']}: {record['value']} {record['unit']} (target {record['target']})")
    write_json(RESULTS_JSON, results)
    write_text(RESULTS_MD, render_markdown(results))


if __name__ == "__main__":
    main()
