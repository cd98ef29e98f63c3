"""The training order: epoch e of a run with seed s visits the items in a permutation that is a pure function
of (s, e). A resumed run (or a requeued SLURM job) therefore sees exactly the order the uninterrupted run
would have seen, since Lightning tells the sampler which epoch it is (`set_epoch`) from the restored loop
state, instead of replaying epoch 0's order from a freshly seeded generator.
"""

from __future__ import annotations

from collections.abc import Iterator

import torch
from torch.utils.data import Sampler

from alignpredict.data.counter_rng import item_keys

_STREAM_ORDER = 0x0DE5


def epoch_permutation(n: int, seed: int, epoch: int) -> torch.Tensor:
    """A permutation of range(n), the same for the same (n, seed, epoch) on every machine."""
    key = int(item_keys(seed, torch.tensor([epoch], dtype=torch.int64), _STREAM_ORDER)[0]) & 0x7FFFFFFFFFFFFFFF
    return torch.randperm(n, generator=torch.Generator().manual_seed(key))


class EpochShuffle(Sampler[int]):
    """Positions 0..n-1 in `epoch_permutation(n, seed, epoch)` order; the epoch is set by the trainer."""

    def __init__(self, n: int, seed: int) -> None:
        self.n, self.seed, self.epoch = int(n), int(seed), 0

    def set_epoch(self, epoch: int) -> None:
        self.epoch = int(epoch)

    def __len__(self) -> int:
        return self.n

    def __iter__(self) -> Iterator[int]:
        return iter(epoch_permutation(self.n, self.seed, self.epoch).tolist())
