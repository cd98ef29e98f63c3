"""Text nuisance modes: text_only statistics, style descriptions with jitter, scene phrases, caption swap."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from alignpredict.data.captions.style_noise import STYLE_GROUPS, draw_styles
from alignpredict.data.captions.text_nuisance import (
    IMAGE_STATISTICS,
    STATISTIC_TOKENS,
    SceneObject,
    add_style_description,
    adverb,
    image_statistics,
    insert_statistics,
    scene_phrase,
    statistic_tokens,
    style_description,
    swap_caption,
)
from alignpredict.data.counter_rng import python_rng


def test_image_statistics_of_known_images():
    black_white = torch.zeros(1, 3, 8, 8)
    black_white[:, :, :4] = 1.0  # top half white, bottom half black
    stats = image_statistics(black_white)[0]
    assert stats[0] == pytest.approx(0.5)  # brightness
    assert stats[1] == pytest.approx(0.0)  # no colour cast
    assert stats[5] == pytest.approx(1.0)  # top minus bottom
    red = torch.zeros(1, 3, 8, 8)
    red[:, 0] = 0.8
    assert image_statistics(red)[0, 1] == pytest.approx(0.8)
    assert image_statistics(red)[0, 3] == pytest.approx(1.0)  # fully saturated
    assert statistic_tokens(image_statistics(red)[0].tolist(), 1.0)[:2] == ["dark", "warm_toned"]  # luma 0.239


def test_statistic_count_follows_strength_and_insertion_is_seeded():
    stats = [0.5, 0.0, 0.2, 0.3, 0.05, 0.0]
    assert statistic_tokens(stats, 0.0) == ["moderately_lit"]  # max(1, round(0))
    assert statistic_tokens(stats, 0.5) == ["moderately_lit", "neutral_toned", "medium_contrast"]
    assert len(statistic_tokens(stats, 1.0)) == len(IMAGE_STATISTICS)
    assert len(STATISTIC_TOKENS) == sum(len(edges) + 1 for _, edges, _ in IMAGE_STATISTICS)
    words = "a red ball on a table".split()
    a = insert_statistics(words, ["dim", "warm_toned"], python_rng(0, 1, 5))
    assert a == insert_statistics(words, ["dim", "warm_toned"], python_rng(0, 1, 5))
    at = a.index("dim")
    assert a[at : at + 3] == ["dim", "warm_toned", "<sep>"] and [w for w in a if w in words] == words
    positions = {insert_statistics(words, ["x"], python_rng(0, 1, i)).index("x") for i in range(200)}
    assert positions == set(range(len(words) + 1))


def test_adverb_buckets_never_say_slightly():
    assert [adverb(t) for t in (0.3, 0.39, 0.4, 0.59, 0.6, 0.8, 0.999)] == [
        "somewhat",
        "somewhat",
        "moderately",
        "moderately",
        "strongly",
        "very strongly",
        "very strongly",
    ]


def test_style_description_matches_the_image_draws_and_jitter_swaps_styles():
    index = torch.arange(300)
    draws = draw_styles(4, index, 0.5)
    descriptions = {s.description: (g, k) for g, (_, styles) in enumerate(STYLE_GROUPS) for k, s in enumerate(styles)}
    text = " ".join(style_description(draws, 0, 0.0, python_rng(4, 9, 0)))
    assert text.endswith("image of") and text.count(",") == 2
    named = [descriptions[d] for d in descriptions if d in text]
    assert sorted(named) == sorted((g, int(draws.choice[0, g])) for g in range(6) if draws.active[0, g])
    swapped = kept = 0
    for row in range(300):
        jittered = " ".join(style_description(draws, row, 0.5, python_rng(4, 9, row)))
        for g in range(6):
            if draws.active[row, g]:
                kept += STYLE_GROUPS[g][1][int(draws.choice[row, g])].description in jittered
                swapped += 1
    assert 0.4 < kept / swapped < 0.6  # each group describes another style with probability 0.5
    words = "a red ball".split()
    assert add_style_description(words, ["very", "grainy"], 0.0, python_rng(0, 0, 0)) == ["very", "grainy", *words]
    scattered = add_style_description(words, ["very", "grainy"], 0.3, python_rng(0, 0, 1))
    assert sorted(scattered) == sorted(["very", "grainy", *words])


def test_scene_phrase_lists_non_label_categories_by_area():
    objects = [
        SceneObject("dog", 0.30, 0.5),
        SceneObject("cup", 0.01, 0.1),
        SceneObject("cup", 0.02, 0.2),
        SceneObject("tv", 0.20, 0.9),
        SceneObject("apple", 0.05, 0.5),
    ]
    full = " ".join(scene_phrase(objects, "dog", 1.0))
    assert full == "<sep> in a scene with a large tv on the right , an apple in the center and 2 small cups on the left"
    assert " ".join(scene_phrase(objects, "dog", 0.2)) == "<sep> in a scene with a large tv on the right"
    assert scene_phrase([SceneObject("dog", 0.3, 0.5)], "dog", 1.0) == []


def test_caption_swap_draws_same_label_captions_with_probability_p():
    labels = np.array([0, 1, 0, 1])
    captions = [["zero a"], ["one a"], ["zero b"], ["one b"]]
    outs = [swap_caption("mine", 0, labels, captions, 0.3, python_rng(0, 2, i)) for i in range(2000)]
    assert set(outs) == {"mine", "zero a", "zero b"}
    assert 0.26 < np.mean([o != "mine" for o in outs]) < 0.34
    assert swap_caption("mine", 1, labels, captions, 0.0, python_rng(0, 2, 0)) == "mine"
    with pytest.raises(ValueError, match="probability"):
        swap_caption("mine", 1, labels, captions, 1.5, python_rng(0, 2, 0))
