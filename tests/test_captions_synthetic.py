"""Synthetic captioned scenes: labels, imbalanced prior, imperfect captions, determinism, rendering."""

from __future__ import annotations

import math

import pytest
import torch

from alignpredict.data.captions.synthetic import _UNIT_AREAS, SHAPES, CaptionedScenes, class_prior

pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.fixture(scope="module")
def scenes() -> CaptionedScenes:
    return CaptionedScenes(3000, seed=0)


def test_unit_shape_areas_match_closed_forms():
    assert _UNIT_AREAS[SHAPES.index("circle")] == pytest.approx(math.pi, rel=0.01)
    assert _UNIT_AREAS[SHAPES.index("square")] == pytest.approx(4.0, rel=0.01)
    assert _UNIT_AREAS[SHAPES.index("diamond")] == pytest.approx(2.0, rel=0.01)
    assert _UNIT_AREAS[SHAPES.index("ellipse")] == pytest.approx(math.pi / 2, rel=0.01)
    assert _UNIT_AREAS[SHAPES.index("ring")] == pytest.approx(math.pi * (1.0**2 - 0.44**2), rel=0.01)


def test_label_is_the_largest_object(scenes):
    present = torch.arange(4)[None, :] < scenes.n_objects[:, None]
    area = torch.where(present, scenes.object_area, torch.full_like(scenes.object_area, -1.0))
    largest = scenes.object_class.gather(1, area.argmax(dim=1, keepdim=True))[:, 0]
    assert torch.equal(scenes.labels, largest)
    assert set(scenes.n_objects.tolist()) == {1, 2, 3, 4}
    objects = scenes.scene_objects(0)
    assert len(objects) == int(scenes.n_objects[0]) and objects[0].name == scenes.class_names[int(scenes.labels[0])]


def test_class_prior_is_imbalanced_like_coco(scenes):
    prior = class_prior(16, 1.0)
    assert prior[0] == pytest.approx(1 / sum(1 / k for k in range(1, 17)))
    freq = torch.bincount(scenes.labels, minlength=16).double() / len(scenes)
    majority_baseline = float(freq.max())
    print(f"synthetic majority-class baseline: {majority_baseline:.3f}")
    assert int(freq.argmax()) == 0 and majority_baseline == pytest.approx(float(prior[0]), abs=0.03)
    assert float(freq.min()) < 0.03 and (freq > 0).all()
    with pytest.raises(ValueError, match="n_classes"):
        class_prior(40, 1.0)


def test_captions_name_the_label_most_but_not_all_of_the_time(scenes):
    rate = scenes.label_naming_rate()
    print(f"synthetic label-naming rate: {rate:.3f}")
    assert 0.75 < rate < 0.9
    assert all(len(c) == 5 for c in scenes.captions)
    words = {w for captions in scenes.captions for c in captions for w in c.replace(".", " ").split()}
    assert 80 < len(words) < 400
    never = CaptionedScenes(200, seed=0, p_name_dominant=0.0)
    always = CaptionedScenes(200, seed=0, p_name_dominant=1.0)
    assert never.label_naming_rate() < 0.25 < 0.99 < always.label_naming_rate() + 1e-9


def test_images_shapes_range_and_determinism():
    a = CaptionedScenes(40, seed=3)
    images = a.images(torch.arange(40))
    assert images.shape == (40, 3, 64, 64) and images.dtype == torch.float32
    assert float(images.min()) >= 0.0 and float(images.max()) <= 1.0
    assert images.std(dim=(1, 2, 3)).min() > 0.05  # scenes, not blank frames
    bigger = CaptionedScenes(90, seed=3)  # item i does not depend on n or on its batch
    assert torch.equal(bigger.labels[:40], a.labels) and bigger.captions[:40] == a.captions
    assert torch.allclose(bigger.images(torch.tensor([7, 3])), images[[7, 3]])
    other = CaptionedScenes(40, seed=4)
    assert not torch.equal(other.labels, a.labels) and not torch.allclose(other.images(torch.arange(2)), images[:2])
    assert CaptionedScenes(4, seed=3, image_size=32).images(torch.arange(2)).shape == (2, 3, 32, 32)


def test_bad_arguments_raise():
    with pytest.raises(ValueError, match="n_samples"):
        CaptionedScenes(0)
    with pytest.raises(ValueError, match="p_name_dominant"):
        CaptionedScenes(5, p_name_dominant=1.5)


@pytest.mark.slow
def test_task_is_informative_but_not_trivial_in_both_modalities():
    """Linear probes on raw features beat the majority class but stay far from 100% (the surrogate's requirement,
    docs/protocols/captions.md)."""
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    scenes = CaptionedScenes(6000, seed=1)
    labels = scenes.labels.numpy()
    train, test = slice(0, 4500), slice(4500, 6000)
    majority = float((labels[test] == torch.bincount(scenes.labels[train]).argmax().item()).mean())
    bins = 6
    quantised = (scenes.images(torch.arange(6000)).clamp(0, 0.999) * bins).long()
    codes = ((quantised[:, 0] * bins + quantised[:, 1]) * bins + quantised[:, 2]).flatten(1)
    histogram = torch.stack([torch.bincount(c, minlength=bins**3) for c in codes]).double().numpy() / codes.shape[1]
    first = [captions[0] for captions in scenes.captions]
    words = CountVectorizer().fit(first[:4500]).transform(first).toarray().astype(float)
    for features in (histogram, words):
        model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=500, C=0.1)).fit(
            features[train], labels[train]
        )
        accuracy = model.score(features[test], labels[test])
        assert majority + 0.1 < accuracy < 0.95, (majority, accuracy)
