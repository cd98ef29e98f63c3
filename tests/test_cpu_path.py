"""The CPU fast path keeps the science: same pairs, same net outputs, and it is on exactly where it should be."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import torch

from alignpredict import devices
from alignpredict.data.stereo_datamodule import StereoDataModule
from alignpredict.nets.conv import ConvEncoder


@pytest.mark.parametrize("source", ["dsprites", "shapes3d"])
def test_precomputed_pairs_equal_on_the_fly_pairs(source: str) -> None:
    plain = StereoDataModule(source=source, n_samples=300, jitter=0.2, noise_y=0.5, resolution=32)
    fast = StereoDataModule(source=source, n_samples=300, jitter=0.2, noise_y=0.5, resolution=32, precompute=True)
    plain.setup("fit")
    fast.setup("fit")
    indices = torch.tensor([0, 7, 150, 299])
    rendered, looked_up = plain.make_batch(indices), fast.make_batch(indices)
    assert set(rendered) == set(looked_up)
    for key in rendered:
        assert torch.equal(rendered[key], looked_up[key]), key


def test_32_px_keeps_the_geometry_and_the_mean_intensity() -> None:
    full = StereoDataModule(n_samples=64, jitter=0.0, noise_y=0.0, noise_x=0.0)
    half = StereoDataModule(n_samples=64, jitter=0.0, noise_y=0.0, noise_x=0.0, resolution=32)
    big, small = full.make_batch(torch.arange(64)), half.make_batch(torch.arange(64))
    assert small["x"].shape[-2:] == (32, 32) and big["x"].shape[-2:] == (64, 64)
    assert half.modalities["x"].shape == (1, 32, 32)
    assert torch.equal(big["label"], small["label"]) and torch.equal(big["pos"], small["pos"])
    # area-downsampling the 64 px views gives (up to resampling) the 32 px views: same object, same place
    pooled = torch.nn.functional.avg_pool2d(big["x"], 2)
    assert (pooled - small["x"]).abs().mean() < 0.02
    assert float(small["x"].mean()) == pytest.approx(float(big["x"].mean()), rel=0.05)


def test_resolution_other_than_32_or_64_is_refused() -> None:
    with pytest.raises(ValueError, match="resolution must be one of 32, 64"):
        StereoDataModule(resolution=48)


def test_channels_last_conv_encoder_gives_the_same_features() -> None:
    torch.manual_seed(0)
    encoder = ConvEncoder((1, 32, 32))
    images = torch.rand(8, 1, 32, 32)
    expected = encoder(images)
    encoder.to(memory_format=torch.channels_last)
    result = encoder(images.contiguous(memory_format=torch.channels_last))
    torch.testing.assert_close(result, expected, rtol=1e-4, atol=1e-5)


def test_fast_path_is_on_only_when_training_on_the_cpu(compose_app, monkeypatch) -> None:
    monkeypatch.setattr(devices, "cpu_has_native_bf16", lambda: True)
    on_cpu = devices.cpu_path(compose_app("train", "trainer=cpu"))
    assert on_cpu.precompute and on_cpu.channels_last and on_cpu.bf16 and on_cpu.threads >= 1
    assert devices.cpu_path(compose_app("train", "trainer=cpu", "cpu_fast.enabled=false")) == devices.CpuPath()
    monkeypatch.setattr(devices, "cpu_has_native_bf16", lambda: False)
    assert not devices.cpu_path(compose_app("train", "trainer=cpu")).bf16  # auto: only with native bf16
    assert devices.cpu_path(compose_app("train", "trainer=cpu", "cpu_fast.bf16=true")).bf16
    assert devices.cpu_path(compose_app("train", "trainer=cpu", "cpu_fast.threads=1")).threads == 1
    monkeypatch.setattr(devices, "trains_on_cpu", lambda cfg: False)  # a GPU job: nothing of the CPU path
    assert devices.cpu_path(compose_app("train", "trainer=cpu")) == devices.CpuPath()


def test_threads_are_shared_between_parallel_jobs(compose_app, monkeypatch) -> None:
    monkeypatch.setattr(devices, "parallel_jobs", lambda: 2)
    monkeypatch.setattr(devices.os, "cpu_count", lambda: 8)
    assert devices.cpu_path(compose_app("train", "trainer=cpu")).threads == 4


def test_plain_and_fast_runs_both_train_and_record_their_path(tiny_train, tmp_path: Path) -> None:
    from alignpredict.train import run

    fast = run(tiny_train("stereo", f"out_dir={tmp_path / 'fast'}", "data.resolution=32", "probe.curve_every=1"))
    plain = run(tiny_train("stereo", f"out_dir={tmp_path / 'plain'}", "data.resolution=32", "cpu_fast.enabled=false"))
    assert fast["cpu_fast_precompute"] == 1 and fast["cpu_fast_channels_last"] == 1
    assert plain["cpu_fast_precompute"] == plain["cpu_fast_channels_last"] == plain["cpu_fast_bf16"] == 0
    for metrics in (fast, plain):
        assert 0.0 <= metrics["logistic_acc"] <= 1.0 and 0.0 <= metrics["paper_acc"] <= 1.0
        assert metrics["probe_acc"] == metrics["logistic_acc"] and metrics["resolution"] == 32
    curve = pd.read_csv(tmp_path / "fast" / "probe_curve.csv")
    assert list(curve["epoch"]) == [0, 1]  # before training and after the one epoch
    assert curve["logistic_acc"].iloc[-1] == pytest.approx(fast["logistic_acc"])  # probe.weights=best, 1 epoch
