"""``sugar-hf predict`` and the Space read uploads through the same checks as ``read_skeleton_file``: special
files, exact containers and encodings are refused by each with the reader's own reason (the Space's words
without server paths), quickly, never read (a FIFO without a writer does not block)."""

from __future__ import annotations

import importlib.util
import io
import os
import sys
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest
from fuzz_families import seed_npy, seed_ntu
from tiny import tiny_config, tiny_tokenizer

from sugar_hf.skeleton.readers import SkeletonFormatError, read_skeleton_file

ROOT = Path(__file__).resolve().parent.parent


def _hostile(tmp_path: Path) -> dict[str, Path]:
    rng = np.random.default_rng(24)
    out = {}

    def folder(name):
        path = tmp_path / name
        path.mkdir()
        return path

    out["fifo"] = folder("fifo") / "clip.npy"
    os.mkfifo(out["fifo"])  # nobody writes: opening it would block
    out["zero"] = folder("zero") / "clip.npy"
    out["zero"].symlink_to("/dev/zero")
    out["trailing"] = folder("trailing") / "clip.npy"
    out["trailing"].write_bytes(seed_npy(rng) + bytes(64))
    member = seed_npy(rng)
    buf = io.BytesIO()
    with pytest.warns(UserWarning), zipfile.ZipFile(buf, "w") as z:  # zipfile warns of the duplicate name
        z.writestr("skeleton.npy", member)
        z.writestr("skeleton.npy", member)
    out["duplicate"] = folder("duplicate") / "clip.npz"
    out["duplicate"].write_bytes(buf.getvalue())
    out["utf16"] = folder("utf16") / "S001C001P001R001A001.skeleton"
    out["utf16"].write_bytes(seed_ntu(rng).decode().encode("utf-16"))
    return out


def _reason(path: Path) -> str:
    with pytest.raises(SkeletonFormatError) as info:
        read_skeleton_file(path)
    text = str(info.value)
    assert str(path) in text
    return text


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    from sugar_hf import SugarForActionRecognition, SugarProcessor
    from sugar_hf.demo import SEEN_ACTIONS

    folder = tmp_path_factory.mktemp("model")
    config = tiny_config(class_names=list(SEEN_ACTIONS))
    config.encoder_config.layout = "ntu25"
    SugarForActionRecognition(config).save_pretrained(folder)
    SugarProcessor.from_config(tiny_tokenizer(), config).save_pretrained(folder)
    return folder


def test_predict_refuses_what_the_readers_refuse(tmp_path, model_dir, capsys):
    from sugar_hf.cli import main

    for kind, path in _hostile(tmp_path).items():
        reason = _reason(path)
        start = time.perf_counter()
        assert main(["predict", str(model_dir), str(path)]) == 2, kind
        err = capsys.readouterr().err
        assert time.perf_counter() - start < 30, kind
        assert err.strip().splitlines()[-1] == f"error: {reason}", (kind, err)  # (model loading logs before)


def test_the_space_refuses_what_the_readers_refuse(tmp_path):
    pytest.importorskip("gradio")
    pytest.importorskip("plotly")
    name = "sugar_space_app_same_checks"
    spec = importlib.util.spec_from_file_location(name, ROOT / "space" / "app.py")
    app = importlib.util.module_from_spec(spec)
    sys.modules[name] = app
    spec.loader.exec_module(app)
    for kind, path in _hostile(tmp_path).items():
        reason = _reason(path)
        start = time.perf_counter()
        with pytest.raises(app.UserFacingError) as info:
            app.read_upload(str(path))
        assert time.perf_counter() - start < 2, kind
        shown = str(info.value)
        assert app._scrub(reason, path) in shown and str(tmp_path) not in shown, (kind, shown)
