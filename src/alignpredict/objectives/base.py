"""What an objective is: the one object the training stack, the probes and the figures ask about it.

An objective is built from `conf/model/<name>.yaml` (its `_target_` is a subclass of `Objective`; the file
name is its registered name, repeated as `name:`). It declares

* `family`: alignment (CA-like), prediction (CP-like), joint or supervised (the ceiling);
* `nets`: the nets it needs, by role (`NET_ROLES`); the module builds exactly these, in this order;
* `loss(nets, batch)`: named loss terms, the total under "loss";
* `probe_reads`: which representation the probe reads ("x" = enc_x(x), "y" = enc_y(y), "proj_x", "proj_y");
* `direction`: "x->y" or "y->x" for the objectives that predict one modality from the other, else None;
* its own hyperparameters (constructor arguments), and `drawing`: how figures draw it (label, colour,
  line style, marker).

`nets` is any mapping from role to a callable on tensors (a ModuleDict, or functional calls of stacked
parameters), so the same objective trains one model or a vmapped ensemble. A subclass that misses a
required part fails when it is constructed, with a message naming the part.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import torch

from alignpredict.data.protocol import Modality

FAMILIES: tuple[str, ...] = ("alignment", "prediction", "joint", "supervised")
NET_ROLES: tuple[str, ...] = ("enc_x", "enc_y", "proj_x", "proj_y", "dec_x", "dec_y", "head")
DIRECTIONS: tuple[str, ...] = ("x->y", "y->x")
Nets = Mapping[str, Callable[[torch.Tensor], torch.Tensor]]
Batch = Mapping[str, torch.Tensor]


class ObjectiveError(ValueError):
    """An objective that is incomplete or misconfigured; the message names the part and the fix."""


def required(method: Callable) -> Callable:
    """Mark a method a concrete objective must override (checked at construction)."""
    method.__required_part__ = True  # type: ignore[attr-defined]
    return method


@dataclass(frozen=True)
class Drawing:
    """How figures draw an objective: legend/table label, colour, line style and marker (matplotlib codes)."""

    label: str
    color: str = "#0072B2"
    linestyle: str = "-"
    marker: str = "o"


class Objective:
    """Base class of every training objective (see the module docstring for the contract)."""

    family: ClassVar[str] = ""
    nets: tuple[str, ...] = ()
    direction: str | None = None

    def __init__(
        self,
        name: str | None = None,
        drawing: Mapping[str, Any] | Drawing | None = None,
        probe_reads: str | None = None,
        gradient_clip_norm: float | None = None,
    ) -> None:
        cls = f"{type(self).__module__}.{type(self).__qualname__}"
        if not name:
            raise ObjectiveError(f"objective {cls} needs a `name` (the conf/model/<name>.yaml file name)")
        self.name = str(name)
        missing = sorted(
            attr for attr in dir(type(self)) if getattr(getattr(type(self), attr), "__required_part__", False)
        )
        if missing:
            raise ObjectiveError(
                f"objective {self.name!r} ({cls}) does not define {', '.join(missing)}: "
                f"override {' and '.join(f'{m}()' for m in missing)} in its class"
            )
        if self.family not in FAMILIES:
            raise ObjectiveError(f"objective {self.name!r} ({cls}) must set `family` to one of {FAMILIES}")
        unknown = [net for net in self.nets if net not in NET_ROLES]
        if not self.nets or unknown:
            raise ObjectiveError(
                f"objective {self.name!r} ({cls}) must list the nets it needs among {NET_ROLES}; got {self.nets}"
            )
        if self.direction not in (None, *DIRECTIONS):
            raise ObjectiveError(f"objective {self.name!r}: direction must be one of {DIRECTIONS} or None")
        if drawing is None:
            raise ObjectiveError(f"objective {self.name!r} needs `drawing` (at least a label) in its YAML")
        self.drawing = drawing if isinstance(drawing, Drawing) else Drawing(**dict(drawing))
        offered = self.offers()
        self.probe_reads = probe_reads or offered[0]
        if self.probe_reads not in offered:
            raise ObjectiveError(
                f"objective {self.name!r}: probe_reads={self.probe_reads!r} is not a representation it has; "
                f"choose one of {offered}"
            )
        if gradient_clip_norm is not None and not gradient_clip_norm > 0:
            raise ObjectiveError(f"objective {self.name!r}: gradient_clip_norm must be > 0 or null")
        self.gradient_clip_norm = gradient_clip_norm
        self.modalities: Mapping[str, Modality] = {}

    # ------------------------------------------------------------------ what it needs and offers
    def offers(self) -> tuple[str, ...]:
        """Representations this objective's nets provide: "x"/"y" (encoders), "proj_x"/"proj_y" (projections)."""
        names = [m for m in ("x", "y") if f"enc_{m}" in self.nets]
        names += [f"proj_{m}" for m in ("x", "y") if f"enc_{m}" in self.nets and f"proj_{m}" in self.nets]
        return tuple(names)

    def bind(self, modalities: Mapping[str, Modality]) -> None:
        """Learn what the two modalities are (shapes, dense or tokens), before the first loss."""
        self.modalities = modalities

    # ------------------------------------------------------------------ what it computes
    @required
    def loss(self, nets: Nets, batch: Batch) -> dict[str, torch.Tensor]:
        """Named loss terms of one batch; the total under "loss"."""
        raise NotImplementedError

    def represent(self, nets: Nets, batch: Batch, name: str) -> torch.Tensor:
        """One of `offers()`: an encoder's output, or a projection of it."""
        if name not in self.offers():
            raise ObjectiveError(f"objective {self.name!r} has no representation {name!r}; it has {self.offers()}")
        modality = name[-1]
        encoded = nets[f"enc_{modality}"](batch[modality])
        return nets[name](encoded) if name.startswith("proj_") else encoded

    def representation(self, nets: Nets, batch: Batch) -> torch.Tensor:
        """What the probe reads (`probe_reads`)."""
        return self.represent(nets, batch, self.probe_reads)

    def describe(self) -> dict[str, str]:
        """Flat facts for metrics.json, so figures and tables draw runs without a table of their own."""
        return {
            "objective": self.name,
            "objective_family": self.family,
            "objective_label": self.drawing.label,
            "objective_color": self.drawing.color,
            "objective_linestyle": self.drawing.linestyle,
            "objective_marker": self.drawing.marker,
            "direction": self.direction or "none",
            "probe_reads": self.probe_reads,
        }
