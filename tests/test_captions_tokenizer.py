"""Caption tokenizer: vocabulary from training captions, special ids, encode/decode/pad, atomic save/load."""

from __future__ import annotations

import json

import pytest
import torch

from alignpredict.data.captions.tokenizer import SPECIAL_TOKENS, CaptionTokenizer, split_words

CAPTIONS = ["A red ball, next to a box.", "a red ball.", "A ball near a box!", "a kite."]


def test_split_lowercases_and_separates_punctuation():
    assert split_words("A Red ball, next to <sep> a box!") == [
        "a",
        "red",
        "ball",
        ",",
        "next",
        "to",
        "<sep>",
        "a",
        "box",
        "!",
    ]


def test_vocabulary_has_specials_first_then_reserved_then_frequent_words():
    tok = CaptionTokenizer.build(CAPTIONS, reserved=["very_dark", "<sep>"], min_freq=2)
    assert tok.tokens[:5] == list(SPECIAL_TOKENS)
    assert (tok.pad_id, tok.unk_id, tok.bos_id, tok.eos_id, tok.sep_id) == (0, 1, 2, 3, 4)
    assert tok.tokens[5] == "very_dark"
    # counts: a=6, ball=3, .=3, box=2, red=2; kite/next/to/near/,/! appear once
    assert tok.tokens[6:] == ["a", ".", "ball", "box", "red"]
    assert tok.encode("a kite") == [tok.bos_id, tok.token_id("a"), tok.unk_id, tok.eos_id]


def test_round_trip_padding_and_truncation():
    tok = CaptionTokenizer.build(CAPTIONS, min_freq=1, max_len=6)
    ids, mask = tok.pad_batch([tok.encode("a red ball."), tok.encode("a red ball next to a box")])
    assert ids.shape == (2, 6) and ids.dtype == torch.long and mask.dtype == torch.bool
    assert tok.decode(ids[0]) == "a red ball ."
    assert mask[0].tolist() == [True] * 6 and ids[0, -1] == tok.eos_id
    assert ids[1, -1] == tok.eos_id and tok.decode(ids[1]) == "a red ball next"  # truncated, eos forced last
    short, short_mask = tok.pad_batch([tok.encode("a")])
    assert short[0].tolist() == [tok.bos_id, tok.token_id("a"), tok.eos_id, 0, 0, 0]
    assert short_mask[0].tolist() == [True, True, True, False, False, False]


def test_save_load_round_trip(tmp_path):
    tok = CaptionTokenizer.build(CAPTIONS, reserved=["<sep>", "warm_toned"], min_freq=1, max_len=12)
    path = tok.save(tmp_path / "vocab.json")
    assert json.loads(path.read_text())["tokens"] == tok.tokens
    assert not [p for p in tmp_path.iterdir() if p.name != "vocab.json"]  # no temp file left behind
    again = CaptionTokenizer.load(path)
    assert again.tokens == tok.tokens and again.max_len == 12
    assert again.encode("a red kite !") == tok.encode("a red kite !")


def test_bad_inputs_raise_clear_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="no vocabulary file"):
        CaptionTokenizer.load(tmp_path / "missing.json")
    (tmp_path / "bad.json").write_text("[1, 2]")
    with pytest.raises(ValueError, match="not a saved CaptionTokenizer"):
        CaptionTokenizer.load(tmp_path / "bad.json")
    with pytest.raises(ValueError, match="special tokens"):
        CaptionTokenizer(["a", "b"])
    with pytest.raises(ValueError, match="min_freq"):
        CaptionTokenizer.build(CAPTIONS, min_freq=0)
