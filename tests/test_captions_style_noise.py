"""Image style noise: 16 styles in 6 groups, group counts per strength, blur sigma = 4s, keyed determinism."""

from __future__ import annotations

import math

import pytest
import torch

from alignpredict.data.captions.style_noise import (
    N_GROUPS,
    STYLE_GROUPS,
    ImageStyleNoise,
    apply_draws,
    apply_style,
    blur_sigma,
    draw_styles,
    gaussian_blur,
    n_active_groups,
)


def _images(b: int = 4, size: int = 24) -> torch.Tensor:
    return torch.rand(b, 3, size, size, generator=torch.Generator().manual_seed(0)) * 0.6 + 0.2


def test_catalogue_is_16_styles_in_6_groups():
    assert [name for name, _ in STYLE_GROUPS] == [
        "colour_cast",
        "exposure",
        "contrast",
        "texture",
        "saturation",
        "spatial",
    ]
    assert [len(styles) for _, styles in STYLE_GROUPS] == [4, 2, 2, 4, 2, 2]


@pytest.mark.parametrize(
    "strength, groups, sigma", [(0.0, 0, 0.0), (0.2, 1, 0.8), (0.5, 3, 2.0), (1.0, 6, 4.0), (0.01, 1, 0.04)]
)
def test_group_count_and_blur_per_strength(strength, groups, sigma):
    assert n_active_groups(strength) == groups
    assert blur_sigma(strength) == pytest.approx(sigma)
    draws = draw_styles(3, torch.arange(200), strength)
    assert (draws.active.sum(dim=1) == groups).all()
    assert ImageStyleNoise(strength, seed=3).sigma == pytest.approx(sigma)


def test_draws_cover_every_group_style_and_intensity_range():
    draws = draw_styles(0, torch.arange(4000), 0.2)
    assert draws.active.any(dim=0).all()  # every group gets chosen for some item
    for g, (_, styles) in enumerate(STYLE_GROUPS):
        assert set(draws.choice[:, g].tolist()) == set(range(len(styles)))
    assert 0.3 <= float(draws.intensity.min()) and float(draws.intensity.max()) < 1.0


@pytest.mark.parametrize("style", [s.name for _, styles in STYLE_GROUPS for s in styles])
def test_each_style_changes_the_image_and_stays_in_range(style):
    x = _images()
    y = apply_style(style, x, torch.full((4,), 0.8), seed=1, index=torch.arange(4))
    assert y.shape == x.shape and y.dtype == x.dtype
    assert (y - x).abs().mean() > 1e-3
    assert float(y.min()) >= 0.0 and float(y.max()) <= 1.0


def test_styles_match_their_closed_forms():
    x = torch.full((1, 3, 4, 4), 0.5)
    t = torch.tensor([0.5])
    assert torch.allclose(apply_style("underexposed", x, t), torch.full_like(x, 0.5 * (1 - 0.35)))
    assert torch.allclose(apply_style("overexposed", x, t), torch.full_like(x, 0.5 * 1.5 + 0.075))
    cool = apply_style("cool_blue", x, t)[0, :, 0, 0]
    assert torch.allclose(cool, torch.tensor([0.45, 0.5, 0.6]))
    levels = 5  # round(8 - 6 * 0.5)
    assert torch.allclose(apply_style("posterize", x, t), torch.full_like(x, math.floor(0.5 * levels) / (levels - 1)))
    ramp = torch.linspace(0, 1, 16).reshape(1, 1, 4, 4).repeat(1, 3, 1, 1)
    solar = apply_style("solarize", ramp, torch.tensor([1.0]))  # threshold 0.5
    assert torch.allclose(solar, torch.where(ramp > 0.5, 1 - ramp, ramp))
    grey = apply_style("muted", torch.rand(2, 3, 5, 5), torch.tensor([1.0, 1.0]))
    assert (grey.max(dim=1).values - grey.min(dim=1).values).max() < 0.11  # chroma scaled by 0.1


def test_strength_zero_is_identity_and_same_seed_same_output():
    x, index = _images(8), torch.arange(100, 108)
    assert torch.equal(ImageStyleNoise(0.0, seed=0)(x, index), x)
    a = ImageStyleNoise(0.5, seed=7)(x, index)
    assert torch.equal(a, ImageStyleNoise(0.5, seed=7)(x, index))
    assert not torch.equal(a, ImageStyleNoise(0.5, seed=8)(x, index))
    # an item's style does not depend on the batch it is in
    part = ImageStyleNoise(0.5, seed=7)(x[[5, 2]], index[[5, 2]])
    assert torch.allclose(part, a[[5, 2]], atol=1e-6)


def test_gaussian_blur_preserves_constants_and_matches_its_variance():
    flat = torch.full((2, 3, 16, 16), 0.3)
    assert torch.allclose(gaussian_blur(flat, 2.0), flat, atol=1e-6)
    impulse = torch.zeros(1, 3, 33, 33)
    impulse[..., 16, 16] = 1.0
    out = gaussian_blur(impulse, 2.0)[0, 0]
    offsets = torch.arange(-16, 17, dtype=torch.float32)
    variance_x = float((out.sum(dim=0) * offsets**2).sum())
    assert variance_x == pytest.approx(4.0, rel=0.02)  # sigma^2, kernel radius floor(3 sigma) = 6
    assert out[16, 16 + 7] == 0.0 and out[16, 16 + 6] > 0.0


def test_bad_strength_and_shape_raise():
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        n_active_groups(1.5)
    with pytest.raises(ValueError, match="B, 3, H, W"):
        ImageStyleNoise(0.5, seed=0)(torch.rand(3, 8, 8), torch.arange(1))
    with pytest.raises(ValueError, match="unknown style"):
        apply_style("fisheye", _images(), torch.ones(4))
    assert N_GROUPS == 6


def test_batched_draws_equal_styling_each_image_on_its_own():
    """The whole-batch select gives every item exactly the styles it drew, as if it were styled alone."""
    generator = torch.Generator().manual_seed(3)
    images = torch.rand(12, 3, 16, 16, generator=generator)
    index = torch.arange(100, 112)
    draws = draw_styles(5, index, 1.0)
    batched = apply_draws(images, draws, 5, index)
    for row in range(len(index)):
        alone = images[row : row + 1]
        for g, (_, styles) in enumerate(STYLE_GROUPS):
            if draws.active[row, g]:
                style = styles[int(draws.choice[row, g])].name
                alone = apply_style(style, alone, draws.intensity[row : row + 1, g], 5, index[row : row + 1])
        torch.testing.assert_close(batched[row : row + 1], alone, rtol=0, atol=1e-6)
