"""Word-level caption tokenizer: lowercase, split into words and punctuation, fixed special ids.

Why word level: the reference trains its text encoder from scratch on a word vocabulary (no pretrained
text model), and a word vocabulary built from training captions only keeps test words out of the model.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

import torch

from alignpredict.utils.io import write_json

PAD, UNK, BOS, EOS, SEP = "<pad>", "<unk>", "<bos>", "<eos>", "<sep>"
SPECIAL_TOKENS: tuple[str, ...] = (PAD, UNK, BOS, EOS, SEP)
_TOKEN_PATTERN = re.compile(r"<[a-z]+>|[a-z0-9_]+(?:'[a-z]+)?|[^\sa-z0-9_]")


def split_words(text: str) -> list[str]:
    """Lowercase `text` and split it into word, number and single punctuation tokens (specials kept whole)."""
    return _TOKEN_PATTERN.findall(text.lower())


class CaptionTokenizer:
    """A fixed vocabulary: specials (pad=0, unk=1, bos=2, eos=3, sep=4), reserved tokens, then corpus words."""

    def __init__(self, tokens: Sequence[str], max_len: int = 64) -> None:
        if tuple(tokens[: len(SPECIAL_TOKENS)]) != SPECIAL_TOKENS:
            raise ValueError(
                f"a vocabulary must start with the special tokens {SPECIAL_TOKENS}; got {list(tokens[:5])}"
            )
        if len(set(tokens)) != len(tokens):
            raise ValueError("the vocabulary has duplicate tokens; rebuild it with CaptionTokenizer.build")
        if max_len < 3:
            raise ValueError(f"max_len must be >= 3 (bos, one token, eos); got {max_len}")
        self.tokens: list[str] = list(tokens)
        self.max_len = int(max_len)
        self._ids = {token: i for i, token in enumerate(self.tokens)}
        self.pad_id, self.unk_id, self.bos_id, self.eos_id, self.sep_id = range(len(SPECIAL_TOKENS))

    @classmethod
    def build(
        cls,
        captions: Iterable[str],
        reserved: Sequence[str] = (),
        min_freq: int = 3,
        max_size: int = 10_000,
        max_len: int = 64,
    ) -> CaptionTokenizer:
        """Vocabulary from training captions: words seen >= min_freq times, most frequent first, capped at max_size."""
        if min_freq < 1:
            raise ValueError(f"min_freq must be >= 1; got {min_freq}")
        head = list(SPECIAL_TOKENS) + [t for t in dict.fromkeys(reserved) if t not in SPECIAL_TOKENS]
        if max_size < len(head):
            raise ValueError(f"max_size={max_size} is smaller than the {len(head)} special and reserved tokens")
        counts = Counter(word for caption in captions for word in split_words(caption))
        taken = set(head)
        ranked = sorted(
            (w for w, c in counts.items() if c >= min_freq and w not in taken), key=lambda w: (-counts[w], w)
        )
        return cls(head + ranked[: max_size - len(head)], max_len=max_len)

    def __len__(self) -> int:
        return len(self.tokens)

    def token_id(self, token: str) -> int:
        return self._ids.get(token, self.unk_id)

    def encode_words(self, words: Sequence[str]) -> list[int]:
        """bos + word ids + eos, truncated to max_len with eos kept last (not padded)."""
        body = [self.token_id(w) for w in words][: self.max_len - 2]
        return [self.bos_id, *body, self.eos_id]

    def encode(self, text: str) -> list[int]:
        return self.encode_words(split_words(text))

    def pad_batch(self, sequences: Sequence[Sequence[int]]) -> tuple[torch.Tensor, torch.Tensor]:
        """(B, max_len) LongTensor of ids padded with pad_id, and the (B, max_len) bool mask of real tokens."""
        ids = torch.full((len(sequences), self.max_len), self.pad_id, dtype=torch.long)
        for row, seq in enumerate(sequences):
            if len(seq) > self.max_len:
                raise ValueError(f"sequence of length {len(seq)} exceeds max_len={self.max_len}; encode it first")
            ids[row, : len(seq)] = torch.as_tensor(seq, dtype=torch.long)
        return ids, ids != self.pad_id

    def decode(self, ids: Sequence[int] | torch.Tensor, skip_special: bool = True) -> str:
        """Ids back to space-joined tokens; with skip_special, pad/bos/eos are dropped (unk and sep stay visible)."""
        values = ids.tolist() if isinstance(ids, torch.Tensor) else list(ids)
        hidden = {self.pad_id, self.bos_id, self.eos_id} if skip_special else set()
        return " ".join(self.tokens[i] for i in values if i not in hidden)

    def save(self, path: str | os.PathLike) -> Path:
        """Write the vocabulary as JSON atomically (never into a dataset root: callers pass a run-dir path)."""
        return write_json(path, {"tokens": self.tokens, "max_len": self.max_len})

    @classmethod
    def load(cls, path: str | os.PathLike) -> CaptionTokenizer:
        target = Path(path)
        if not target.is_file():
            raise FileNotFoundError(
                f"no vocabulary file at {target}; build one with CaptionTokenizer.build(...).save(path)"
            )
        data = json.loads(target.read_text())
        if not isinstance(data, dict) or "tokens" not in data:
            raise ValueError(f"{target} is not a saved CaptionTokenizer (expected a JSON object with 'tokens')")
        return cls(data["tokens"], max_len=int(data.get("max_len", 64)))
