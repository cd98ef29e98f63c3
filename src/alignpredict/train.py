"""One training job: config -> datamodule + module -> Trainer -> best checkpoint -> probe (+ UMAP) -> metrics.json.

`run(cfg)` is what `scripts/train.py` calls under Hydra and what tests call through `hydra.compose`
(with an explicit `out_dir`). It is safe inside a multirun: it seeds itself, logs to a W&B run of its
own and always closes it, and writes its files atomically into its own run folder.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytorch_lightning as pl
import torch
from hydra.core.hydra_config import HydraConfig
from hydra.utils import instantiate
from omegaconf import DictConfig, OmegaConf

from alignpredict.checkpoints import kept_best, prune_checkpoints
from alignpredict.data.protocol import Modality, PairedDataModule, check_datamodule
from alignpredict.devices import CpuPath, apply_cpu_path, cpu_path, trainer_precision
from alignpredict.evaluation.aggregate import METRICS_FILE
from alignpredict.evaluation.astro_probe import astro_probe_metrics
from alignpredict.evaluation.class_probes import CLASS_PROBES, ProbeCurve, class_probe_metrics, probe_splits
from alignpredict.evaluation.embedding import embed_umap
from alignpredict.objectives.base import Objective
from alignpredict.objectives.module import CrossModalModule
from alignpredict.resume import CHECKPOINT_DIR, AtomicCheckpointIO, RandomStates, resume_checkpoint
from alignpredict.sweeps import sweep_id
from alignpredict.utils.io import remove_partial_files, write_json, write_text

PROBE_METHODS = (*CLASS_PROBES, "astro")  # astro: multi-task regression + binarity probes (alone)
WANDB_LOGGER = "pytorch_lightning.loggers.WandbLogger"
log = logging.getLogger(__name__)


class FitThroughput(pl.Callback):
    """Training items per second in this session: over the whole fit loop (validation included), and in steady
    state (from one training batch's end to the next within an epoch, after the first `warmup` batches)."""

    def __init__(self, warmup: int = 5) -> None:
        self.warmup = warmup
        self.items = self.batches = self.steady_items = 0
        self.started = self.seconds = self.steady_seconds = 0.0
        self.last_end: float | None = None

    def on_train_start(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        self.started = time.perf_counter()

    def on_train_epoch_start(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        self.last_end = None  # the gap across an epoch boundary holds validation and checkpointing

    def on_train_batch_end(
        self, trainer: pl.Trainer, pl_module: pl.LightningModule, outputs: Any, batch: Any, batch_idx: int
    ) -> None:
        now, items = time.perf_counter(), int(batch["label"].shape[0])
        self.items += items
        self.batches += 1
        if self.last_end is not None and self.batches > self.warmup:
            self.steady_items += items
            self.steady_seconds += now - self.last_end
        self.last_end = now

    def on_train_end(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        self.seconds = time.perf_counter() - self.started

    def rates(self) -> dict[str, float | None]:
        return {
            "fit_seconds": self.seconds,
            "fit_samples_per_second": self.items / self.seconds if self.seconds else None,
            "train_samples_per_second": self.steady_items / self.steady_seconds if self.steady_seconds else None,
        }


def job_devices(cfg: DictConfig) -> Any:
    """With `spread_jobs_over_gpus` (true, or auto when GPUs are visible), job k of a sweep gets GPU k mod n;
    else the trainer config decides.

    Jobs select their GPU through Trainer(devices=[k]) rather than CUDA_VISIBLE_DEVICES because joblib's
    loky workers are reused: once CUDA is initialised in a worker, a later change of the variable is ignored.
    """
    if cfg.spread_jobs_over_gpus is False:
        return cfg.trainer.devices
    n_gpus = torch.cuda.device_count()
    if n_gpus == 0 and cfg.spread_jobs_over_gpus == "auto":
        return cfg.trainer.devices
    if n_gpus == 0:
        raise ValueError(
            "spread_jobs_over_gpus=true but no GPU is visible; use launcher=joblib on a GPU machine "
            "or set spread_jobs_over_gpus=false"
        )
    job_num = HydraConfig.get().job.num if HydraConfig.initialized() else 0
    return [int(job_num) % n_gpus]


def run_name(objective: Objective, datamodule: PairedDataModule, seed: int) -> str:
    """ "<objective>-<the data's knobs>-s<seed>", e.g. "ca-jit0.2-noise0.5-s0" (astro: "cp-kepler-logg-s1")."""
    return "-".join(part for part in (objective.name, datamodule.run_label(), f"s{seed}") if part)


def build_logger(cfg: DictConfig, out_dir: Path, run_sweep_id: str, name: str) -> Any:
    """The configured Lightning logger or False; a W&B logger gets the sweep as group and the run's name."""
    logger_cfg = cfg.get("logger")
    if not logger_cfg or "_target_" not in logger_cfg:
        return False
    extra: dict[str, Any] = {"save_dir": str(out_dir)}
    if logger_cfg._target_ == WANDB_LOGGER:
        extra["group"] = logger_cfg.group or run_sweep_id
        extra["name"] = logger_cfg.name or name
    logger = instantiate(logger_cfg, **extra)
    if logger_cfg._target_ == WANDB_LOGGER:
        logger._wandb_init.pop("anonymous", None)  # Lightning passes None, which W&B answers with a warning per job
    logger.log_hyperparams(OmegaConf.to_container(cfg, resolve=True))
    return logger


def finish_wandb() -> None:
    """Close the active W&B run, if any, so the next job of a multirun starts its own."""
    import wandb

    if wandb.run is not None:
        wandb.finish()


def restore_best(module: pl.LightningModule, trainer: pl.Trainer) -> None:
    """Load the best-val-loss weights (early stopping may have stopped after a worse epoch)."""
    best_path = trainer.checkpoint_callback.best_model_path if trainer.checkpoint_callback else ""
    if best_path and not Path(best_path).is_file():  # pruned by an earlier session (checkpoints.keep=last)
        log.warning("the best checkpoint %s is gone (checkpoints.keep); probing the last weights", best_path)
    elif best_path:
        checkpoint = torch.load(best_path, map_location="cpu", weights_only=False)
        module.load_state_dict(checkpoint["state_dict"])


def use_device_defaults(cfg: DictConfig) -> None:
    """TF32 matmuls and convolutions on GPUs that have them (`tf32`), and a word when auto falls back to the CPU."""
    if torch.cuda.is_available():
        torch.backends.cuda.matmul.allow_tf32 = bool(cfg.tf32)
        torch.backends.cudnn.allow_tf32 = bool(cfg.tf32)
    elif cfg.trainer.get("accelerator") == "auto":
        log.info("accelerator=auto: no GPU is visible, training on the CPU (trainer=gpu requires one)")


def fit(
    cfg: DictConfig,
    module: pl.LightningModule,
    datamodule: pl.LightningDataModule,
    logger: Any,
    resume: Path | None,
    path: CpuPath,
    extra_callbacks: list[pl.Callback],
) -> tuple[pl.Trainer, FitThroughput]:
    """Train (resuming from `resume` when given); with probe.weights=best, load the best-val-loss weights back."""
    throughput = FitThroughput()
    configured = [instantiate(callback) for callback in cfg.callbacks.values() if callback]  # null: switched off
    callbacks = configured + [throughput, RandomStates()]
    trainer = instantiate(
        cfg.trainer,
        callbacks=callbacks + extra_callbacks,
        logger=logger,
        devices=job_devices(cfg),
        plugins=[AtomicCheckpointIO()],
        precision=trainer_precision(path, cfg.trainer.get("precision", "32-true")),
    )
    trainer.fit(module, datamodule=datamodule, ckpt_path=None if resume is None else str(resume))
    if cfg.probe.weights == "best":
        restore_best(module, trainer)
    module.to(trainer.strategy.root_device)
    return trainer, throughput


def run_record(
    cfg: DictConfig,
    trainer: pl.Trainer,
    throughput: FitThroughput,
    module: CrossModalModule,
    datamodule: PairedDataModule,
    run_sweep_id: str,
) -> dict[str, Any]:
    """The flat facts of one run for metrics.json: the data's facts and knobs, the objective's description,
    the training settings and outcome, throughput."""
    best = trainer.checkpoint_callback
    modalities = datamodule.modalities
    return {
        **datamodule.describe(),
        **datamodule.knobs(),
        **module.objective.describe(),
        "sweep_id": run_sweep_id,
        "data": datamodule.name,
        "x_name": modalities["x"].short_name,
        "y_name": modalities["y"].short_name,
        "seed": cfg.seed,
        "batch_size": cfg.batch_size,
        "max_epochs": cfg.max_epochs,
        "lr": cfg.lr,
        "epochs_trained": trainer.current_epoch,
        "global_step": trainer.global_step,
        "best_val_loss": None if best is None or best.best_model_score is None else float(best.best_model_score),
        "best_checkpoint": "" if best is None else best.best_model_path,
        **throughput.rates(),
        "device": str(trainer.strategy.root_device),
        "probe_weights": cfg.probe.weights,
    }


def build_module(
    cfg: DictConfig, modalities: Mapping[str, Modality], num_classes: int, channels_last: bool = False
) -> CrossModalModule:
    """The objective from `model`, its nets from `nets` for these modalities, the optimizer and scheduler."""
    scheduler = cfg.get("scheduler")
    images = all(len(modality.shape) == 3 and modality.kind == "dense" for modality in modalities.values())
    return CrossModalModule(
        objective=instantiate(cfg.model),
        nets=cfg.nets,
        modalities=modalities,
        num_classes=num_classes,
        optimizer=instantiate(cfg.optimizer),
        scheduler=instantiate(scheduler) if scheduler else None,
        channels_last=channels_last and images,
    )


def check_probe_methods(methods: Any) -> list[str]:
    """probe.methods: class probes (logistic, paper) in any order, or astro alone."""
    methods = list(methods)
    unknown = [method for method in methods if method not in PROBE_METHODS]
    if not methods or unknown:
        raise ValueError(f"probe.methods must be a non-empty list of {', '.join(PROBE_METHODS)}, got {methods}")
    if "astro" in methods and methods != ["astro"]:
        raise ValueError(f"probe.methods=[astro] is the astro probe alone; got {methods}")
    return methods


def run(cfg: DictConfig) -> dict[str, Any]:
    """Train, restore the best checkpoint, probe, embed; write metrics.json and config.yaml; return the metrics."""
    if cfg.seed is None:
        raise ValueError("seed must be an integer (0 is fine); got null")
    astro = check_probe_methods(cfg.probe.methods) == ["astro"]
    out_dir = Path(cfg.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / METRICS_FILE).unlink(missing_ok=True)  # a run that fails must not leave an older run's result
    for folder in (out_dir, out_dir / CHECKPOINT_DIR):
        remove_partial_files(folder)  # writes a killed run left half done
    resume = resume_checkpoint(cfg.ckpt_path, out_dir)
    run_sweep_id = sweep_id(cfg.sweep_id, out_dir)
    use_device_defaults(cfg)
    path = cpu_path(cfg)
    apply_cpu_path(path)
    resolved = OmegaConf.to_yaml(cfg, resolve=True)
    pl.seed_everything(int(cfg.seed), workers=True)
    datamodule = instantiate(cfg.data, **({"precompute": path.precompute} if "precompute" in cfg.data else {}))
    datamodule.setup("fit")  # class count and caption vocabulary are known only once the data is built
    check_datamodule(datamodule)
    module = build_module(cfg, datamodule.modalities, datamodule.num_classes, path.channels_last)
    name = run_name(module.objective, datamodule, int(cfg.seed))

    def probe(current: pl.LightningModule) -> dict[str, Any]:
        splits = probe_splits(current, datamodule, cfg.probe.batch_size)
        return class_probe_metrics(cfg.probe, splits, datamodule.num_classes, int(cfg.seed))

    curve = [ProbeCurve(int(cfg.probe.curve_every), out_dir, probe)] if cfg.probe.curve_every and not astro else []
    try:
        logger = build_logger(cfg, out_dir, run_sweep_id, name)
        trainer, throughput = fit(cfg, module, datamodule, logger, resume, path, curve)
        metrics = run_record(cfg, trainer, throughput, module, datamodule, run_sweep_id) | path.describe()
        if astro:  # several regression/class targets, the paper's astro representations
            metrics.update(
                astro_probe_metrics(
                    module,
                    datamodule,
                    list(cfg.probe.tasks),
                    cfg.probe.baselines,
                    cfg.probe.min_train_labels,
                    cfg.probe.min_test_labels,
                    cfg.probe.batch_size,
                    bool(cfg.probe.get("tuned", False)),
                )
            )
        else:
            splits = probe_splits(module, datamodule, cfg.probe.batch_size)
            metrics.update(class_probe_metrics(cfg.probe, splits, datamodule.num_classes, int(cfg.seed)))
        if cfg.embedding.enabled and not astro:
            embed_umap(
                splits["probe_test"],
                out_dir,
                seed=int(cfg.seed),
                max_points=cfg.embedding.max_points,
                n_neighbors=cfg.embedding.n_neighbors,
                min_dist=cfg.embedding.min_dist,
                title=name,
                class_names=datamodule.class_names,
            )
        if logger:
            logger.log_metrics(
                {
                    f"final/{key}": value
                    for key, value in metrics.items()
                    if isinstance(value, (int, float)) and not isinstance(value, bool)
                }
            )
        keep, best = cfg.checkpoints.keep, metrics["best_checkpoint"]
        metrics["best_checkpoint"] = kept_best(keep, best)
        write_text(out_dir / "config.yaml", resolved)
        write_json(out_dir / METRICS_FILE, metrics)
        prune_checkpoints(out_dir / CHECKPOINT_DIR, keep, best)  # only now: until here a killed run resumes
        return metrics
    finally:
        finish_wandb()
