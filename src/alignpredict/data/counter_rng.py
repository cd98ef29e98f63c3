"""Counter-based random numbers: every draw is a pure function of (seed, item index, stream, element).

Why not `torch.Generator`: a generator's output depends on how many numbers were drawn before, so the
same item would look different in a different batch, on another device or with another batch size.
Hashing the counter with the splitmix64 finaliser on int64 tensors gives the same bits everywhere
(torch int64 arithmetic wraps modulo 2**64 on CPU and CUDA alike).
"""

from __future__ import annotations

import math
import random

import torch

_MASK64 = (1 << 64) - 1
_GOLDEN = 0x9E3779B97F4A7C15
_INDEX_MULT = 0xD1B54A32D192ED03
_STREAM_MULT = 0xAEF17502108EF2D9
_MIX_MULT_1 = 0xBF58476D1CE4E5B9
_MIX_MULT_2 = 0x94D049BB133111EB
_UNIFORM_BITS = 24  # float32 has a 24-bit significand: every value (k + 0.5) / 2**24 is exact


def _signed(value: int) -> int:
    """An unsigned 64-bit constant as the int64 with the same bits (torch has no uint64 arithmetic)."""
    value &= _MASK64
    return value - (1 << 64) if value >= 1 << 63 else value


def _shift_right(x: torch.Tensor, bits: int) -> torch.Tensor:
    """Logical right shift on int64 (torch's `>>` is arithmetic and would copy the sign bit)."""
    return (x >> bits) & ((1 << (64 - bits)) - 1)


def _mix64_int(x: int) -> int:
    """mix64 on one Python int (as signed int64 bits), so per-call constants need no tensor on the device."""
    x &= _MASK64
    x = ((x ^ (x >> 30)) * _MIX_MULT_1) & _MASK64
    x = ((x ^ (x >> 27)) * _MIX_MULT_2) & _MASK64
    return _signed(x ^ (x >> 31))


def mix64(x: torch.Tensor) -> torch.Tensor:
    """The splitmix64 finaliser: a bijection of 64-bit words whose output bits all depend on all input bits."""
    x = (x ^ _shift_right(x, 30)) * _signed(_MIX_MULT_1)
    x = (x ^ _shift_right(x, 27)) * _signed(_MIX_MULT_2)
    return x ^ _shift_right(x, 31)


def item_keys(seed: int, indices: torch.Tensor, stream: int) -> torch.Tensor:
    """One 64-bit key per item for a given seed and stream; shape and device follow `indices`."""
    if not 0 <= seed < 1 << 63:
        raise ValueError(f"seed must be an integer in [0, 2**63), got {seed}")
    if indices.dtype != torch.int64:
        raise ValueError(f"indices must be an int64 tensor, got {indices.dtype}; use torch.long indices")
    seed_key = _mix64_int(seed * _GOLDEN + _GOLDEN)  # a Python int: no host-to-device copy per call
    keys = mix64(indices * _signed(_INDEX_MULT) + seed_key)
    return mix64(keys + _signed((stream + 1) * _STREAM_MULT))


def random_bits(seed: int, indices: torch.Tensor, stream: int, count: int) -> torch.Tensor:
    """(len(indices), count) int64 words: the splitmix64 sequence started from each item's key."""
    keys = item_keys(seed, indices, stream)
    counters = torch.arange(1, count + 1, dtype=torch.int64, device=indices.device) * _signed(_GOLDEN)
    return mix64(keys.unsqueeze(-1) + counters)


def _bits_to_unit(bits: torch.Tensor) -> torch.Tensor:
    """24 bits -> float32 strictly inside (0, 1), so log() in Box-Muller is finite."""
    return (bits.to(torch.float32) + 0.5) * (1.0 / (1 << _UNIFORM_BITS))


def uniforms(seed: int, indices: torch.Tensor, stream: int, count: int) -> torch.Tensor:
    """(len(indices), count) float32 uniforms on (0, 1), element e depending only on (seed, index, stream, e)."""
    bits = random_bits(seed, indices, stream, count)
    return _bits_to_unit(_shift_right(bits, 64 - _UNIFORM_BITS))


def normals(seed: int, indices: torch.Tensor, stream: int, count: int) -> torch.Tensor:
    """(len(indices), count) float32 standard normals by Box-Muller; one 64-bit word gives two normals.

    Element e depends only on (seed, index, stream, e // 2), so asking for fewer elements returns a prefix.
    """
    bits = random_bits(seed, indices, stream, (count + 1) // 2)
    radius = torch.sqrt(-2.0 * torch.log(_bits_to_unit(_shift_right(bits, 64 - _UNIFORM_BITS))))
    angle = (2.0 * math.pi) * _bits_to_unit(bits & ((1 << _UNIFORM_BITS) - 1))
    pairs = torch.stack((radius * torch.cos(angle), radius * torch.sin(angle)), dim=-1)
    return pairs.flatten(start_dim=-2)[..., :count]


def random_ints(seed: int, indices: torch.Tensor, stream: int, count: int) -> torch.Tensor:
    """(len(indices), count) non-negative int64 words (62 random bits), for picks by modulo."""
    return _shift_right(random_bits(seed, indices, stream, count), 2)


def python_rng(seed: int, stream: int, *keys: int) -> random.Random:
    """A Python RNG keyed by (seed, stream, *keys), for per-item string work (grammar, word insertion)."""
    return random.Random(":".join(str(int(k)) for k in (seed, stream, *keys)))
