"""The stereo-pair generator: shapes, determinism, class balance, geometry, noise and nuisance statistics."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from scipy import integrate, stats

from alignpredict.data.dsprites import render_dsprites_templates
from alignpredict.data.stereo import (
    StereoConfig,
    analytic_position_correlation,
    draw_latents,
    empirical_position_correlation,
    make_pairs,
    pair_statistics,
)


@pytest.fixture(scope="module")
def sprites():
    return render_dsprites_templates()


def test_pairs_have_the_right_shapes_types_and_ranges(sprites) -> None:
    batch = make_pairs(sprites, StereoConfig(jitter=0.2, noise_y=0.9), torch.arange(10, 42))
    assert batch["x"].shape == batch["y"].shape == (32, 1, 64, 64)
    assert batch["x"].dtype == torch.float32
    for view in ("x", "y"):
        assert 0.0 <= float(batch[view].min()) and float(batch[view].max()) <= 1.0
    assert batch["label"].dtype == torch.int64 and set(batch["label"].tolist()) <= {0, 1, 2}
    assert batch["pos"].shape == (32, 2) and float(batch["pos"].abs().max()) <= 0.5
    assert torch.equal(batch["index"], torch.arange(10, 42))


def test_an_index_gives_the_same_pair_in_any_batch(sprites) -> None:
    config = StereoConfig(jitter=0.5, noise_y=0.5, seed=11)
    first = make_pairs(sprites, config, torch.arange(0, 64))
    second = make_pairs(sprites, config, torch.tensor([63, 7, 500, 3]))
    for key in ("x", "y", "label", "pos"):
        torch.testing.assert_close(second[key][[0, 1, 3]], first[key][[63, 7, 3]], rtol=0, atol=1e-6)
    other_seed = make_pairs(sprites, StereoConfig(jitter=0.5, noise_y=0.5, seed=12), torch.arange(0, 64))
    assert not torch.equal(other_seed["x"], first["x"])


def test_classes_are_balanced() -> None:
    n, classes = 60_000, 4
    labels = draw_latents(StereoConfig(jitter=0.0, noise_y=0.0), torch.arange(n), classes).label
    counts = torch.bincount(labels, minlength=classes).double()
    assert len(counts) == classes
    assert float((counts - n / classes).abs().max()) < 5 * math.sqrt(n * (1 / classes) * (1 - 1 / classes))


@pytest.mark.parametrize(("jitter", "expected"), [(0.0, 1.0), (0.2, 0.676), (0.5, 0.25)])
def test_cross_view_position_correlation_matches_the_closed_form(jitter: float, expected: float) -> None:
    assert analytic_position_correlation(jitter, pos_range=1.0) == pytest.approx(expected, abs=1e-3)
    config = StereoConfig(jitter=jitter, noise_y=0.0, rotation=0.0)
    latents = draw_latents(config, torch.arange(40_000), 3)
    assert empirical_position_correlation(latents) == pytest.approx(expected, abs=0.015)


def test_tied_rotation_lowers_the_actual_correlation_below_the_label() -> None:
    """Rotation about the image centre also turns the displacement, so the nuisance decorrelates further."""
    tied = draw_latents(StereoConfig(jitter=0.5, noise_y=0.0), torch.arange(40_000), 3)
    assert empirical_position_correlation(tied) < analytic_position_correlation(0.5, 1.0) - 0.05


def test_rotation_is_tied_to_jitter_or_its_own_knob() -> None:
    indices = torch.arange(40_000)
    tied = draw_latents(StereoConfig(jitter=0.3, noise_y=0.0), indices, 3)
    own = draw_latents(StereoConfig(jitter=0.3, noise_y=0.0, rotation=0.02), indices, 3)
    none = draw_latents(StereoConfig(jitter=0.3, noise_y=0.0, rotation=0.0), indices, 3)
    assert float(tied.angle.std()) == pytest.approx(0.3, rel=0.02)
    assert float(own.angle.std()) == pytest.approx(0.02, rel=0.02)
    assert float(none.angle.abs().max()) == 0.0
    assert torch.equal(tied.translation, own.translation) and torch.equal(tied.position, none.position)
    assert StereoConfig(jitter=0.3, noise_y=0.0).rotation_sigma == 0.3


def _centroid_x(images: torch.Tensor) -> torch.Tensor:
    columns = torch.arange(images.shape[-1], dtype=torch.float32)
    mass = images.sum(dim=(1, 2, 3))
    return (images.sum(dim=(1, 2)) * columns).sum(dim=-1) / mass


def test_views_differ_by_the_baseline_in_pixels(sprites) -> None:
    """Without jitter or noise, y is x moved right by baseline * 32 px (1 unit is half the 64 px image)."""
    config = StereoConfig(jitter=0.0, noise_y=0.0, noise_x=0.0, baseline=0.4, pos_range=0.3)
    batch = make_pairs(sprites, config, torch.arange(50))
    shift = _centroid_x(batch["y"]) - _centroid_x(batch["x"])
    torch.testing.assert_close(shift, torch.full((50,), 12.8), atol=0.05, rtol=0)


def test_noise_brightens_the_black_background_as_the_clamp_predicts(sprites) -> None:
    """Background pixels are clamp(sigma * Z, 0, 1); their mean is a one-dimensional integral."""
    config = StereoConfig(jitter=0.0, noise_y=0.9, noise_x=0.1, pos_range=0.0, baseline=0.0)
    batch = make_pairs(sprites, config, torch.arange(64))
    clean = make_pairs(
        sprites, StereoConfig(jitter=0.0, noise_y=0.0, noise_x=0.0, pos_range=0.0, baseline=0.0), torch.arange(64)
    )
    background = clean["x"] == 0
    for view, sigma in (("x", 0.1), ("y", 0.9)):
        expected = integrate.quad(lambda z, sigma=sigma: min(max(sigma * z, 0.0), 1.0) * stats.norm.pdf(z), -10, 10)[0]
        assert float(batch[view][background].mean()) == pytest.approx(expected, abs=0.005)
    unclamped = background & (batch["x"] > 0) & (batch["y"] > 0) & (batch["y"] < 1)
    correlation = np.corrcoef(batch["x"][unclamped].numpy(), batch["y"][unclamped].numpy())[0, 1]
    assert int(unclamped.sum()) > 10_000 and abs(correlation) < 0.03  # the two views' noise is independent


def test_objects_leave_the_frame_more_often_as_jitter_grows(sprites) -> None:
    indices = torch.arange(2048)
    results = [pair_statistics(sprites, StereoConfig(jitter=j, noise_y=0.5), indices) for j in (0.0, 0.2, 0.5)]
    clipped = [r["frac_clipped_x"] for r in results]
    gone = [r["frac_out_of_frame_x"] for r in results]
    assert clipped[0] < clipped[1] < clipped[2] and gone[0] <= gone[1] < gone[2]
    assert gone[0] == 0.0
    # Monte Carlo, sprite half-width ~0.3: ~5.5% fully out and ~42% clipped at jitter 0.5 (docs/protocols/stereo.md)
    assert 0.035 < gone[2] < 0.08 and 0.3 < clipped[2] < 0.5
    assert [r["nu_max"] for r in results] == [1.0, 0.8, 0.5]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"jitter": -0.1, "noise_y": 0.5}, "jitter"),
        ({"jitter": float("nan"), "noise_y": 0.5}, "jitter"),
        ({"jitter": 0.1, "noise_y": 1.5}, "noise_y"),
        ({"jitter": 0.1, "noise_y": 0.5, "noise_x": -0.1}, "noise_x"),
        ({"jitter": 0.1, "noise_y": 0.5, "rotation": -1.0}, "rotation"),
        ({"jitter": 0.1, "noise_y": 0.5, "seed": -3}, "seed"),
    ],
)
def test_bad_knobs_are_clear_errors(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        StereoConfig(**kwargs)


def test_float_indices_are_rejected(sprites) -> None:
    with pytest.raises(ValueError, match="int64"):
        make_pairs(sprites, StereoConfig(jitter=0.0, noise_y=0.0), torch.arange(4.0))


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_cpu_and_cuda_give_the_same_pairs(sprites) -> None:
    config = StereoConfig(jitter=0.5, noise_y=0.5)
    on_cpu = make_pairs(sprites, config, torch.arange(32))
    on_gpu = make_pairs(sprites.to("cuda"), config, torch.arange(32, device="cuda"))
    assert torch.equal(on_gpu["label"].cpu(), on_cpu["label"])
    for key in ("x", "y"):
        torch.testing.assert_close(on_gpu[key].cpu(), on_cpu[key], atol=1e-4, rtol=0)
