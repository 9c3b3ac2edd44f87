"""Fixtures shared by the test modules (pytest finds them here; no imports needed)."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def tokenizer():
    """The tiny word-level tokenizer of ``tests/tiny.py``, one per test module."""
    from tiny import tiny_tokenizer  # here, not at the top: a test that needs no model imports no sugar_hf

    return tiny_tokenizer()


@pytest.fixture(scope="module")
def processor(tokenizer):
    """A SugarProcessor matching ``tiny_config()`` (Kinect v1 layout, 2 persons, 16 frames), one per module (a
    module's own ``processor`` fixture takes precedence)."""
    from tiny import tiny_config

    from sugar_hf import SugarProcessor

    return SugarProcessor.from_config(tokenizer, tiny_config())


@pytest.fixture(params=["c_fast_path", "pure_python"])
def ntu_path(request, monkeypatch):
    """Run an NTU test through the C fast path (where built) and with it disabled."""
    from sugar_hf.skeleton.readers import ntu

    if request.param == "pure_python":
        monkeypatch.setattr(ntu, "_ntu_fast", None)
    elif ntu._ntu_fast is None:
        pytest.skip("C fast path not built")
    return request.param
