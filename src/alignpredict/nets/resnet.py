"""ResNet-18 image encoder (torchvision), never downloading weights, with a stem sized for small images.

The reference fine-tunes an ImageNet-pretrained ResNet-18 fetched at run time; offline we build it with
`weights=None` and, when the user has the file, load a local state_dict instead. Images arrive in [0, 1]
and are normalised here with the ImageNet statistics, so pixel decoders can regress the raw pixels.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import torch
from torch import nn
from torchvision.models import resnet18

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)
STEMS = ("imagenet", "small")
FEATURE_DIM = 512  # ResNet-18's pooled feature width


def load_local_weights(model: nn.Module, weights_path: str | Path) -> None:
    """Load a torchvision ResNet-18 state_dict from a local file (e.g. resnet18-f37072fd.pth), strictly."""
    path = Path(weights_path)
    if not path.is_file():
        raise FileNotFoundError(
            f"no ResNet-18 weights at {path}; give the path of a saved torchvision "
            "resnet18 state_dict, or weights_path=null to train from scratch"
        )
    state = torch.load(path, map_location="cpu", weights_only=True)
    if not isinstance(state, dict):
        raise ValueError(f"{path} does not hold a state_dict (got {type(state).__name__}); save model.state_dict()")
    try:
        model.load_state_dict(state)
    except RuntimeError as error:
        raise ValueError(f"{path} is not a torchvision resnet18 state_dict: {error}") from error


class ResNetEncoder(nn.Module):
    """ResNet-18 trunk -> global average pool -> Linear(512, latent_dim).

    stem "imagenet": the standard 7x7 stride-2 conv + max-pool (4x downsampling before layer1; the
    reference's choice for 224 px images); "small": a 3x3 stride-1 conv and no max-pool, so 32-64 px
    images keep enough resolution (the CIFAR adaptation). Local weights load before the stem is
    swapped, so with stem "small" only the first conv stays untrained.
    """

    def __init__(
        self,
        input_shape: Sequence[int],
        latent_dim: int = 128,
        stem: str = "imagenet",
        weights_path: str | None = None,
        normalize: bool = True,
    ) -> None:
        super().__init__()
        if len(input_shape) != 3 or input_shape[0] != 3:
            raise ValueError(
                f"ResNetEncoder needs RGB images shaped (3, H, W), got {tuple(input_shape)}; "
                "pick an encoder for this modality in the nets config (nets=...)"
            )
        if stem not in STEMS:
            raise ValueError(f"stem must be one of {STEMS}, got {stem!r}")
        trunk = resnet18(weights=None)
        if weights_path is not None:
            load_local_weights(trunk, weights_path)
        if stem == "small":
            trunk.conv1 = nn.Conv2d(3, 64, kernel_size=3, stride=1, padding=1, bias=False)
            trunk.maxpool = nn.Identity()
        trunk.fc = nn.Identity()
        self.trunk = trunk
        self.head = nn.Linear(FEATURE_DIM, latent_dim)
        self.normalize = normalize
        self.register_buffer("mean", torch.tensor(IMAGENET_MEAN).view(1, 3, 1, 1), persistent=False)
        self.register_buffer("std", torch.tensor(IMAGENET_STD).view(1, 3, 1, 1), persistent=False)
        self.latent_dim = latent_dim

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        if self.normalize:
            images = (images - self.mean) / self.std
        return self.head(self.trunk(images))
