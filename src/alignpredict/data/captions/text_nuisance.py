"""Text-side nuisance modes of the reference (text_only, style, scene, caption_swap), each seeded.

Why: these inject caption content that is unrelated to the label but shared with (or specific to) the
image, which is what moves a dataset across the align/predict phase diagram. All functions work on word
lists (the tokenizer's split) and take a `random.Random`, so a caller keys them by (seed, item, epoch).
"""

from __future__ import annotations

import bisect
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch

from alignpredict.data.captions.style_noise import STYLE_GROUPS, StyleDraws
from alignpredict.data.captions.tokenizer import SEP

TEXT_NUISANCE_MODES = ("text_only", "style", "scene", "caption_swap")

# Six image statistics in the reference's fixed order: (name, bin edges, one token per bin).
IMAGE_STATISTICS: tuple[tuple[str, tuple[float, ...], tuple[str, ...]], ...] = (
    (
        "brightness",
        (0.15, 0.25, 0.40, 0.55, 0.70),
        ("very_dark", "dark", "dim", "moderately_lit", "bright", "very_bright"),
    ),
    ("colour_temperature", (-0.04, 0.04), ("cool_toned", "neutral_toned", "warm_toned")),
    ("contrast", (0.10, 0.18, 0.27), ("flat_contrast", "low_contrast", "medium_contrast", "strong_contrast")),
    ("saturation", (0.12, 0.25, 0.45), ("greyish", "pale", "colourful", "saturated")),
    ("edge_density", (0.02, 0.04, 0.07), ("smooth", "few_edges", "detailed", "busy")),
    ("vertical_balance", (-0.04, 0.04), ("bottom_heavy", "balanced", "top_heavy")),
)
STATISTIC_TOKENS: tuple[str, ...] = tuple(tok for _, _, toks in IMAGE_STATISTICS for tok in toks)
ADVERBS = ("somewhat", "moderately", "strongly", "very strongly")
STYLE_WORDS: tuple[str, ...] = tuple(
    dict.fromkeys(
        w
        for text in [*ADVERBS, *(s.description for _, g in STYLE_GROUPS for s in g), "image of ,"]
        for w in text.split()
    )
)
SCENE_WORDS: tuple[str, ...] = (
    "in",
    "a",
    "scene",
    "with",
    "and",
    ",",
    "on",
    "the",
    "left",
    "right",
    "center",
    "large",
    "small",
)


def n_nuisance_items(strength: float, available: int) -> int:
    """max(1, round(strength * available)): how many statistics / categories a mode injects."""
    if not 0.0 <= strength <= 1.0:
        raise ValueError(f"nuisance strength must lie in [0, 1]; got {strength}")
    return max(1, round(strength * available))


