"""Train one small MLP model per (cell, seed) and objective, all at once.

Each model's parameters are stacked along a leading axis and its loss is the objective object's own
`loss(nets, batch)` (VICReg, InfoNCE, cross-prediction: the classes the image experiments train), evaluated for
every model at once with `torch.func.vmap`; the nets it is given are functional MLPs of one model's parameters.
One Adam steps all of them (Adam is elementwise, so this is the same as one optimiser per model). The same code
trains the models one after another (`stacked=False`), for the speed comparison in scripts/bench.py.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from hydra.utils import instantiate
from omegaconf import OmegaConf

from alignpredict.data.protocol import Modality
from alignpredict.objectives.base import Objective

CONF_MODEL = Path(__file__).resolve().parents[3] / "conf" / "model"
OBJECTIVES: tuple[str, ...] = ("ca", "infonce", "cp", "cp_rev")  # conf/model/<name>.yaml
Params = dict[str, dict[str, torch.Tensor]]  # role -> layer tensor name -> tensor


def build_objective(name: str, dim_x: int, dim_y: int) -> Objective:
    """The objective of conf/model/<name>.yaml, bound to feature-vector modalities of these sizes."""
    if name not in OBJECTIVES:
        raise ValueError(f"unknown objective {name!r}; choose from {list(OBJECTIVES)}")
    objective = instantiate(OmegaConf.load(CONF_MODEL / f"{name}.yaml"))
    objective.bind({"x": Modality(shape=(dim_x,)), "y": Modality(shape=(dim_y,))})
    return objective


def mlp_sizes(role: str, dims: Mapping[str, int], hidden: int, k: int) -> list[int] | None:
    """Layer sizes of a role's MLP (None: the identity, used for CA's projectors so VICReg / InfoNCE compare the
    k-dim codes themselves, as the linear theory's rank-k encoders do)."""
    kind, _, side = role.partition("_")
    if kind == "enc":
        return [dims[side], hidden, k]
    if kind == "dec":
        return [k, hidden, dims[side]]
    return None


def init_params(
    objective: Objective, model_seeds: Sequence[int], dims: Mapping[str, int], hidden: int, k: int
) -> Params:
    """PyTorch's default Linear init (uniform +-1/sqrt(fan_in)), one independent draw per model seed (so a model
    starts the same whatever else is stacked with it)."""
    draws: list[Params] = []
    for seed in model_seeds:
        generator = torch.Generator().manual_seed(int(seed))
        params: Params = {}
        for role in objective.nets:
            sizes = mlp_sizes(role, dims, hidden, k)
            if sizes is None:
                continue
            layers = {}
            for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
                bound = 1.0 / np.sqrt(fan_in)
                layers[f"w{i}"] = (torch.rand((fan_in, fan_out), generator=generator) * 2 - 1) * bound
                layers[f"b{i}"] = (torch.rand((fan_out,), generator=generator) * 2 - 1) * bound
            params[role] = layers
        draws.append(params)
    return {
        role: {name: torch.stack([draw[role][name] for draw in draws]).requires_grad_() for name in layers}
        for role, layers in draws[0].items()
    }


ACTIVATIONS: dict[str, Callable[[torch.Tensor], torch.Tensor]] = {"relu": F.relu, "silu": F.silu, "tanh": torch.tanh}


def mlp(layers: Mapping[str, torch.Tensor], inputs: torch.Tensor, activation: str) -> torch.Tensor:
    """inputs -> Linear -> activation -> ... -> Linear, for one model's layer tensors."""
    depth = len(layers) // 2
    out = inputs
    for i in range(depth):
        out = out @ layers[f"w{i}"] + layers[f"b{i}"]
        if i < depth - 1:
            out = ACTIVATIONS[activation](out)
    return out


def nets_of(objective: Objective, params: Params, activation: str) -> dict[str, Callable[[torch.Tensor], torch.Tensor]]:
    nets: dict[str, Callable[[torch.Tensor], torch.Tensor]] = {}
    for role in objective.nets:
        if role in params:
            nets[role] = lambda t, layers=params[role]: mlp(layers, t, activation)
        else:
            nets[role] = lambda t: t
    return nets


def select(params: Params, model: int) -> Params:
    """One model's parameters, as trainable leaves of their own (for the one-after-another loop)."""
    return {
        role: {n: t.detach()[model].clone().requires_grad_() for n, t in layers.items()}
        for role, layers in params.items()
    }


def leaves(params: Params) -> list[torch.Tensor]:
    return [tensor for layers in params.values() for tensor in layers.values()]


