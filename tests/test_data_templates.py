"""Template sources: procedural dSprites / 3DShapes, and the official-file loaders on tiny files in the official
formats."""

from __future__ import annotations

from pathlib import Path

import h5py
import numpy as np
import pytest
import torch

from alignpredict.data import dsprites, shapes3d

TINY_ROWS = (2, 5, 9)  # where the tiny npz puts the three canonical sprites (the loader's `indices` hook)


def test_canonical_indices_match_the_official_factor_bases() -> None:
    assert dsprites.CANONICAL_INDICES == (205328, 451088, 696848)
    assert shapes3d.CANONICAL_INDICES == (420, 435, 450, 465)


def test_procedural_sprites_are_binary_centred_and_calibrated() -> None:
    templates = dsprites.render_dsprites_templates()
    images = templates.images
    assert images.shape == (3, 1, 64, 64) and templates.source == "procedural"
    assert set(images.unique().tolist()) == {0.0, 1.0}
    assert torch.equal(templates.masks, images)
    areas = images.sum(dim=(1, 2, 3))
    assert float(areas.mean()) == pytest.approx(300, rel=0.1)  # ~300 px at scale 1 (docs/protocols/stereo.md)
    rows, cols = torch.meshgrid(torch.arange(64.0), torch.arange(64.0), indexing="ij")
    for image in images[:, 0]:
        centre = ((image * rows).sum() / image.sum(), (image * cols).sum() / image.sum())
        assert abs(float(centre[1]) + 0.5 - dsprites.CENTRE_PX) < 1.0
        assert abs(float(centre[0]) + 0.5 - dsprites.CENTRE_PX) < 3.0  # the heart's mass sits above its box centre
    assert len({tuple(image.flatten().tolist()) for image in images}) == 3


def test_procedural_scenes_are_rgb_quantised_and_differ_by_shape() -> None:
    templates = shapes3d.render_shapes3d_templates()
    assert templates.images.shape == (4, 3, 64, 64) and templates.masks.shape == (4, 1, 64, 64)
    assert 0.0 <= float(templates.images.min()) and float(templates.images.max()) <= 1.0
    levels = templates.images * 255
    torch.testing.assert_close(levels, levels.round(), atol=1e-4, rtol=0)
    object_areas = templates.masks.sum(dim=(1, 2, 3))
    assert bool((object_areas > 100).all()) and bool((object_areas < 0.5 * 64 * 64).all())
    for a in range(4):
        for b in range(a + 1, 4):
            assert float((templates.masks[a] != templates.masks[b]).float().sum()) > 30
    red, green = templates.images[:, 0], templates.images[:, 1]
    assert bool((red >= green).all())  # hue 0 everywhere: a red scene


def _write_tiny_dsprites(
    path: Path,
    images: np.ndarray | None = None,
    classes: np.ndarray | None = None,
    compressed: bool = True,
    drop: str | None = None,
) -> np.ndarray:
    """An npz with the official keys whose rows TINY_ROWS hold the canonical sprites; returns those sprites."""
    rng = np.random.default_rng(0)
    if images is None:
        images = (rng.random((12, 64, 64)) < 0.2).astype(np.uint8)
    if classes is None:
        classes = rng.integers(0, 3, size=(12, 6))
        classes[list(TINY_ROWS)] = dsprites.CANONICAL_CLASSES
    arrays = {
        "imgs": images,
        "latents_classes": classes,
        "latents_values": classes.astype(np.float64),
        "metadata": np.array({"latents_sizes": np.array([1, 3, 6, 40, 32, 32])}, dtype=object),
    }
    if drop:
        arrays.pop(drop)
    (np.savez_compressed if compressed else np.savez)(path, **arrays)
    return images[list(TINY_ROWS)]


@pytest.mark.parametrize("compressed", [True, False])
def test_official_dsprites_loader_reads_exactly_the_canonical_rows(tmp_path: Path, compressed: bool) -> None:
    path = tmp_path / "dsprites.npz"
    expected = _write_tiny_dsprites(path, compressed=compressed)
    templates = dsprites.load_dsprites_templates(path, indices=TINY_ROWS)
    assert templates.source == "official" and templates.images.dtype == torch.float32
    assert templates.images.shape == (3, 1, 64, 64)
    assert np.array_equal(templates.images[:, 0].numpy(), expected.astype(np.float32))


def test_dsprites_loader_needs_rows_the_file_has(tmp_path: Path) -> None:
    path = tmp_path / "dsprites.npz"
    _write_tiny_dsprites(path)
    with pytest.raises(ValueError, match="row 696848 is needed"):
        dsprites.load_dsprites_templates(path)


@pytest.mark.parametrize(
    ("writer_kwargs", "message"),
    [
        ({"drop": "imgs"}, "keys"),
        ({"drop": "latents_classes"}, "keys"),
        ({"images": np.zeros((12, 32, 32), dtype=np.uint8)}, r"shape \(N, 64, 64\)"),
        ({"images": np.full((12, 64, 64), 255, dtype=np.uint8)}, "binary"),
        ({"classes": np.zeros((12, 6), dtype=np.int64)}, "latents_classes"),
    ],
)
def test_wrong_dsprites_contents_are_clear_errors(tmp_path: Path, writer_kwargs: dict, message: str) -> None:
    path = tmp_path / "dsprites.npz"
    _write_tiny_dsprites(path, **writer_kwargs)
    with pytest.raises(ValueError, match=message):
        dsprites.load_dsprites_templates(path, indices=TINY_ROWS)


