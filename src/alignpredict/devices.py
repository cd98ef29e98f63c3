"""The device a job trains on, and the CPU fast path (`cpu_fast.*` in conf/train.yaml).

On a CPU the stereo runs are bound by convolutions (backward ~50 % of a step) and, to a smaller part, by
generating the pairs. The fast path keeps the science and changes only how it is computed:
- `precompute`: the datamodule renders every pair once at setup (pairs are a pure function of the index,
  so the values are the same as on-the-fly generation) and serves batches by indexing;
- `channels_last`: conv weights and image batches in NHWC, the layout oneDNN prefers;
- `bf16`: autocast to bfloat16 where the CPU computes it natively (AVX512-BF16 / AMX), `auto` = only there;
- `threads`: torch threads per job, so that parallel jobs of a sweep do not oversubscribe the cores.
On a GPU none of this applies (`tf32` is the GPU's switch).
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass

import torch
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig

log = logging.getLogger(__name__)


def cpu_has_native_bf16() -> bool:
    """True where the CPU has bfloat16 arithmetic (AVX512-BF16 or AMX): there bf16 autocast is a speedup."""
    try:
        flags = open("/proc/cpuinfo").read()
    except OSError:
        return False
    return any(flag in flags for flag in (" avx512_bf16", " amx_bf16"))


def trains_on_cpu(cfg: DictConfig) -> bool:
    """Whether this job's trainer ends up on the CPU (accelerator cpu, or auto without a visible GPU)."""
    accelerator = str(cfg.trainer.get("accelerator", "auto"))
    return accelerator == "cpu" or (accelerator == "auto" and not torch.cuda.is_available())


def parallel_jobs() -> int:
    """How many jobs of this sweep run at once on this machine (joblib's n_jobs; 1 outside a local multirun)."""
    if not HydraConfig.initialized():
        return 1
    launcher = HydraConfig.get().launcher
    n_jobs = launcher.get("n_jobs") if launcher is not None else None
    return int(n_jobs) if isinstance(n_jobs, int) and n_jobs > 0 else 1


@dataclass(frozen=True)
class CpuPath:
    """What the CPU fast path turned on for this job (all False / None on a GPU or with cpu_fast.enabled=false)."""

    precompute: bool = False
    channels_last: bool = False
    bf16: bool = False
    threads: int | None = None

    def describe(self) -> dict[str, int]:
        return {
            "cpu_fast_precompute": int(self.precompute),
            "cpu_fast_channels_last": int(self.channels_last),
            "cpu_fast_bf16": int(self.bf16),
            "torch_threads": torch.get_num_threads(),
        }


def cpu_path(cfg: DictConfig) -> CpuPath:
    """Resolve `cpu_fast` for this job: `enabled: auto` turns the path on exactly when training runs on the CPU."""
    fast = cfg.cpu_fast
    enabled = trains_on_cpu(cfg) if fast.enabled == "auto" else bool(fast.enabled) and trains_on_cpu(cfg)
    if not enabled:
        return CpuPath()
    bf16 = cpu_has_native_bf16() if fast.bf16 == "auto" else bool(fast.bf16)
    threads = fast.threads
    if threads is None:  # share the cores between the jobs that run at once
        threads = max(1, (os.cpu_count() or 1) // parallel_jobs())
    return CpuPath(precompute=bool(fast.precompute), channels_last=bool(fast.channels_last), bf16=bf16, threads=threads)


def apply_cpu_path(path: CpuPath) -> None:
    """Process-wide parts of the path: the thread count (the rest is applied by the trainer, module and data)."""
    if path.threads is not None:
        torch.set_num_threads(path.threads)


def trainer_precision(path: CpuPath, configured: object) -> object:
    """Lightning's precision for this job: bf16 autocast on the fast CPU path, else what the trainer config says."""
    return "bf16-mixed" if path.bf16 else configured
