"""COCO 2017 image-caption source read with pycocotools, for users who have the files.

Label rule: the category of the image's largest instance. `area_rule="segmentation"` (the default,
matching the reference's actual behaviour) ranks instances by the json `area` field, i.e. the
segmentation mask area; `area_rule="bbox"` ranks by bounding-box width x height (what the reference's
docstring claims). The 80 category ids (non-contiguous, 1..90) are sorted and remapped to 0..79;
iscrowd instances count, as in the reference. Only images with >= 1 instance are kept.
Images whose file is missing and images whose captions are all empty are skipped and counted once,
with one warning, when the source is built, so a bad file never stops an epoch half way.
"""

from __future__ import annotations

import contextlib
import io
import os
import warnings
from pathlib import Path

import numpy as np
import torch
from PIL import Image
from pycocotools.coco import COCO

from alignpredict.data.captions.text_nuisance import SceneObject

AREA_RULES = ("segmentation", "bbox")
RESIZE_RATIO = 256 / 224  # Resize(256) then CenterCrop(224), scaled to any crop size


def coco_paths(root: str | os.PathLike, split: str) -> tuple[Path, Path, Path]:
    """(image folder, instances json, captions json) of a COCO 2017 split, checked to exist."""
    base = Path(root).expanduser()
    images = base / split
    instances = base / "annotations" / f"instances_{split}.json"
    captions = base / "annotations" / f"captions_{split}.json"
    for path, what in ((instances, "instances json"), (captions, "captions json"), (images, "image folder")):
        if not path.exists():
            raise FileNotFoundError(
                f"COCO {what} not found at {path}. Point data.root (or the COCO_ROOT environment variable) at a folder "
                f"holding {split}/ and annotations/instances_{split}.json + captions_{split}.json, "
                "or use data=captions "
                "for the synthetic set that needs no download."
            )
    return images, instances, captions


def _load_coco(path: Path) -> COCO:
    with contextlib.redirect_stdout(io.StringIO()):  # pycocotools prints progress lines
        try:
            return COCO(str(path))
        except (ValueError, KeyError, TypeError) as err:
            raise ValueError(f"{path} is not a valid COCO annotation file ({err}); re-download it") from err


class CocoCaptionSource:
    """One COCO split: image paths, largest-instance labels, non-empty captions and instance records."""

    def __init__(
        self,
        root: str | os.PathLike,
        split: str = "train2017",
        area_rule: str = "segmentation",
        image_size: int = 224,
        max_images: int | None = None,
    ) -> None:
        if area_rule not in AREA_RULES:
            raise ValueError(f"area_rule must be one of {AREA_RULES}; got {area_rule!r}")
        if image_size < 16:
            raise ValueError(f"image_size must be >= 16 pixels; got {image_size}")
        self.image_size, self.split = int(image_size), split
        image_dir, instances_path, captions_path = coco_paths(root, split)
        instances, captions = _load_coco(instances_path), _load_coco(captions_path)
        category_ids = sorted(instances.cats)
        contiguous = {cat: i for i, cat in enumerate(category_ids)}
        self.class_names = [instances.cats[c]["name"] for c in category_ids]
        self.skipped = {"missing_image": 0, "no_caption": 0, "empty_caption": 0}
        paths, labels, ids, texts, objects = [], [], [], [], []
        for image_id in sorted(instances.imgs):
            annotations = instances.imgToAnns.get(image_id, [])
            if not annotations:
                continue
            info = instances.imgs[image_id]
            path = image_dir / info["file_name"]
            if not path.is_file():
                self.skipped["missing_image"] += 1
                continue
            raw = [str(c.get("caption", "")).strip() for c in captions.imgToAnns.get(image_id, [])]
            kept = [c for c in raw if c]
            self.skipped["empty_caption"] += len(raw) - len(kept)
            if not kept:
                self.skipped["no_caption"] += 1
                continue
            sizes = [self._area(a, area_rule) for a in annotations]
            labels.append(contiguous[annotations[int(np.argmax(sizes))]["category_id"]])
            paths.append(path)
            ids.append(image_id)
            texts.append(kept)
            width, height = float(info["width"]), float(info["height"])
            objects.append(
                [
                    (
                        contiguous[a["category_id"]],
                        float(a["area"]) / (width * height),
                        (a["bbox"][0] + a["bbox"][2] / 2) / width,
                    )
                    for a in annotations
                ]
            )
            if max_images is not None and len(paths) >= max_images:
                break
        if not paths:
            raise ValueError(f"no usable image in COCO {split} under {root} (skipped: {self.skipped}); check the files")
        if any(self.skipped.values()):
            warnings.warn(
                f"COCO {split}: skipped {self.skipped['missing_image']} images with no file, "
                f"{self.skipped['no_caption']} with no non-empty caption, and dropped "
                f"{self.skipped['empty_caption']} empty captions",
                stacklevel=2,
            )
        self.paths, self.captions, self._objects = paths, texts, objects
        self.labels = torch.tensor(labels, dtype=torch.long)
        self.item_ids = torch.tensor(ids, dtype=torch.long)

    @staticmethod
    def _area(annotation: dict, rule: str) -> float:
        if rule == "segmentation":
            return float(annotation["area"])
        _, _, width, height = annotation["bbox"]
        return float(width) * float(height)

    def __len__(self) -> int:
        return len(self.paths)

    def scene_objects(self, row: int) -> list[SceneObject]:
        return [SceneObject(self.class_names[c], area, cx) for c, area, cx in self._objects[row]]

    def _load(self, path: Path) -> torch.Tensor:
        """Resize the short side to size*256/224, centre-crop size x size, scale to [0, 1] (3, S, S)."""
        try:
            with Image.open(path) as image:
                image = image.convert("RGB")
                width, height = image.size
                short = round(self.image_size * RESIZE_RATIO)
                scale = short / min(width, height)
                new_w, new_h = max(short, round(width * scale)), max(short, round(height * scale))
                image = image.resize((new_w, new_h), Image.BILINEAR)
                left, top = (new_w - self.image_size) // 2, (new_h - self.image_size) // 2
                image = image.crop((left, top, left + self.image_size, top + self.image_size))
                array = np.asarray(image, dtype=np.uint8)
        except OSError as err:
            raise ValueError(f"cannot read COCO image {path} ({err}); replace or delete the file") from err
        return torch.from_numpy(array.copy()).permute(2, 0, 1).float() / 255.0

    def images(self, rows: torch.Tensor) -> torch.Tensor:
        """(B, 3, S, S) float32 images in [0, 1] for source rows `rows`."""
        return torch.stack([self._load(self.paths[int(r)]) for r in torch.as_tensor(rows).flatten()])
