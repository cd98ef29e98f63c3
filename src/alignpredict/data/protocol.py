"""The contract between a paired dataset and the training stack (train.run, the probes, the embeddings).

A datamodule is a LightningDataModule that also implements `PairedDataModule`. After `setup("fit")`:

* `modalities`: what x and y are (`Modality`: per-item shape, dense values or token ids, a short name);
* `num_classes`: classes of the batch's "label" (0 when the label is continuous, e.g. astro log g);
* `iterate(split, device, batch_size)`: a deterministic, unshuffled pass over one of `splits.SPLITS`,
  yielding dict batches on `device` with at least "x", "y" and "label" (plus any per-item extras, e.g. "pos");
* `split_size(split)`: items in a split;
* `name`: the data source ("dsprites", "synthetic", "astro_kepler", ...), used to group runs;
* `knobs()`: the settings that tell this run apart within a sweep (stereo: jitter and noise), for run names
  and metrics; nothing else of the data's is stamped on a run;
* `describe()`: flat facts about the data for metrics.json (sizes, measured statistics, sources).

Training batches come from the Lightning hooks (`train_dataloader`, `val_dataloader`,
`on_after_batch_transfer`) and have the same keys as `iterate`'s.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Literal

import pytorch_lightning as pl
import torch

from alignpredict.data.splits import SPLITS

Batch = dict[str, torch.Tensor]
ValueKind = Literal["dense", "tokens"]
MODALITIES: tuple[str, str] = ("x", "y")


@dataclass(frozen=True)
class Modality:
    """One side of a pair: per-item shape, "dense" values (images, feature vectors) or "tokens" (padded ids)."""

    shape: tuple[int, ...]
    kind: ValueKind = "dense"
    short_name: str = ""
    vocab_size: int | None = None
    pad_id: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in ("dense", "tokens"):
            raise ValueError(f"modality kind must be 'dense' or 'tokens', got {self.kind!r}")
        if self.kind == "tokens" and (self.vocab_size is None or self.pad_id is None):
            raise ValueError("a token modality needs its vocab_size and pad_id")

    def token_facts(self) -> dict[str, int]:
        """vocab_size and pad_id for the nets that read or write this modality's tokens (empty if dense)."""
        if self.kind != "tokens":
            return {}
        return {"vocab_size": int(self.vocab_size), "pad_id": int(self.pad_id)}  # type: ignore[arg-type]


class PairedDataModule(pl.LightningDataModule):
    """Base class of every datamodule the training stack accepts; subclasses provide the parts below."""

    name: str
    modalities: Mapping[str, Modality]  # {"x": ..., "y": ...}, known after setup (an attribute or a property)
    num_classes: int  # known after setup
    class_names: tuple[str, ...] | None = None  # what the class ids are, for figure keys (None: "class <id>")

    def iterate(self, split: str, device: torch.device | str, batch_size: int | None = None) -> Iterator[Batch]:
        raise NotImplementedError(f"{type(self).__name__} must implement iterate(split, device, batch_size)")

    def split_size(self, split: str) -> int:
        raise NotImplementedError(f"{type(self).__name__} must implement split_size(split)")

    def describe(self) -> dict[str, float | int | str]:
        raise NotImplementedError(f"{type(self).__name__} must implement describe()")

    def knobs(self) -> dict[str, float | int | str]:
        """The sweep settings of this data (none by default)."""
        return {}

    def run_label(self) -> str:
        """The knobs in a short form for run names, e.g. "jit0.2-noise0.5"."""
        return "-".join(f"{key}{value}" for key, value in self.knobs().items())


def check_datamodule(datamodule: object) -> PairedDataModule:
    """The datamodule itself if it implements the protocol (after setup), else an error naming what it lacks."""
    if not isinstance(datamodule, PairedDataModule):
        raise TypeError(
            f"{type(datamodule).__name__} does not implement alignpredict.data.protocol.PairedDataModule; "
            "a data config's _target_ must be a subclass of it"
        )
    missing = [part for part in ("name", "modalities", "num_classes") if getattr(datamodule, part, None) is None]
    if missing:
        raise TypeError(f"{type(datamodule).__name__} lacks {missing} after setup(); see alignpredict.data.protocol")
    modalities = datamodule.modalities
    if set(modalities) != set(MODALITIES) or not all(isinstance(m, Modality) for m in modalities.values()):
        raise TypeError(f"{type(datamodule).__name__}.modalities must map 'x' and 'y' to Modality objects")
    empty = [split for split in SPLITS if datamodule.split_size(split) < 1]
    if empty:
        raise ValueError(f"{type(datamodule).__name__} serves empty splits {empty}; raise n_samples or their fractions")
    return datamodule