def test_corrupt_or_missing_dsprites_files_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="template_path=null"):
        dsprites.load_dsprites_templates(tmp_path / "absent.npz")
    garbage = tmp_path / "garbage.npz"
    garbage.write_bytes(b"this is not a zip archive" * 10)
    with pytest.raises(ValueError, match="not a readable npz"):
        dsprites.load_dsprites_templates(garbage, indices=TINY_ROWS)
    good = tmp_path / "good.npz"
    _write_tiny_dsprites(good)
    data = good.read_bytes()
    truncated = tmp_path / "truncated.npz"
    truncated.write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match="not a readable npz"):
        dsprites.load_dsprites_templates(truncated, indices=TINY_ROWS)
    flipped = bytearray(data)
    middle = len(flipped) // 3
    flipped[middle : middle + 64] = bytes(64)
    damaged = tmp_path / "damaged.npz"
    damaged.write_bytes(bytes(flipped))
    with pytest.raises(ValueError, match="not a readable npz"):
        dsprites.load_dsprites_templates(damaged, indices=TINY_ROWS)


def _write_sparse_shapes3d(
    path: Path, labels_override: np.ndarray | None = None, images_shape: tuple[int, ...] = (480_000, 64, 64, 3)
) -> np.ndarray:
    """A full-size 3dshapes.h5 in chunked storage: only the canonical rows are written, so it stays tiny."""
    rng = np.random.default_rng(1)
    canonical = rng.integers(0, 256, size=(4, *images_shape[1:]), dtype=np.uint8)
    with h5py.File(path, "w") as handle:
        images = handle.create_dataset("images", shape=images_shape, dtype=np.uint8, chunks=(1, *images_shape[1:]))
        labels = handle.create_dataset("labels", shape=(480_000, 6), dtype=np.float64, chunks=(64, 6))
        for row, image, label in zip(shapes3d.CANONICAL_INDICES, canonical, shapes3d.CANONICAL_LABELS):
            images[row] = image
            labels[row] = label if labels_override is None else labels_override
    return canonical


def test_official_shapes3d_loader_reads_the_canonical_rows(tmp_path: Path) -> None:
    path = tmp_path / "3dshapes.h5"
    canonical = _write_sparse_shapes3d(path)
    assert path.stat().st_size < 5_000_000
    templates = shapes3d.load_shapes3d_templates(path)
    assert templates.source == "official" and templates.images.shape == (4, 3, 64, 64)
    expected = torch.from_numpy(canonical.astype(np.float32) / 255).permute(0, 3, 1, 2)
    torch.testing.assert_close(templates.images, expected, rtol=0, atol=0)
    assert torch.equal(templates.masks, shapes3d.render_shapes3d_templates().masks)


def test_wrong_or_corrupt_shapes3d_files_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="template_path=null"):
        shapes3d.load_shapes3d_templates(tmp_path / "absent.h5")
    wrong_labels = tmp_path / "labels.h5"
    _write_sparse_shapes3d(wrong_labels, labels_override=np.zeros(6))
    with pytest.raises(ValueError, match="not the official layout"):
        shapes3d.load_shapes3d_templates(wrong_labels)
    wrong_shape = tmp_path / "shape.h5"
    _write_sparse_shapes3d(wrong_shape, images_shape=(480_000, 32, 32, 3))
    with pytest.raises(ValueError, match=r"shape \(N, 64, 64, 3\)"):
        shapes3d.load_shapes3d_templates(wrong_shape)
    missing = tmp_path / "missing.h5"
    with h5py.File(missing, "w") as handle:
        handle.create_dataset("imgs", data=np.zeros((1, 64, 64, 3), dtype=np.uint8))
    with pytest.raises(ValueError, match="missing"):
        shapes3d.load_shapes3d_templates(missing)
    not_h5 = tmp_path / "dsprites.npz"
    _write_tiny_dsprites(not_h5)
    with pytest.raises(ValueError, match="not a readable HDF5"):
        shapes3d.load_shapes3d_templates(not_h5)


@pytest.mark.slow
def test_full_size_official_npz_is_read_without_materialising_imgs(tmp_path: Path) -> None:
    """A 737,280-image npz streamed to disk (3 GB of pixels, mostly zeros); loading must stay small in memory."""
    import resource
    import zipfile

    path = tmp_path / "dsprites_ndarray_co1sh3sc6or40x32y32_64x64.npz"
    n_images, sprites = 737_280, dsprites.render_dsprites_templates().images[:, 0].numpy().astype(np.uint8)
    chunk = 16_384
    classes = np.zeros((n_images, 6), dtype=np.int64)
    classes[list(dsprites.CANONICAL_INDICES)] = dsprites.CANONICAL_CLASSES
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        with archive.open("imgs.npy", "w", force_zip64=True) as member:
            np.lib.format.write_array_header_2_0(
                member, {"descr": "|u1", "fortran_order": False, "shape": (n_images, 64, 64)}
            )
            for start in range(0, n_images, chunk):
                block = np.zeros((chunk, 64, 64), dtype=np.uint8)
                for shape, row in enumerate(dsprites.CANONICAL_INDICES):
                    if start <= row < start + chunk:
                        block[row - start] = sprites[shape]
                member.write(block.tobytes())
        with archive.open("latents_classes.npy", "w", force_zip64=True) as member:
            np.lib.format.write_array(member, classes)
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    templates = dsprites.load_dsprites_templates(path)
    peak_growth_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before
    assert np.array_equal(templates.images[:, 0].numpy(), sprites.astype(np.float32))
    assert peak_growth_kib < 200_000  # the pixels alone are 3 GB as uint8, 12 GB as float32
