"""Locating ../shared/data for the data-layer tests (skipped with a reason when absent)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


def shared_data() -> Path | None:
    candidates = [
        os.environ.get("SUGAR_HF_SHARED_DATA"),
        Path(__file__).resolve().parents[2] / "shared" / "data",
    ]
    for c in candidates:
        if c and Path(c).is_dir():
            return Path(c)
    return None


def require(*parts: str) -> Path:
    """The path under the shared data folder, or skip the test saying what is missing."""
    root = shared_data()
    if root is None:
        pytest.skip("real skeleton data not found: set SUGAR_HF_SHARED_DATA or place it at ../shared/data")
    path = root.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent from the shared data folder")
    return path
