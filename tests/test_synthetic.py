"""The benchmark's synthetic packages follow the real schemas with valid keys (no timing)."""

from __future__ import annotations

from pathlib import Path

from benchmarks.synthetic import copies_for, real_frames, replicate
from hanoi_coop.validation.validate import frame_findings, validate_package

from .conftest import ROOT


def test_replicas_keep_every_rule(tmp_path: Path):
    frames = real_frames(ROOT)
    synthetic = replicate(frames, 3)
    assert len(synthetic["evidence"]) == 3 * len(frames["evidence"])
    assert len(synthetic["sources"]) == len(frames["sources"])
    assert frame_findings(synthetic) == []


def test_a_written_synthetic_package_validates(tmp_path: Path):
    from benchmarks.synthetic import write_synthetic

    counts = write_synthetic(ROOT, 600, tmp_path / "synthetic")
    assert counts["evidence"] >= 600
    frames = real_frames(ROOT)
    assert copies_for(600, frames) == -(-600 // len(frames["evidence"]))  # ceiling
    assert validate_package(tmp_path / "synthetic", with_frictionless=False).problems == []
