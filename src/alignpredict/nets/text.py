"""Word-token nets trained from scratch (the reference uses no pretrained text model): a small Transformer
caption encoder and a non-autoregressive caption decoder that emits all positions at once.

Both take `vocab_size` from the datamodule's vocabulary at build time; ids equal to `pad_id` are padding.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn


def _sequence_length(shape: Sequence[int], net: str) -> int:
    if len(shape) != 1 or shape[0] < 1:
        raise ValueError(
            f"{net} needs token-id sequences shaped (L,), got {tuple(shape)}; "
            "pick a net for this modality in the nets config (nets=...)"
        )
    return int(shape[0])


def _check_vocab(vocab_size: int | None, net: str) -> int:
    if vocab_size is None or vocab_size < 2:
        raise ValueError(
            f"{net} needs the vocabulary size (got {vocab_size}); it is filled in from a datamodule "
            "with a caption vocabulary (data=captions or data=coco)"
        )
    return int(vocab_size)


class TextEncoder(nn.Module):
    """Token + learned position embeddings -> Transformer encoder -> mean over real tokens -> Linear(latent)."""

    def __init__(
        self,
        input_shape: Sequence[int],
        vocab_size: int | None,
        latent_dim: int = 128,
        embed_dim: int = 256,
        num_layers: int = 2,
        num_heads: int = 4,
        ffn_dim: int = 1024,
        dropout: float = 0.1,
        pad_id: int = 0,
    ) -> None:
        super().__init__()
        length = _sequence_length(input_shape, "TextEncoder")
        vocab = _check_vocab(vocab_size, "TextEncoder")
        self.tokens = nn.Embedding(vocab, embed_dim, padding_idx=pad_id)
        self.positions = nn.Parameter(torch.randn(1, length, embed_dim) * 0.02)
        layer = nn.TransformerEncoderLayer(embed_dim, num_heads, ffn_dim, dropout, batch_first=True)
        self.transformer = nn.TransformerEncoder(layer, num_layers, enable_nested_tensor=False)
        self.head = nn.Linear(embed_dim, latent_dim)
        self.pad_id = pad_id
        self.latent_dim = latent_dim

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        real = ids != self.pad_id
        hidden = self.transformer(self.tokens(ids) + self.positions[:, : ids.shape[1]], src_key_padding_mask=~real)
        weights = real.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * weights).sum(dim=1) / weights.sum(dim=1).clamp_min(1.0)
        return self.head(pooled)


class CaptionDecoder(nn.Module):
    """latent -> Linear(hidden) + learned position queries -> LayerNorm -> Linear -> GELU -> Linear(vocab).

    Non-autoregressive, as in the reference: every position's token distribution is read off the same
    latent, so the loss asks the latent to hold the caption's content, not a language model.
    Output: (B, L, vocab_size) logits.
    """

    def __init__(
        self, output_shape: Sequence[int], vocab_size: int | None, latent_dim: int = 128, hidden_dim: int = 512
    ) -> None:
        super().__init__()
        length = _sequence_length(output_shape, "CaptionDecoder")
        vocab = _check_vocab(vocab_size, "CaptionDecoder")
        self.project = nn.Linear(latent_dim, hidden_dim)
        self.positions = nn.Parameter(torch.randn(1, length, hidden_dim) * 0.02)
        self.per_position = nn.Sequential(
            nn.LayerNorm(hidden_dim), nn.Linear(hidden_dim, hidden_dim), nn.GELU(), nn.Linear(hidden_dim, vocab)
        )

    def forward(self, latent: torch.Tensor) -> torch.Tensor:
        return self.per_position(self.project(latent).unsqueeze(1) + self.positions)
