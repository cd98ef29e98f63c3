"""Plain-Python checks of an app's settings, run before any heavy import (torch, Lightning), so a bad value is
answered in a second with one line naming the setting and what it must be.

Each app has a table of rules: a dotted key (``*`` matches every key at that level) and the rule its value
must follow. Rules are small callables returning an error phrase ("must be an integer >= 1") or None.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from omegaconf import DictConfig, ListConfig

Rule = Callable[[Any], str | None]


class SettingError(ValueError):
    """A setting with a bad value or an unknown name; the message names it and what it must be."""


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def number(low: float | None = None, high: float | None = None, low_open: bool = False) -> Rule:
    """A finite number in [low, high] ((low, high] with low_open)."""
    bounds = []
    if low is not None:
        bounds.append(f"{'>' if low_open else '>='} {low:g}")
    if high is not None:
        bounds.append(f"<= {high:g}")
    phrase = "must be a number" + (f" {' and '.join(bounds)}" if bounds else "")

    def rule(value: Any) -> str | None:
        if not _is_number(value):
            return phrase
        if low is not None and (value < low or (low_open and value == low)):
            return phrase
        if high is not None and value > high:
            return phrase
        return None

    return rule


def integer(low: int | None = None, high: int | None = None) -> Rule:
    """A whole number in [low, high]."""
    bounds = [f">= {low}"] * (low is not None) + [f"<= {high}"] * (high is not None)
    phrase = "must be an integer" + (f" {' and '.join(bounds)}" if bounds else "")

    def rule(value: Any) -> str | None:
        if not isinstance(value, int) or isinstance(value, bool):
            return phrase
        if (low is not None and value < low) or (high is not None and value > high):
            return phrase
        return None

    return rule


def choice(*options: Any) -> Rule:
    def rule(value: Any) -> str | None:
        return None if value in options else f"must be one of {', '.join(map(str, options))}"

    return rule


def optional(inner: Rule) -> Rule:
    """null, or what `inner` accepts."""

    def rule(value: Any) -> str | None:
        if value is None:
            return None
        problem = inner(value)
        return None if problem is None else f"{problem} (or null)"

    return rule


def list_of(inner: Rule, min_length: int = 1) -> Rule:
    def rule(value: Any) -> str | None:
        if not isinstance(value, (list, tuple, ListConfig)) or len(value) < min_length:
            return f"must be a list of at least {min_length} item(s)"
        for item in value:
            problem = inner(item)
            if problem:
                return f"must be a list whose items each {problem.removeprefix('must ')}"
        return None

    return rule


def existing_file(value: Any) -> str | None:
    if isinstance(value, str) and Path(value).is_dir():
        return "must be an existing file (it is a folder)"
    return None if isinstance(value, str) and Path(value).is_file() else "must be an existing file (not found)"


def _values(node: Any, path: Sequence[str], prefix: str = "") -> Iterable[tuple[str, Any]]:
    """(full key, value) for every key `path` matches in `node` (missing keys match nothing)."""
    if not path:
        yield prefix, node
        return
    if not isinstance(node, (Mapping, DictConfig)):
        return
    head, rest = path[0], path[1:]
    keys = list(node.keys()) if head == "*" else [head]
    for key in keys:
        if key in node:
            yield from _values(node[key], rest, f"{prefix}.{key}" if prefix else str(key))


def check_rules(cfg: DictConfig | Mapping[str, Any], rules: Mapping[str, Rule]) -> None:
    """Raise SettingError for the first setting that breaks its rule (interpolations resolved per value)."""
    for pattern, rule in rules.items():
        for key, value in _values(cfg, pattern.split(".")):
            problem = rule(value)
            if problem:
                raise SettingError(f"{key} {problem}, got {value!r}")


def check_known(given: Iterable[str], known: Iterable[str], where: str = "setting") -> None:
    """Refuse names that are not settings (a `+jiter=0.5` would otherwise be ignored), suggesting the closest."""
    known = sorted(set(known))
    for name in given:
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            hint = f"did you mean {close[0]}?" if close else f"known: {', '.join(known)}"
            raise SettingError(f"unknown {where} {name!r}; {hint}")
