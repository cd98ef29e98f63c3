"""CaptionDataModule: image-caption pairs (synthetic scenes or COCO 2017) for the training stack.

Batches are dicts: "x" images (B, 3, S, S) in [0, 1] (normalisation, e.g. ImageNet mean/std, is the
image encoder's job), "y" token ids (B, L) padded with pad_id = 0, "y_mask" (B, L) bool of real tokens,
"label" (B,) class of the largest object, "index" (B,) item ids. SSL splits carry the nuisances: image
style noise (applied on the batch's device, in `on_after_batch_transfer`) and the text nuisance mode;
probe splits are always clean, with the first caption of each image, so evaluation is deterministic.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset, Sampler

from alignpredict.data.captions.coco import CocoCaptionSource
from alignpredict.data.captions.style_noise import ImageStyleNoise, draw_styles
from alignpredict.data.captions.synthetic import CaptionedScenes
from alignpredict.data.captions.text_nuisance import (
    STATISTIC_TOKENS,
    STYLE_WORDS,
    TEXT_NUISANCE_MODES,
    add_style_description,
    image_statistics,
    insert_statistics,
    scene_phrase,
    scene_vocabulary,
    statistic_tokens,
    style_description,
    swap_caption,
)
from alignpredict.data.captions.tokenizer import CaptionTokenizer, split_words
from alignpredict.data.counter_rng import python_rng
from alignpredict.data.protocol import Modality, PairedDataModule
from alignpredict.data.sampling import epoch_permutation
from alignpredict.data.splits import SPLITS, SSL_SPLITS, check_split, split_sizes

DEFAULT_FRACTIONS = {"ssl_train": 0.6, "ssl_val": 0.1, "probe_train": 0.15, "probe_val": 0.05, "probe_test": 0.1}
_STREAM_CAPTION, _STREAM_STYLE_TEXT = 0xCA7, 0x57E


class _BatchRequests(Sampler):
    """Yields (positions, epoch) per batch: shuffled in the (seed, epoch) order of `epoch_permutation`, the epoch
    set by the trainer (`set_epoch`), so captions are keyed by epoch too and a resumed run sees the same ones.

    Unshuffled passes yield epoch None, which asks the dataset for each image's first caption.
    """

    def __init__(self, n: int, batch_size: int, shuffle: bool, seed: int, drop_last: bool) -> None:
        self.n, self.batch_size, self.shuffle, self.seed, self.drop_last = n, batch_size, shuffle, seed, drop_last
        self.epoch = 0

    def set_epoch(self, epoch: int) -> None:
        self.epoch = int(epoch)

    def __len__(self) -> int:
        return self.n // self.batch_size if self.drop_last else math.ceil(self.n / self.batch_size)

    def __iter__(self) -> Iterator[tuple[list[int], int | None]]:
        order = epoch_permutation(self.n, self.seed, self.epoch) if self.shuffle else torch.arange(self.n)
        for batch in range(len(self)):
            yield (
                order[batch * self.batch_size : (batch + 1) * self.batch_size].tolist(),
                self.epoch if self.shuffle else None,
            )


class CaptionSplit(Dataset):
    """One split: `dataset[(positions, epoch)]` builds a whole batch (images rendered or read, captions encoded)."""

    def __init__(
        self,
        source: CaptionedScenes | CocoCaptionSource,
        rows: torch.Tensor,
        tokenizer: CaptionTokenizer,
        seed: int,
        random_caption: bool,
        text_nuisance: str | None = None,
        nuisance_strength: float = 0.0,
        style_jitter: float = 0.0,
        swap_probability: float = 0.0,
    ) -> None:
        self.source, self.rows, self.tokenizer, self.seed = source, rows, tokenizer, seed
        self.random_caption, self.mode = random_caption, text_nuisance
        self.strength, self.jitter, self.swap_probability = nuisance_strength, style_jitter, swap_probability
        self.pool_labels = source.labels[rows].numpy()
        self.pool_captions = [source.captions[r] for r in rows.tolist()]

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, request: tuple[Sequence[int], int | None]) -> dict[str, torch.Tensor]:
        positions, epoch = request
        random_caption = self.random_caption and epoch is not None
        rows = self.rows[torch.as_tensor(list(positions), dtype=torch.long)]
        images = self.source.images(rows)
        index, labels = self.source.item_ids[rows], self.source.labels[rows]
        stats = image_statistics(images).tolist() if self.mode == "text_only" else None
        draws = draw_styles(self.seed, index, self.strength) if self.mode == "style" else None
        sequences = []
        for b, (row, item, label) in enumerate(zip(rows.tolist(), index.tolist(), labels.tolist())):
            rng = python_rng(self.seed, _STREAM_CAPTION, item, -1 if epoch is None else epoch)
            captions = self.source.captions[row]
            caption = captions[rng.randrange(len(captions))] if random_caption else captions[0]
            if self.mode == "caption_swap":
                caption = swap_caption(caption, label, self.pool_labels, self.pool_captions, self.swap_probability, rng)
            words = split_words(caption)
            if self.mode == "scene":
                words += scene_phrase(self.source.scene_objects(row), self.source.class_names[label], self.strength)
            elif self.mode == "text_only":
                words = insert_statistics(words, statistic_tokens(stats[b], self.strength), rng)
            elif self.mode == "style":
                style_rng = python_rng(self.seed, _STREAM_STYLE_TEXT, item)  # per item, as the image's style is
                description = style_description(draws, b, self.jitter, style_rng)
                words = add_style_description(words, description, self.jitter, style_rng)
            sequences.append(self.tokenizer.encode_words(words))
        ids, mask = self.tokenizer.pad_batch(sequences)
        return {"x": images, "y": ids, "y_mask": mask, "label": labels, "index": index}


class CaptionDataModule(PairedDataModule):
    """Image-caption pairs with image style noise and text nuisance modes (docs/protocols/captions.md).

    source: "synthetic" (embedded captioned scenes, no download) or "coco" (COCO 2017 under `root`).
    For synthetic, the five splits are consecutive ranges of n_samples items. For COCO, ssl_train,
    ssl_val, probe_train and probe_val split the train2017 images (n_samples caps them, None = all; the
    probe_test fraction is ignored) and probe_test is the whole `test_split` (val2017), as in the paper.
    style_strength s in [0, 1]: image-only style noise on SSL images, n = 0 / 1 / 3 of 6 groups at
    s = 0 / 0.2 / 0.5, then blur sigma = 4 s. text_nuisance: None or one of text_only, style, scene,
    caption_swap, with nuisance_strength (how many statistics / style groups / scene categories),
    style_jitter (style mode) and swap_probability (caption_swap). In style mode the image styles come
    from nuisance_strength and match the description, so style_strength must then be 0.
    """

    def __init__(
        self,
        source: str = "synthetic",
        n_samples: int | None = 20000,
        seed: int = 0,
        batch_size: int = 256,
        split_fractions: Mapping[str, float] | None = None,
        style_strength: float = 0.0,
        text_nuisance: str | None = None,
        nuisance_strength: float = 0.5,
        style_jitter: float = 0.0,
        swap_probability: float = 0.0,
        image_size: int = 64,
        max_len: int = 40,
        min_freq: int = 3,
        max_vocab: int = 10000,
        vocab_path: str | None = None,
        n_classes: int = 16,
        prior_exponent: float = 1.0,
        p_name_dominant: float = 0.8,
        captions_per_image: int = 5,
        root: str | None = None,
        area_rule: str = "segmentation",
        train_split: str = "train2017",
        test_split: str = "val2017",
        num_workers: int = 0,
    ) -> None:
        super().__init__()
        if source not in ("synthetic", "coco"):
            raise ValueError(f"source must be 'synthetic' or 'coco'; got {source!r}")
        if text_nuisance is not None and text_nuisance not in TEXT_NUISANCE_MODES:
            raise ValueError(f"text_nuisance must be null or one of {TEXT_NUISANCE_MODES}; got {text_nuisance!r}")
        if text_nuisance == "style" and style_strength > 0:
            raise ValueError(
                "text_nuisance='style' styles the images itself (at nuisance_strength); set style_strength=0"
            )
        if source == "coco" and root is None:
            raise ValueError("source='coco' needs data.root: the folder holding train2017/, val2017/ and annotations/")
        if source == "synthetic" and n_samples is None:
            raise ValueError("source='synthetic' needs n_samples (how many scenes to generate)")
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1; got {batch_size}")
        self.source_name, self.n_samples, self.seed, self.batch_size = source, n_samples, int(seed), int(batch_size)
        self.fractions = dict(split_fractions or DEFAULT_FRACTIONS)
        self.text_nuisance, self.nuisance_strength = text_nuisance, float(nuisance_strength)
        self.style_jitter, self.swap_probability = float(style_jitter), float(swap_probability)
        self.image_size, self.max_len, self.min_freq, self.max_vocab = image_size, max_len, min_freq, max_vocab
        self.vocab_path, self.num_workers = vocab_path, num_workers
        self.synthetic_options = dict(
            n_classes=n_classes,
            prior_exponent=prior_exponent,
            p_name_dominant=p_name_dominant,
            captions_per_image=captions_per_image,
        )
        self.coco_options = dict(root=root, area_rule=area_rule, train_split=train_split, test_split=test_split)
        self.style_strength = float(style_strength)
        self.image_noise = (
            ImageStyleNoise(self.nuisance_strength, self.seed, extra_blur=False)
            if text_nuisance == "style"
            else ImageStyleNoise(self.style_strength, self.seed)
        )
        self.name = source
        self._splits: dict[str, CaptionSplit] = {}

    def setup(self, stage: str | None = None) -> None:
        """Build the sources, the five splits and the vocabulary (from ssl_train captions only); idempotent."""
        if self._splits:
            return
        placement = self._place_splits()
        train_source, train_rows = placement["ssl_train"]
        self.tokenizer = self._tokenizer(
            [c for r in train_rows.tolist() for c in train_source.captions[r]], train_source.class_names
        )
        self.class_names = train_source.class_names
        self.num_classes = len(self.class_names)
        self.modalities = {
            "x": Modality((3, self.image_size, self.image_size), "dense", "I"),
            "y": Modality((self.max_len,), "tokens", "T", vocab_size=len(self.tokenizer), pad_id=self.tokenizer.pad_id),
        }
        nuisance = dict(
            text_nuisance=self.text_nuisance,
            nuisance_strength=self.nuisance_strength,
            style_jitter=self.style_jitter,
            swap_probability=self.swap_probability,
        )
        for name, (source, rows) in placement.items():
            extra = nuisance if name in SSL_SPLITS else {}
            self._splits[name] = CaptionSplit(
                source, rows, self.tokenizer, self.seed, random_caption=name == "ssl_train", **extra
            )

    def _place_splits(self) -> dict[str, tuple[CaptionedScenes | CocoCaptionSource, torch.Tensor]]:
        """Each split as (source, rows): consecutive disjoint ranges (COCO's probe_test: the whole test split)."""
        if self.source_name == "synthetic":
            self.source = CaptionedScenes(self.n_samples, self.seed, self.image_size, **self.synthetic_options)
            sizes = split_sizes(len(self.source), self.fractions, SPLITS)
            sources = dict.fromkeys(SPLITS, self.source)
        else:
            options = self.coco_options
            self.source = CocoCaptionSource(
                options["root"],
                options["train_split"],
                options["area_rule"],
                self.image_size,
                max_images=self.n_samples,
            )
            self.test_source = CocoCaptionSource(
                options["root"], options["test_split"], options["area_rule"], self.image_size
            )
            pool = {name: float(self.fractions[name]) for name in SPLITS[:-1] if name in self.fractions}
            total = sum(pool.values()) or 1.0
            sizes = split_sizes(len(self.source), {k: v / total for k, v in pool.items()}, SPLITS[:-1])
            sizes["probe_test"] = len(self.test_source)
            sources = {**dict.fromkeys(SPLITS[:-1], self.source), "probe_test": self.test_source}
        placement, start = {}, 0
        for name in SPLITS:
            start = 0 if sources[name] is not self.source else start
            placement[name] = (sources[name], torch.arange(start, start + sizes[name]))
            start += sizes[name]
        return placement

    def _tokenizer(self, train_captions: list[str], class_names: Sequence[str]) -> CaptionTokenizer:
        if self.vocab_path is not None:
            try:
                return CaptionTokenizer.load(self.vocab_path)
            except FileNotFoundError:
                pass
        reserved = [*STATISTIC_TOKENS, *STYLE_WORDS, *scene_vocabulary(class_names)]
        tokenizer = CaptionTokenizer.build(train_captions, reserved, self.min_freq, self.max_vocab, self.max_len)
        if self.vocab_path is not None:
            tokenizer.save(self.vocab_path)
        return tokenizer

    def split_size(self, split: str) -> int:
        return len(self._split(split))

    def _split(self, split: str) -> CaptionSplit:
        check_split(split)
        if not self._splits:
            raise RuntimeError("call setup() before asking for data")
        return self._splits[split]

    def _loader(
        self,
        split: str,
        shuffle: bool,
        batch_size: int | None = None,
        drop_last: bool = False,
        persistent: bool = False,
    ) -> DataLoader:
        data = self._split(split)
        size = batch_size or self.batch_size
        sampler = _BatchRequests(len(data), size, shuffle, self.seed, drop_last and len(data) >= size)
        return DataLoader(
            data,
            sampler=sampler,
            batch_size=None,
            num_workers=self.num_workers,
            persistent_workers=persistent and self.num_workers > 0,
        )

    def train_dataloader(self) -> DataLoader:
        """Shuffled, seeded SSL batches with a random caption per image; the last partial batch is dropped."""
        return self._loader("ssl_train", shuffle=True, drop_last=True, persistent=True)

    def val_dataloader(self) -> DataLoader:
        return self._loader("ssl_val", shuffle=False, persistent=True)

    def on_after_batch_transfer(self, batch: dict[str, torch.Tensor], dataloader_idx: int) -> dict[str, torch.Tensor]:
        """Style the images where they now are (the Trainer only ever sees SSL loaders)."""
        return {**batch, "x": self.image_noise(batch["x"], batch["index"])}

    def iterate(self, split: str, device: torch.device | str, batch_size: int | None = None) -> Iterator[dict]:
        """Deterministic unshuffled pass (first caption per image); SSL splits styled, probe splits clean."""
        for batch in self._loader(split, shuffle=False, batch_size=batch_size):
            batch = {key: value.to(device) for key, value in batch.items()}
            yield self.on_after_batch_transfer(batch, 0) if split in SSL_SPLITS else batch

    def knobs(self) -> dict[str, float | str]:
        """Image style strength (the paper's sweep) and, when one is on, the text nuisance and its strength."""
        knobs: dict[str, float | str] = {"style": self.style_strength}
        if self.text_nuisance:
            knobs.update(text=self.text_nuisance, strength=self.nuisance_strength)
        return knobs

    def describe(self) -> dict[str, float | int | str]:
        """Flat facts for metrics.json: sizes, noise settings, vocabulary, majority baseline, source diagnostics."""
        probe_train = self._split("probe_train")
        test_labels = self._split("probe_test").pool_labels
        majority = int(np.bincount(probe_train.pool_labels, minlength=self.num_classes).argmax())
        facts: dict[str, float | int | str] = {
            "source": self.source_name,
            "n_samples": sum(self.split_size(s) for s in SPLITS),
            "image_size": self.image_size,
            **{f"n_{name}": self.split_size(name) for name in SPLITS},
            "num_classes": self.num_classes,
            "vocab_size": self.modalities["y"].vocab_size,
            "style_strength": self.style_strength,
            "n_style_groups": self.image_noise.n_groups,
            "blur_sigma": self.image_noise.sigma,
            "text_nuisance": self.text_nuisance or "none",
            "nuisance_strength": self.nuisance_strength,
            "majority_baseline": float(np.mean(test_labels == majority)),
        }
        if isinstance(self.source, CaptionedScenes):
            facts["label_naming_rate"] = self.source.label_naming_rate()
        else:
            for source in (self.source, self.test_source):
                facts.update({f"skipped_{source.split}_{k}": v for k, v in source.skipped.items()})
        return facts
