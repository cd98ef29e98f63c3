"""The COCO 2017 loader on a tiny COCO-format fixture written here (non-contiguous ids, bad entries)."""

from __future__ import annotations

import json
from pathlib import Path

import hydra
import numpy as np
import pytest
import torch
from omegaconf import OmegaConf
from PIL import Image

from alignpredict.data.captions.coco import CocoCaptionSource
from alignpredict.data.captions.datamodule import CaptionDataModule

CATEGORIES = [{"id": 90, "name": "toothbrush"}, {"id": 1, "name": "person"}, {"id": 18, "name": "dog"}]


def _write_split(root: Path, split: str, first_id: int) -> None:
    """Eight listed images: 3 has no file, 4 has only empty captions, 5 has no instance, the other 5 are usable."""
    (root / split).mkdir(parents=True)
    (root / "annotations").mkdir(exist_ok=True)
    images, instances, captions = [], [], []
    for k in range(8):
        image_id = first_id + k
        width, height = 40 + 8 * k, 30 + 4 * k
        name = f"{image_id:012d}." + ("jpg" if k % 2 else "png")
        images.append({"id": image_id, "file_name": name, "width": width, "height": height})
        if k != 3:
            pixels = np.full((height, width, 3), 30 * k, dtype=np.uint8)
            Image.fromarray(pixels).save(root / split / name)
        if k != 5:
            # person: big bbox, small mask; dog: smaller bbox, bigger mask -> the two rules disagree
            instances.append(
                {
                    "id": 10 * image_id,
                    "image_id": image_id,
                    "category_id": 1,
                    "area": 50.0,
                    "bbox": [0, 0, 20, 20],
                    "iscrowd": 0,
                    "segmentation": [],
                }
            )
            instances.append(
                {
                    "id": 10 * image_id + 1,
                    "image_id": image_id,
                    "category_id": 18,
                    "area": 120.0,
                    "bbox": [width - 15, 0, 12, 12],
                    "iscrowd": 0,
                    "segmentation": [],
                }
            )
        texts = ["  ", ""] if k == 4 else [f"caption one of {image_id}", "", f"caption two of {image_id}"]
        captions += [{"id": 100 * image_id + j, "image_id": image_id, "caption": t} for j, t in enumerate(texts)]
    (root / "annotations" / f"instances_{split}.json").write_text(
        json.dumps({"images": images, "categories": CATEGORIES, "annotations": instances})
    )
    (root / "annotations" / f"captions_{split}.json").write_text(
        json.dumps({"images": images, "annotations": captions})
    )


@pytest.fixture(scope="module")
def coco_root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("coco")
    _write_split(root, "train2017", 1)
    _write_split(root, "val2017", 501)
    return root


def test_loader_labels_captions_and_counted_skips(coco_root):
    with pytest.warns(UserWarning, match="skipped 1 images with no file, 1 with no non-empty caption"):
        source = CocoCaptionSource(coco_root, "train2017", image_size=16)
    assert source.class_names == ["person", "dog", "toothbrush"]  # ids 1, 18, 90 -> 0, 1, 2
    assert source.item_ids.tolist() == [1, 2, 3, 7, 8]
    assert source.labels.tolist() == [1] * 5  # segmentation area: dog (120) beats person (50)
    assert source.skipped == {"missing_image": 1, "no_caption": 1, "empty_caption": 7}
    assert source.captions[0] == ["caption one of 1", "caption two of 1"]
    with pytest.warns(UserWarning):
        by_box = CocoCaptionSource(coco_root, "train2017", area_rule="bbox", image_size=16)
    assert by_box.labels.tolist() == [0] * 5  # bbox area: person (400) beats dog (144)
    objects = source.scene_objects(0)
    assert [o.name for o in objects] == ["person", "dog"]
    assert objects[0].area_fraction == pytest.approx(50 / (40 * 30)) and objects[0].center_x == pytest.approx(10 / 40)
    images = source.images(torch.tensor([0, 2]))
    assert images.shape == (2, 3, 16, 16) and images.dtype == torch.float32
    assert torch.allclose(images[1], torch.full((3, 16, 16), 60 / 255), atol=0.02)


def test_missing_files_give_clear_errors(coco_root, tmp_path):
    with pytest.raises(FileNotFoundError, match="instances json not found.*COCO_ROOT"):
        CocoCaptionSource(tmp_path, "train2017")
    with pytest.raises(ValueError, match="area_rule"):
        CocoCaptionSource(coco_root, "train2017", area_rule="mask")
    (tmp_path / "annotations").mkdir()
    (tmp_path / "annotations" / "instances_train2017.json").write_text("{}")
    (tmp_path / "annotations" / "captions_train2017.json").write_text("{}")
    with pytest.raises(FileNotFoundError, match="image folder"):
        CocoCaptionSource(tmp_path, "train2017")
    with pytest.raises(ValueError, match="needs data.root"):
        CaptionDataModule(source="coco")


def test_coco_datamodule_from_config(coco_root, conf_dir):
    cfg = OmegaConf.create(
        {"seed": 0, "n_samples": None, "batch_size": 2, "data": OmegaConf.load(conf_dir / "data" / "coco.yaml")}
    )
    cfg.data.root, cfg.data.image_size, cfg.data.min_freq, cfg.data.num_workers = str(coco_root), 16, 1, 0
    cfg.data.split_fractions = {"ssl_train": 0.4, "ssl_val": 0.2, "probe_train": 0.2, "probe_val": 0.2}
    dm = hydra.utils.instantiate(cfg.data)
    with pytest.warns(UserWarning, match="skipped"):
        dm.setup()
    assert dm.num_classes == 3 and dm.modalities["x"].shape == (3, 16, 16) and dm.modalities["y"].shape == (64,)
    sizes = [dm.split_size(s) for s in ("ssl_train", "ssl_val", "probe_train", "probe_val", "probe_test")]
    assert sizes == [2, 1, 1, 1, 5]
    test = list(dm.iterate("probe_test", "cpu"))
    assert torch.cat([b["index"] for b in test]).tolist() == [501, 502, 503, 507, 508]
    assert test[0]["x"].shape == (2, 3, 16, 16) and test[0]["label"].tolist() == [1, 1]
    # the first caption, deterministically; the image number is not a training word
    assert dm.tokenizer.decode(test[0]["y"][0]) == "caption one of <unk>"
    train_ids = set(torch.cat([b["index"] for b in dm.iterate("ssl_train", "cpu")]).tolist())
    probe_ids = {
        int(i)
        for split in ("ssl_val", "probe_train", "probe_val")
        for b in dm.iterate(split, "cpu")
        for i in b["index"]
    }
    assert train_ids == {1, 2} and probe_ids == {3, 7, 8}
    facts = dm.describe()
    assert facts["skipped_val2017_missing_image"] == 1 and facts["skipped_train2017_no_caption"] == 1
    assert facts["majority_baseline"] == 1.0 and facts["n_probe_test"] == 5
