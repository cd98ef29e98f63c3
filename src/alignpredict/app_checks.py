"""The settings each command-line app accepts, checked before it imports torch (see settings_check.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig, OmegaConf

from alignpredict.settings_check import (
    SettingError,
    check_known,
    check_rules,
    choice,
    existing_file,
    integer,
    list_of,
    number,
    optional,
)

CONF_DIR = Path(__file__).resolve().parents[2] / "conf"
TRAIN_GROUPS = ("data", "model", "nets", "optimizer", "scheduler", "trainer", "logger")
STEREO_KNOBS = ("jitter", "noise")
POSITIVE = number(0, low_open=True)
NONNEGATIVE = number(0)
BOOLEAN = choice(True, False)


def existing_folder(value: object) -> str | None:
    if isinstance(value, str) and Path(value).is_file():
        return "must be an existing folder (it is a file)"
    return None if isinstance(value, str) and Path(value).is_dir() else "must be an existing folder (not found)"


def check_nothing(cfg: DictConfig) -> None:
    """Apps whose settings are all checked by the code they run."""


def check_sweep_reader(cfg: DictConfig) -> None:
    """plot.py, plot_captions.py, astro_table.py: a sweep folder to read."""
    check_rules(cfg, {"sweep_dir": existing_folder})


def check_astro_ceilings(cfg: DictConfig) -> None:
    if not cfg.feature_dir:
        raise SettingError("feature_dir is required: python scripts/astro_ceilings.py feature_dir=<cache folder>")
    check_rules(cfg, {"feature_dir": existing_folder, "photometry": choice("kepler", "tess"), "seed": integer(0)})


def checkpoint(value: object) -> str | None:
    if value in (None, "last", "auto"):
        return None
    problem = existing_file(value)
    return None if problem is None else f"must be last, auto, null or an existing .ckpt file ({problem[5:]})"


TRAIN_RULES = {
    "seed": integer(0, 2**63 - 1),
    "lr": POSITIVE,
    "max_epochs": integer(1),
    "batch_size": integer(1),
    "n_samples": optional(integer(1)),
    "jitter": NONNEGATIVE,
    "noise": number(0, 1),
    "ckpt_path": checkpoint,
    "spread_jobs_over_gpus": choice("auto", True, False),
    "probe.methods": list_of(choice("logistic", "paper", "astro")),
    "probe.weights": choice("best", "last"),
    "probe.curve_every": integer(0),
    "data.resolution": choice(32, 64),
    "cpu_fast.enabled": choice("auto", True, False),
    "cpu_fast.precompute": BOOLEAN,
    "cpu_fast.channels_last": BOOLEAN,
    "cpu_fast.bf16": choice("auto", True, False),
    "cpu_fast.threads": optional(integer(1)),
    "tf32": BOOLEAN,
    "checkpoints.keep": choice("none", "best", "last", "all"),
    "probe.inverse_l2_grid": list_of(POSITIVE),
    "probe.max_iter": integer(1),
    "probe.batch_size": integer(1),
    "probe.paper_sizes": list_of(integer(1)),
    "probe.paper_steps": integer(1),
    "probe.paper_lr": POSITIVE,
    "embedding.enabled": BOOLEAN,
    "embedding.max_points": integer(2),
    "embedding.n_neighbors": integer(2),
    "embedding.min_dist": NONNEGATIVE,
    "callbacks.early_stopping.patience": integer(0),
    "trainer.accelerator": choice("auto", "cpu", "gpu", "cuda", "mps"),
}

GAMMA = NONNEGATIVE
THEORY_RULES = {
    "phase_diagram.kappa_max": POSITIVE,
    "phase_diagram.nu_max": number(0, 1, low_open=True),
    "phase_diagram.image_resolution": integer(2),
    "phase_diagram.csv_resolution": integer(2),
    "phase_diagram.gamma_tilde_x": POSITIVE,
    "phase_diagram.panels.*.gamma_x": GAMMA,
    "phase_diagram.panels.*.gamma_y": GAMMA,
    "phase_diagram.panels.*.gamma_tilde_y": POSITIVE,
    "phase_diagram.figure.width": POSITIVE,
    "phase_diagram.figure.height": POSITIVE,
    "phase_diagram.figure.dpi": integer(10),
    "gif.enabled": BOOLEAN,
    "gif.frames": integer(2),
    "gif.hold": integer(1),
    "gif.fps": POSITIVE,
    "gif.resolution": integer(2),
    "gif.dpi": integer(10),
    "gif.*.start": POSITIVE,
    "gif.*.turn": POSITIVE,
    "validation.enabled": BOOLEAN,
    "validation.seeds": integer(1),
    "validation.n": integer(10),
    "validation.*.n_values": list_of(integer(10)),
    "validation.*.nu_max": number(0, 1),
    "validation.*.nu_points": integer(2),
    "validation.*.n_test": integer(10),
    "validation.*.lam_points": integer(1),
    "validation.e7.seeds": integer(1),
    "validation.e7.points": integer(2),
    "validation.e7.kappa_max": POSITIVE,
    "validation.e7.decays": list_of(number(0, 1, low_open=True)),
    "validation.*.model.d": integer(2),
    "validation.*.model.k": integer(1),
    "infonce.enabled": BOOLEAN,
    "infonce.seeds": integer(1),
    "infonce.n": integer(10),
    "infonce.nu_max": number(0, 1),
    "infonce.nu_points": integer(2),
    "infonce.taus": list_of(POSITIVE),
    "infonce.batch_size": integer(2),
    "infonce.learning_rate": POSITIVE,
    "infonce.max_steps": integer(1),
    "infonce.patience_window": integer(1),
    "infonce.threads": integer(1),
    "explorer.enabled": BOOLEAN,
    "explorer.report": optional(existing_file),
    "explorer.empirical_csv": optional(existing_file),
}


def _command_line() -> list[str]:
    """The overrides this run was started with (empty outside a Hydra app)."""
    return list(HydraConfig.get().overrides.task) if HydraConfig.initialized() else []


def _gpu_visible() -> bool:
    """An NVIDIA device or driver tool is present (the torch check comes later, once torch is imported)."""
    return any(Path(p).exists() for p in ("/dev/nvidiactl", "/dev/nvidia0")) or shutil.which("nvidia-smi") is not None


def _app_keys(app: str) -> set[str]:
    """The top-level settings conf/<app>.yaml defines (a `+name=...` outside them is a typo, not a setting)."""
    base = OmegaConf.load(CONF_DIR / f"{app}.yaml")
    return {str(key) for key in base if key not in ("defaults", "hydra")}


def _given_keys(cfg: DictConfig) -> list[str]:
    return [str(key) for key in cfg if key != "hydra"]


def check_train(cfg: DictConfig) -> None:
    """scripts/train.py: names, numbers, files and devices, before torch loads."""
    check_known(_given_keys(cfg), _app_keys("train") | set(TRAIN_GROUPS))
    for rule_key in ("jitter", "noise", "lr", "seed", "n_samples", "batch_size", "max_epochs"):
        if rule_key in cfg and OmegaConf.is_missing(cfg, rule_key):
            raise SettingError(f"{rule_key} has no value; set {rule_key}=...")
    check_rules(cfg, TRAIN_RULES)
    stereo = str(cfg.data.get("_target_", "")).endswith("StereoDataModule")
    given = {override.split("=", 1)[0].lstrip("+~") for override in _command_line()}
    knobs = sorted(given & set(STEREO_KNOBS))
    if not stereo and knobs:
        raise SettingError(
            f"{' and '.join(knobs)} {'is a knob' if len(knobs) == 1 else 'are knobs'} of the stereo data "
            f"(data=dsprites|shapes3d); this data ({cfg.data.get('_target_')}) has none, so drop "
            f"{'it' if len(knobs) == 1 else 'them'}"
        )
    if cfg.ckpt_path == "last" and not list(Path(str(cfg.out_dir), "checkpoints").glob("*.ckpt")):
        raise SettingError(
            f"ckpt_path=last but {Path(str(cfg.out_dir), 'checkpoints')} holds no checkpoint to resume; resume in "
            "the run's own folder with hydra.run.dir=<that run folder> ckpt_path=last (or drop ckpt_path)"
        )
    wants_gpu = cfg.trainer.get("accelerator") in ("gpu", "cuda") or cfg.get("spread_jobs_over_gpus") is True
    if wants_gpu and not _gpu_visible():
        raise SettingError(
            "a GPU is asked for (trainer=gpu, accelerator=gpu or launcher=joblib's GPU spreading) but none is visible "
            "here; use trainer=cpu (or trainer=default to let Lightning choose)"
        )


def check_theory(cfg: DictConfig) -> None:
    """scripts/theory.py: every size, range and switch, before anything is written."""
    check_known(_given_keys(cfg), _app_keys("theory"))
    check_rules(cfg, THEORY_RULES)
    for name, panel in cfg.phase_diagram.panels.items():
        if not isinstance(panel.get("title", ""), str):
            raise SettingError(f"phase_diagram.panels.{name}.title must be a string")


DIAGNOSE_RULES = {
    "csv_header": choice(None, True, False),
    "figure": BOOLEAN,
    "explorer": BOOLEAN,
    "views": optional(list_of(existing_file, min_length=2)),
    "truth": optional(existing_file),
    "label_rows": optional(existing_file),
    "x_key": optional(lambda value: None if isinstance(value, str) else "must be the name of an array in the .npz"),
}


def check_diagnose(cfg: DictConfig) -> None:
    """scripts/diagnose.py: the input files exist and every diagnostic setting is valid, before any array loads."""
    from alignpredict.diagnose.settings import DiagnoseSettings  # plain dataclass: no heavy import

    check_known(_given_keys(cfg), _app_keys("diagnose"))
    DiagnoseSettings.from_mapping(OmegaConf.to_container(cfg.settings, resolve=True))
    check_rules(cfg, DIAGNOSE_RULES)
    needed = ["labels"] + ([] if cfg.views else ["x", "y"])
    for name in needed:
        if cfg[name] is None:
            raise SettingError(f"{name} is required: pass {name}=PATH on the command line")
    files = [name for name in needed if not (name == "labels" and str(cfg.labels).lower() == "none")]
    check_rules(cfg, {name: existing_file for name in files})


PHASE_EMPIRICAL_OBJECTIVES = ("ca", "infonce", "cp", "cp_rev")
PHASE_EMPIRICAL_RULES = {
    "mode": choice("linear", "nonlinear"),
    "objectives": list_of(choice(*PHASE_EMPIRICAL_OBJECTIVES)),
    "seeds": list_of(integer(0, 2**32 - 1)),
    "grid.resolution": integer(2),
    "grid.kappa_max": POSITIVE,
    "grid.nu_max": number(0, 1, low_open=True),
    "gamma_tilde_x": POSITIVE,
    "panels.*.gamma_x": POSITIVE,
    "panels.*.gamma_y": POSITIVE,
    "panels.*.gamma_tilde_y": POSITIVE,
    "d": integer(2),
    "k": integer(1),
    "n": integer(10),
    "n_eval": integer(10),
    "cv_folds": integer(2),
    "epochs": integer(1),
    "batch_size": integer(2),
    "lr": POSITIVE,
    "train_seed": integer(0),
    "net.hidden": integer(1),
    "net.activation": choice("silu", "relu", "tanh"),
    "nonlinear.gain": POSITIVE,
    "nonlinear.width_factor": integer(2),
    "nonlinear.seed": integer(0),
    "success_threshold": number(0, 1, low_open=True),
    "margin": number(0, 1),
    "sets_per_chunk": integer(1),
    "whiten_inputs": BOOLEAN,
    "threads": integer(1),
    "figure.dpi": integer(10),
}


def check_phase_empirical(cfg: DictConfig) -> None:
    """scripts/phase_empirical.py: the grid, the model sizes and the training, before torch loads."""
    check_known(_given_keys(cfg), _app_keys("phase_empirical"))
    check_rules(cfg, PHASE_EMPIRICAL_RULES)
    if cfg.k >= cfg.d:
        raise SettingError(
            f"k={cfg.k} must be < d={cfg.d} (the spiked model needs nuisance dimensions): lower k or raise d"
        )
    if cfg.batch_size > cfg.n:
        raise SettingError(f"batch_size={cfg.batch_size} is larger than n={cfg.n} training pairs: lower it or raise n")
    if cfg.n_eval < 2 * cfg.cv_folds:
        raise SettingError(f"n_eval={cfg.n_eval} is too few held-out rows for cv_folds={cfg.cv_folds}")
    if len(set(cfg.objectives)) != len(cfg.objectives):
        raise SettingError(f"objectives lists one twice: {list(cfg.objectives)}")
