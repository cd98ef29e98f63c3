"""Counter-based RNG: right distributions, and every draw a function of (seed, index, stream, element) only."""

from __future__ import annotations

import math

import pytest
import torch

from alignpredict.data import counter_rng

N = 200_000


def test_uniforms_are_uniform_on_open_unit_interval() -> None:
    u = counter_rng.uniforms(0, torch.arange(N), stream=1, count=3)
    assert u.shape == (N, 3) and u.dtype == torch.float32
    assert 0.0 < float(u.min()) and float(u.max()) < 1.0
    tolerance = 5 * math.sqrt(1 / 12 / N)
    assert torch.allclose(u.mean(dim=0), torch.full((3,), 0.5), atol=tolerance)
    assert torch.allclose(u.var(dim=0), torch.full((3,), 1 / 12), atol=2e-3)
    counts = torch.histc(u[:, 0], bins=10, min=0.0, max=1.0)
    assert float((counts - N / 10).abs().max()) < 5 * math.sqrt(N / 10)


def test_normals_are_standard_and_uncorrelated_across_elements_and_streams() -> None:
    z = counter_rng.normals(7, torch.arange(N), stream=2, count=4)
    other_stream = counter_rng.normals(7, torch.arange(N), stream=3, count=1)
    assert torch.allclose(z.mean(dim=0), torch.zeros(4), atol=5 / math.sqrt(N))
    assert torch.allclose(z.std(dim=0), torch.ones(4), atol=0.01)
    correlations = torch.corrcoef(torch.cat((z, other_stream), dim=1).T)
    off_diagonal = correlations - torch.eye(5)
    assert float(off_diagonal.abs().max()) < 5 / math.sqrt(N)
    fourth_moment = float((z[:, 0] ** 4).mean())
    assert abs(fourth_moment - 3.0) < 0.1


def test_draws_depend_only_on_index_not_on_batch_composition() -> None:
    full = counter_rng.normals(3, torch.arange(100), stream=4, count=10)
    subset = torch.tensor([97, 5, 42])
    assert torch.equal(counter_rng.normals(3, subset, stream=4, count=10), full[subset])
    assert torch.equal(counter_rng.normals(3, subset, stream=4, count=5), full[subset, :5])


def test_seeds_and_streams_give_different_numbers() -> None:
    indices = torch.arange(1000)
    base = counter_rng.uniforms(0, indices, 0, 1)
    assert not torch.equal(base, counter_rng.uniforms(1, indices, 0, 1))
    assert not torch.equal(base, counter_rng.uniforms(0, indices, 1, 1))
    assert torch.equal(base, counter_rng.uniforms(0, indices, 0, 1))


def test_bad_seed_or_index_dtype_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="seed"):
        counter_rng.uniforms(-1, torch.arange(3), 0, 1)
    with pytest.raises(ValueError, match="int64"):
        counter_rng.uniforms(0, torch.arange(3, dtype=torch.int32), 0, 1)


def test_python_rng_and_random_ints_are_keyed():
    from alignpredict.data.counter_rng import python_rng, random_ints

    assert python_rng(0, 1, 2).random() == python_rng(0, 1, 2).random() != python_rng(0, 1, 3).random()
    index = torch.tensor([5, 17, 2**40 + 3])
    words = random_ints(1, index, 7, 4)
    assert bool((words >= 0).all())
    assert torch.equal(words[1], random_ints(1, torch.tensor([17]), 7, 4)[0])
    assert not torch.equal(words, random_ints(2, index, 7, 4))