class Group:
    """The models of one objective, model i trained on data set i: its object and stacked parameters."""

    def __init__(self, objective: Objective, params: Params, activation: str) -> None:
        if activation not in ACTIVATIONS:
            raise ValueError(f"unknown activation {activation!r}; choose one of {list(ACTIVATIONS)}")
        self.objective = objective
        self.params = params
        self.activation = activation
        self.encoded = {role[-1] for role in objective.nets if role.startswith("enc_")}

    def inputs(self, batch: Mapping[str, torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor]:
        """x and y as this objective sees them: an encoder reads its modality's whitened copy ("x_white") when the
        batch has one; a decoder's target is always the observation itself (CP's loss is in y's own metric)."""
        x, y = (batch.get(f"{side}_white", batch[side]) if side in self.encoded else batch[side] for side in "xy")
        return x, y

    def loss(self, params: Params, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return self.objective.loss(nets_of(self.objective, params, self.activation), {"x": x, "y": y})["loss"]

    def stacked_loss(self, batch: Mapping[str, torch.Tensor]) -> torch.Tensor:
        """Per-model losses (models,), each on its own data set's rows of the (sets, rows, dim) batch."""
        return torch.func.vmap(self.loss)(self.params, *self.inputs(batch))

    def represent(self, batch: Mapping[str, torch.Tensor]) -> torch.Tensor:
        """What the probe reads (the objective's probe_reads), per model: (models, rows, k)."""

        def one(params: Params, xs: torch.Tensor, ys: torch.Tensor) -> torch.Tensor:
            return self.objective.representation(nets_of(self.objective, params, self.activation), {"x": xs, "y": ys})

        with torch.no_grad():
            return torch.func.vmap(one)(self.params, *self.inputs(batch))


def make_groups(
    names: Sequence[str],
    set_seeds: Sequence[int],
    dims: Mapping[str, int],
    hidden: int,
    k: int,
    activation: str = "silu",
) -> list[Group]:
    """One group per objective, with one model per data set; model i of objective j starts from seed
    (set_seeds[i], j)."""
    groups = []
    for name in names:
        objective = build_objective(name, dims["x"], dims["y"])
        seeds = [
            int(np.random.SeedSequence([int(seed), OBJECTIVES.index(name)]).generate_state(1)[0]) for seed in set_seeds
        ]
        groups.append(Group(objective, init_params(objective, seeds, dims, hidden, k), activation))
    return groups


def batches(n: int, batch_size: int, epochs: int, generator: torch.Generator) -> list[torch.Tensor]:
    """Row indices of every step: a fresh permutation per epoch, cut into full batches."""
    steps = []
    for _ in range(epochs):
        order = torch.randperm(n, generator=generator)
        steps += [order[i : i + batch_size] for i in range(0, n - batch_size + 1, batch_size)]
    return steps


def train_stacked(
    groups: Sequence[Group], data: Mapping[str, torch.Tensor], epochs: int, batch_size: int, lr: float, seed: int
) -> list[float]:
    """All groups' models at once on the training rows `data` ("x", "y", maybe "x_white", "y_white"; each
    (sets, n_train, dim)); returns the mean loss per model per epoch, summed over groups (for the log)."""
    optimiser = torch.optim.Adam([t for group in groups for t in leaves(group.params)], lr=lr)
    steps = batches(data["x"].shape[1], batch_size, epochs, torch.Generator().manual_seed(int(seed)))
    per_epoch = max(len(steps) // epochs, 1)
    sets = data["x"].shape[0]
    history, running = [], 0.0
    for step, rows in enumerate(steps):
        batch = {key: values[:, rows] for key, values in data.items()}
        total = sum(group.stacked_loss(batch).sum() for group in groups)
        optimiser.zero_grad()
        total.backward()
        optimiser.step()
        running += float(total.detach()) / sets
        if (step + 1) % per_epoch == 0:
            history.append(running / per_epoch)
            running = 0.0
    return history


def train_one_after_another(
    groups: Sequence[Group],
    data: Mapping[str, torch.Tensor],
    epochs: int,
    batch_size: int,
    lr: float,
    seed: int,
    models: int,
) -> None:
    """The first `models` models of each group trained alone, one after another (same batches as the stacked
    run, one optimiser per model); their trained parameters are written back into the stacks."""
    for group in groups:
        for model in range(models):
            params = select(group.params, model)
            optimiser = torch.optim.Adam(leaves(params), lr=lr)
            for rows in batches(data["x"].shape[1], batch_size, epochs, torch.Generator().manual_seed(int(seed))):
                x, y = group.inputs({key: values[model, rows] for key, values in data.items()})
                loss = group.loss(params, x, y)
                optimiser.zero_grad()
                loss.backward()
                optimiser.step()
            with torch.no_grad():
                for role, layers in params.items():
                    for name, tensor in layers.items():
                        group.params[role][name][model] = tensor
