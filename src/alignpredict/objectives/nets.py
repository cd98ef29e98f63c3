"""Build the nets an objective needs from a nets config (`conf/nets/<name>.yaml`) and the data's modalities.

A nets config has one entry per role it can provide (enc_x, enc_y, proj_x, proj_y, dec_x, dec_y, head),
each a `_target_` config. What a role is built for comes from the data, never from the config: enc_m gets
`input_shape` (modality m's per-item shape), dec_m `output_shape`, head `num_classes`; nets whose config
names `vocab_size` / `pad_id` get the token modality's values. A config may specialise its nets per
objective family under `by_family` (the astro heads differ between CA and CP, as in the paper).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hydra.utils import instantiate
from omegaconf import DictConfig, OmegaConf
from torch import nn

from alignpredict.data.protocol import Modality
from alignpredict.objectives.base import Objective

TOKEN_KEYS = ("vocab_size", "pad_id")


def plain(value: Mapping[str, Any] | None) -> dict[str, Any]:
    """Config nodes as plain dicts (resolved), so nothing of OmegaConf ends up inside a module."""
    if value is None:
        return {}
    if isinstance(value, DictConfig):
        return OmegaConf.to_container(value, resolve=True)  # type: ignore[return-value]
    return {key: plain(item) if isinstance(item, Mapping) else item for key, item in value.items()}


def _merge(base: dict[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        merged[key] = _merge(merged.get(key, {}), value) if isinstance(value, Mapping) else value
    return merged


def nets_for(objective: Objective, nets_config: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The configs of the nets `objective` needs, after its family's specialisation."""
    config = plain(nets_config)
    variants = config.pop("by_family", {}) or {}
    config = _merge(config, variants.get(objective.family, {}))
    missing = [role for role in objective.nets if role not in config]
    if missing:
        raise ValueError(
            f"objective {objective.name!r} needs nets {list(objective.nets)} but the nets config has no "
            f"{missing}; add them to it or choose other nets (nets=conv|mlp|captions)"
        )
    return {role: config[role] for role in objective.nets}


def build_kwargs(
    role: str, net_config: Mapping[str, Any], modalities: Mapping[str, Modality], num_classes: int
) -> dict[str, Any]:
    """What the data tells a net of this role at build time (shapes, class count, vocabulary)."""
    kind, _, modality_name = role.partition("_")
    if kind == "head":
        return {"num_classes": num_classes}
    modality = modalities[modality_name]
    kwargs: dict[str, Any] = {}
    if kind == "enc":
        kwargs["input_shape"] = modality.shape
    elif kind == "dec":
        kwargs["output_shape"] = modality.shape
    if kind in ("enc", "dec"):
        wants_tokens = any(key in net_config for key in TOKEN_KEYS)
        if modality.kind == "tokens" and not wants_tokens:
            raise ValueError(
                f"nets.{role} must read or write token ids (modality {modality_name} is tokens) "
                "but its config has no vocab_size; use token nets (nets=captions)"
            )
        if wants_tokens and modality.kind != "tokens":
            raise ValueError(
                f"nets.{role} needs a token vocabulary but modality {modality_name} is dense; "
                "use caption data (data=captions) or nets without vocab_size"
            )
        kwargs.update({key: value for key, value in modality.token_facts().items() if key in net_config})
    return kwargs


def build_nets(
    objective: Objective, nets_config: Mapping[str, Any], modalities: Mapping[str, Modality], num_classes: int
) -> nn.ModuleDict:
    """One module per role the objective needs, built in the objective's order (seeded runs stay reproducible)."""
    configs = nets_for(objective, nets_config)
    return nn.ModuleDict(
        {
            role: instantiate(config, **build_kwargs(role, config, modalities, num_classes))
            for role, config in configs.items()
        }
    )