def image_statistics(images: torch.Tensor) -> torch.Tensor:
    """(B, 6) raw statistics of clean (B, 3, H, W) images in [0, 1], in IMAGE_STATISTICS order."""
    r, g, b = images[:, 0], images[:, 1], images[:, 2]
    luma = 0.299 * r + 0.587 * g + 0.114 * b
    top, bottom = luma[:, : luma.shape[1] // 2], luma[:, luma.shape[1] // 2 :]
    high, low = images.max(dim=1).values, images.min(dim=1).values
    edges = 0.5 * (
        (luma[:, 1:, :] - luma[:, :-1, :]).abs().mean(dim=(1, 2))
        + (luma[:, :, 1:] - luma[:, :, :-1]).abs().mean(dim=(1, 2))
    )
    return torch.stack(
        [
            luma.mean(dim=(1, 2)),
            (r - b).mean(dim=(1, 2)),
            luma.std(dim=(1, 2)),
            ((high - low) / high.clamp_min(1e-6)).mean(dim=(1, 2)),
            edges,
            top.mean(dim=(1, 2)) - bottom.mean(dim=(1, 2)),
        ],
        dim=1,
    )


def statistic_tokens(stats: Sequence[float], strength: float) -> list[str]:
    """The bin tokens of the first n = max(1, round(6 s)) statistics of one image."""
    n = n_nuisance_items(strength, len(IMAGE_STATISTICS))
    return [tokens[bisect.bisect_right(edges, value)] for (_, edges, tokens), value in zip(IMAGE_STATISTICS[:n], stats)]


def insert_statistics(words: list[str], tokens: Sequence[str], rng: random.Random) -> list[str]:
    """text_only mode: statistic tokens then <sep>, inserted at one random word position."""
    at = rng.randint(0, len(words))
    return [*words[:at], *tokens, SEP, *words[at:]]


def adverb(intensity: float) -> str:
    """Bucket floor(5 t) of t in [0.3, 1]: somewhat, moderately, strongly, very strongly."""
    return ADVERBS[min(max(math.floor(5 * intensity), 1), 4) - 1]


def style_description(draws: StyleDraws, row: int, jitter: float, rng: random.Random) -> list[str]:
    """Words of "<adverb> <style>, ... image of" for one item; with prob `jitter` a group names another style."""
    if not 0.0 <= jitter <= 1.0:
        raise ValueError(f"style jitter must lie in [0, 1]; got {jitter}")
    parts = []
    for g, (_, styles) in enumerate(STYLE_GROUPS):
        if not bool(draws.active[row, g]):
            continue
        k = int(draws.choice[row, g])
        if jitter > 0 and rng.random() < jitter:
            k = rng.choice([j for j in range(len(styles)) if j != k])
        parts.append(f"{adverb(float(draws.intensity[row, g]))} {styles[k].description}")
    return f"{', '.join(parts)} image of".replace(",", " ,").split() if parts else []


def add_style_description(words: list[str], description: list[str], jitter: float, rng: random.Random) -> list[str]:
    """Prepend the description (jitter = 0) or scatter its words at random positions (jitter > 0)."""
    if jitter == 0:
        return [*description, *words]
    out = list(words)
    for word in description:
        out.insert(rng.randint(0, len(out)), word)
    return out


@dataclass(frozen=True)
class SceneObject:
    """One object instance as scene mode needs it: name, area / image area, bbox centre x / image width."""

    name: str
    area_fraction: float
    center_x: float


def _plural(name: str) -> str:
    return name + ("es" if name.endswith(("s", "x", "ch", "sh")) else "s")


def scene_vocabulary(class_names: Sequence[str]) -> list[str]:
    """Every word scene mode can write for these classes (so none becomes <unk>): fixed words, counts, names,
    plurals."""
    names = [word for name in class_names for word in f"{name} {_plural(name)}".lower().split()]
    return list(dict.fromkeys([*SCENE_WORDS, *(str(k) for k in range(2, 10)), "an", *names]))


def scene_phrase(objects: Sequence[SceneObject], label_name: str, strength: float) -> list[str]:
    """Words of "<sep> in a scene with A, B and C" over the non-label categories, largest total area first."""
    by_name: dict[str, list[SceneObject]] = {}
    for obj in objects:
        if obj.name != label_name:
            by_name.setdefault(obj.name, []).append(obj)
    if not by_name:
        return []
    ranked = sorted(by_name.items(), key=lambda kv: -sum(o.area_fraction for o in kv[1]))
    chosen = ranked[: n_nuisance_items(strength, min(len(ranked), 6))]
    phrases = []
    for name, group in chosen:
        biggest = max(group, key=lambda o: o.area_fraction)
        size = "large " if biggest.area_fraction > 0.15 else "small " if biggest.area_fraction < 0.03 else ""
        place = (
            "on the left" if biggest.center_x < 0.33 else "on the right" if biggest.center_x > 0.67 else "in the center"
        )
        noun = f"{len(group)} {size}{_plural(name)}" if len(group) > 1 else f"{size}{name}"
        noun = noun if len(group) > 1 else ("an " if noun[0] in "aeiou" else "a ") + noun
        phrases.append(f"{noun} {place}")
    listed = phrases[0] if len(phrases) == 1 else f"{' , '.join(phrases[:-1])} and {phrases[-1]}"
    return [SEP, *f"in a scene with {listed}".split()]


def swap_caption(
    caption: str,
    label: int,
    pool_labels: np.ndarray,
    pool_captions: Sequence[Sequence[str]],
    probability: float,
    rng: random.Random,
) -> str:
    """caption_swap mode: with prob p, a random caption of a random pool image with the same label."""
    if not 0.0 <= probability <= 1.0:
        raise ValueError(f"caption swap probability must lie in [0, 1]; got {probability}")
    if probability == 0 or rng.random() >= probability:
        return caption
    same = np.flatnonzero(pool_labels == label)
    donor = pool_captions[int(same[rng.randrange(len(same))])]
    return donor[rng.randrange(len(donor))]
