"""The Gradio Space: started on 127.0.0.1 with a tiny random model, driven by gradio_client and by Playwright
on Debian's Chromium (never a downloaded browser)."""

from __future__ import annotations

import importlib.util
import os
import shutil
import socket
import sys
from pathlib import Path

import numpy as np
import pytest

os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
pytest.importorskip("gradio")
pytest.importorskip("plotly")

from tiny import tiny_config, tiny_tokenizer  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(os.environ.get("SUGAR_TEST_ARTIFACTS", ROOT / "tests" / "artifacts"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def save_tiny_model(folder: Path) -> Path:
    """A tiny random SugarForActionRecognition + processor on the NTU-25 layout, saved like a checkpoint."""
    from sugar_hf import SugarForActionRecognition, SugarProcessor
    from sugar_hf.demo import SEEN_ACTIONS

    config = tiny_config(class_names=list(SEEN_ACTIONS))
    config.encoder_config.layout = "ntu25"
    model = SugarForActionRecognition(config)
    processor = SugarProcessor.from_config(tiny_tokenizer(), config)
    model.save_pretrained(folder)
    processor.save_pretrained(folder)
    return folder


@pytest.fixture(scope="module")
def space(tmp_path_factory):
    """``(app module, url, files)``: the Space running in this process on a free port."""
    tmp = tmp_path_factory.mktemp("space")
    model_dir = save_tiny_model(tmp / "tiny_model")
    os.environ["SUGAR_SPACE_MODEL"] = str(model_dir)
    spec = importlib.util.spec_from_file_location("sugar_space_app", ROOT / "space" / "app.py")
    app = importlib.util.module_from_spec(spec)
    sys.modules["sugar_space_app"] = app
    spec.loader.exec_module(app)
    from sugar_hf.demo import demo_clip

    clip = tmp / "wave.npy"
    np.save(clip, demo_clip("wave hand", seed=1)[0])
    corrupt = tmp / "corrupt.skeleton"
    corrupt.write_text("this is not\na skeleton file\n")
    demo = app.build_demo(str(model_dir))
    port = _free_port()
    app.launch(demo, server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True)
    yield app, f"http://127.0.0.1:{port}/", {"clip": clip, "corrupt": corrupt, "model": model_dir}
    demo.close()


def test_predict_function_and_errors(space):
    app, _, files = space
    fig, rows, answer, status = app.predict(
        str(files["clip"]), None, "wave hand, clap hands, bow", str(files["model"])
    )
    assert fig is not None and len(rows) == 3 and {r[0] for r in rows} == {"wave hand", "clap hands", "bow"}
    assert "sugar-ok" in status
    fig, rows, answer, status = app.predict(str(files["corrupt"]), None, "", str(files["model"]))
    assert fig is None and "sugar-error" in status and "could not read corrupt.skeleton" in status
    assert "Traceback" not in status
    _, _, _, status = app.predict(None, None, "", str(files["model"]))
    assert "upload a skeleton file" in status
    _, _, _, status = app.predict(None, "bow", "", "/no/such/model")
    assert "could not load the model" in status
    big = files["clip"].parent / "big.npy"
    np.save(big, np.zeros((int(app.MAX_UPLOAD_MB * 2**20 / 4) + 10,), np.float32))
    _, _, _, status = app.predict(str(big), None, "", str(files["model"]))
    assert "uploads are limited" in status
    fig = app.skeleton_figure(np.zeros((1, 5, 20, 3), np.float32) + 0.1, "kinect_v1_20", "t")
    assert len(fig.frames) == 5


def test_gradio_client_api(space):
    from gradio_client import Client, handle_file

    _, url, files = space
    client = Client(url, verbose=False)
    fig, rows, answer, status = client.predict(
        handle_file(str(files["clip"])), "wave hand", "wave hand, clap hands, bow, jump up, sit down, squat down",
        str(files["model"]), api_name="/predict",
    )  # fmt: skip
    data = rows["data"] if isinstance(rows, dict) else rows
    assert len(data) == 5 and all(row[0] for row in data)
    assert "sugar-ok" in status and isinstance(answer, str)
    _, _, _, status = client.predict(None, "clap hands", "", str(files["model"]), api_name="/predict")
    assert "built-in clip: clap hands" in status


def _chromium_or_skip():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing: run scripts/setup.sh (installs Debian's chromium via apt-get)")
    return pytest.importorskip("playwright.sync_api")


def test_browser_upload_predict_and_error(space):
    sync_api = _chromium_or_skip()
    _, url, files = space
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    os.environ["PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD"] = "1"
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )  # fmt: skip
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1100})
            page.goto(url, wait_until="domcontentloaded")
            page.wait_for_selector("#upload input[type=file]", state="attached", timeout=60_000)
            page.locator("#candidates textarea").fill(
                "wave hand, clap hands, bow, jump up, sit down, squat down"
            )
            page.set_input_files("#upload input[type=file]", str(files["clip"]))
            page.wait_for_selector("#sugar-ok", timeout=90_000)
            top5 = page.locator("#top5")
            sync_api.expect(top5).to_contain_text("probability", timeout=30_000)
            sync_api.expect(top5.get_by_role("row")).to_have_count(6, timeout=30_000)  # header + top-5
            sync_api.expect(top5).to_contain_text("wave hand", timeout=30_000)
            description = page.locator("#description textarea")
            sync_api.expect(description).not_to_have_value("", timeout=30_000)
            page.wait_for_selector("#plot .js-plotly-plot", timeout=30_000)
            page.screenshot(path=str(ARTIFACTS / "space_prediction.png"), full_page=True)

            page.locator("#upload button[aria-label='Clear']").first.click()
            page.set_input_files("#upload input[type=file]", str(files["corrupt"]))
            error = page.locator("#sugar-error")
            sync_api.expect(error).to_contain_text("could not read corrupt.skeleton", timeout=60_000)
            assert "Traceback" not in page.content()
            page.screenshot(path=str(ARTIFACTS / "space_error.png"), full_page=True)
        finally:
            browser.close()
    assert (ARTIFACTS / "space_prediction.png").stat().st_size > 10_000
    shutil.copy(ARTIFACTS / "space_prediction.png", files["model"].parent / "screenshot.png")
