"""The Gradio Space: started on 127.0.0.1 with a tiny random model, driven by gradio_client and by Playwright
on Debian's Chromium (never a downloaded browser)."""

from __future__ import annotations

import importlib.util
import os
import shutil
import socket
import sys
import time
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


def save_tiny_model(folder: Path, config=None) -> Path:
    """A tiny random SugarForActionRecognition + processor, saved like a checkpoint (default: on the NTU-25
    layout, with the demo's seen actions as classes)."""
    from sugar_hf import SugarForActionRecognition, SugarProcessor
    from sugar_hf.demo import SEEN_ACTIONS

    if config is None:
        config = tiny_config(class_names=list(SEEN_ACTIONS))
        config.encoder_config.layout = "ntu25"
    SugarForActionRecognition(config).save_pretrained(folder)
    SugarProcessor.from_config(tiny_tokenizer(), config).save_pretrained(folder)
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
    assert "is not offered here" in status and "/no/such" not in status
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
        files["model"].name, api_name="/predict",
    )  # fmt: skip
    data = rows["data"] if isinstance(rows, dict) else rows
    assert len(data) == 5 and all(row[0] for row in data)
    assert "sugar-ok" in status and isinstance(answer, str)
    _, _, _, status = client.predict(None, "clap hands", "", files["model"].name, api_name="/predict")
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


# ------------------------------------------------------------------------------------ hostile visitors
def _npz_bomb(path: Path, frames: int = 1000, joints: int = 25, channels: int = 6000) -> Path:
    """A compressed .npz whose one array inflates to ``frames * joints * channels * 4`` bytes (600 MB of zeros
    by default, ~0.6 MB on disk), written in chunks (never held in memory here)."""
    import zipfile

    header = {"descr": "<f4", "fortran_order": False, "shape": (frames, joints, channels)}
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        with archive.open("skeleton.npy", "w", force_zip64=True) as handle:
            np.lib.format.write_array_header_1_0(handle, header)
            chunk = bytes(joints * channels * 4 * 10)
            for _ in range(frames // 10):
                handle.write(chunk)
    return path


def _ntu_body_per_frame(path: Path, frames: int = 600) -> Path:
    """A well-formed NTU .skeleton file with a new body id in every frame (~0.38 MB for 600 frames)."""
    joint = "0 0 3 1 1 1 1 0 0 0 1 2\n"
    parts = [f"{frames}\n"]
    for t in range(frames):
        parts.append(f"1\n{72057594037931000 + t} 0 1 1 1 1 0 0.1 0.1 2\n25\n" + joint * 25)
    path.write_text("".join(parts))
    return path


def _timed(app, *args):
    start = time.perf_counter()
    result = app.predict(*args)
    return result, time.perf_counter() - start


def test_abuse_is_refused_quickly_while_a_normal_request_is_answered(space, capsys):
    """10,000 candidates, a 1 MB name, an .npz bomb and a body-id-per-frame NTU file, sent together with a
    normal request: each is refused in well under a second with little memory; the normal request takes its
    usual time."""
    import tracemalloc
    from concurrent.futures import ThreadPoolExecutor

    app, _, files = space
    tmp = files["clip"].parent
    model = files["model"].name
    normal = (str(files["clip"]), None, "wave hand, clap hands, bow", model)
    usual = max(_timed(app, *normal)[1] for _ in range(2))  # warm, then the usual time
    bomb = _npz_bomb(tmp / "bomb.npz")
    ntu = _ntu_body_per_frame(tmp / "S001C001P001R001A001.skeleton")
    assert bomb.stat().st_size < 2**20 and ntu.stat().st_size < 0.5 * 2**20
    abuse = {
        "10,000 candidates": (
            str(files["clip"]),
            None,
            ", ".join(f"action {i}" for i in range(10_000)),
            model,
        ),
        "a 1 MB name": (str(files["clip"]), None, "wave hand, " + "x" * 2**20, model),
        "an npz bomb": (str(bomb), None, "", model),
        "a body id per frame": (str(ntu), None, "", model),
    }
    expected = {"10,000 candidates": "at most", "a 1 MB name": "at most", "an npz bomb": "MB are accepted",
                "a body id per frame": "distinct body ids"}  # fmt: skip
    timings = {}
    for name, args in abuse.items():  # one at a time: time and memory of each refusal
        tracemalloc.start()
        (fig, _, _, status), seconds = _timed(app, *args)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert fig is None and "sugar-error" in status and expected[name] in status, (name, status)
        assert seconds < 1.0 and peak < 64 * 2**20, (name, seconds, peak)
        timings[name] = seconds
    with ThreadPoolExecutor(len(abuse) + 1) as pool:  # and all at once, with the normal request among them
        hostile = [pool.submit(_timed, app, *args) for args in abuse.values()]
        legit = pool.submit(_timed, app, *normal)
        (_, rows, _, status), seconds = legit.result()
        assert all("sugar-error" in f.result()[0][3] for f in hostile)
    assert "sugar-ok" in status and len(rows) == 3
    assert seconds < 2 * usual + 1.0, (seconds, usual)
    with capsys.disabled():
        print(f"\nspace abuse: usual {usual:.3f} s, normal amid abuse {seconds:.3f} s, refusals "
              + ", ".join(f"{k} {v:.3f} s" for k, v in timings.items()))  # fmt: skip


def test_mat_bomb_is_refused_from_its_header(space):
    from scipy.io import savemat

    app, _, files = space
    bomb = files["clip"].parent / "a01_s01_t01_skeleton.mat"
    savemat(bomb, {"d_skel": np.zeros((20, 3, 1_200_000), np.float32)}, do_compression=True)
    (fig, _, _, status), seconds = _timed(app, str(bomb), None, "", files["model"].name)
    assert fig is None and "MB are accepted" in status and seconds < 2.0


def test_reader_limit_hits_are_worded_by_the_space(space, tmp_path):
    """The readers refuse by the Space's limits (``reader_limits``); the Space says so in its own units."""
    app, _, _ = space
    long = tmp_path / "long.npy"
    np.save(long, np.zeros((app.MAX_FRAMES + 1, 25, 3), np.float32) + 0.1)
    with pytest.raises(app.UserFacingError, match=f"long.npy has {app.MAX_FRAMES + 1:,} frames; at most"):
        app.read_upload(str(long))
    for persons in (app.MAX_PERSONS + 1, app.MAX_BODY_IDS + 1):  # after the read, and by the reader's limit
        crowd = tmp_path / "crowd.npy"
        np.save(crowd, np.zeros((persons, 4, 25, 3), np.float32) + 0.1)
        with pytest.raises(app.UserFacingError, match=f"has {persons} bodies; at most {app.MAX_PERSONS} are"):
            app.read_upload(str(crowd))
    fine = tmp_path / "fine.npy"
    np.save(fine, np.zeros((app.MAX_FRAMES, 25, 3), np.float32) + 0.1)
    assert app.read_upload(str(fine))[0].shape == (1, app.MAX_FRAMES, 25, 3)


def _forward_counter(model):
    calls = []
    handle = model.llm.register_forward_hook(lambda *a: calls.append(1))
    return calls, handle


def test_time_limit_and_a_gone_client_stop_the_model(space, monkeypatch):
    import types

    app, _, files = space
    model = app.load_model(files["model"].name)
    calls, handle = _forward_counter(model)
    args = (str(files["clip"]), None, "wave hand, clap hands, bow", files["model"].name)
    try:
        app.predict(*args)
        assert calls  # a normal request runs the LLM
        calls.clear()
        monkeypatch.setattr(app, "TIME_LIMIT_S", 0.0)
        _, _, _, status = app.predict(*args)
        assert (
            "took longer than 0 s and was stopped" in status and not calls
        )  # stopped before the LLM finished
        monkeypatch.setattr(app, "TIME_LIMIT_S", 60.0)
        monkeypatch.setattr(app, "client_gone", lambda session: session == "gone")
        _, _, _, status = app.predict(*args, types.SimpleNamespace(session_hash="gone"))
        assert "page was closed" in status and not calls
        _, _, _, status = app.predict(*args, types.SimpleNamespace(session_hash="here"))
        assert "sugar-ok" in status and calls
    finally:
        handle.remove()


def test_client_gone_reads_the_gradio_queue(space, monkeypatch):
    import types

    app, _, _ = space
    job = types.SimpleNamespace(session_hash="abc", alive=True)
    monkeypatch.setattr(
        app, "_DEMO", types.SimpleNamespace(_queue=types.SimpleNamespace(active_jobs=[None, [job]]))
    )
    assert not app.client_gone("abc")
    job.alive = False  # what gradio's Queue.clean_events does when the client's stream disconnects
    assert app.client_gone("abc") and not app.client_gone("other")


def test_model_choice_is_an_allow_list_and_the_cache_is_capped(space, monkeypatch, tmp_path):
    app, _, files = space
    copies = {}
    for name in ("a", "b", "c"):
        copies[name] = str(shutil.copytree(files["model"], tmp_path / name))
    monkeypatch.setattr(app, "ALLOWED_MODELS", copies)
    monkeypatch.setattr(app, "MODEL_CACHE", 2)
    monkeypatch.setattr(app, "_models", app.OrderedDict())
    for name in ("a", "b", "a", "c"):
        app.load_model(name)
    assert list(app._models) == ["a", "c"]  # least recently used ("b") went first
    refused = set()
    for choice in ("/etc", "/no/such/folder", str(files["model"]), "HuggingFaceTB/SmolLM2-135M", "../" * 5):
        _, _, _, status = app.predict(None, "bow", "", choice)
        assert "is not offered here" in status and "/etc" not in status and str(tmp_path) not in status
        refused.add(status.replace(choice, "") if len(choice) <= 60 else status)
    assert len({r.split("is not offered")[1] for r in refused}) == 1  # the same words, exists or not
    assert app.parse_allowed_models("demo=/srv/m1, org/model") == {
        "demo": "/srv/m1",
        "org/model": "org/model",
    }
    assert app.parse_allowed_models("", default="/srv/ckpt") == {"ckpt": "/srv/ckpt"}


def test_errors_show_no_server_paths(space):
    app, _, files = space
    _, _, _, status = app.predict(str(files["corrupt"]), None, "", files["model"].name)
    assert "corrupt.skeleton" in status and str(files["corrupt"].parent) not in status


@pytest.mark.parametrize(("layout", "joints", "channels"), [("kinect_v1_20", 20, 3), ("coco17", 17, 2)])
def test_uploads_are_read_in_the_models_layout(space, monkeypatch, tmp_path, layout, joints, channels):
    """A model on another layout / channel count (Kinect v1 20 joints xyz, COCO-17 2-D keypoints) reads a
    ``(T, V, C)`` array upload in its own layout, not as NTU-25; a wrong channel count is refused clearly."""
    app, _, _ = space
    config = tiny_config(class_names=["wave hand", "clap hands", "bow"])
    config.encoder_config.layout, config.encoder_config.in_channels = layout, channels
    folder = save_tiny_model(tmp_path / layout, config)
    monkeypatch.setattr(app, "ALLOWED_MODELS", {layout: str(folder)})
    clip = tmp_path / "clip.npy"
    np.save(clip, np.random.default_rng(0).standard_normal((30, joints, channels)).astype(np.float32))
    _, rows, _, status = app.predict(str(clip), None, "", layout)
    assert "sugar-ok" in status and len(rows) == 3, status
    wrong = tmp_path / "wrong_channels.npy"
    np.save(wrong, np.zeros((30, joints, 5 - channels), np.float32) + 0.5)
    _, _, _, status = app.predict(str(wrong), None, "", layout)
    assert "sugar-error" in status and f"expects {channels}" in status, status


def test_pose_export_uploads_csv_txt_and_json(space, monkeypatch, tmp_path):
    """The uploads the pose-export readers added (``.csv``, ``.txt``, export ``.json``): a whole-clip export ranks
    on a model of its layout, a layout the model was not trained on, a single per-frame file, a file of too many
    frames and text that is no export are refused by name, without server paths."""
    from pose_export_fixtures import make_clip, write_coco_results, write_csv_frames, write_yolo_txt

    app, _, files = space
    config = tiny_config(class_names=["wave hand", "clap hands", "bow"])
    config.encoder_config.layout, config.encoder_config.coordinate_channels = "coco17", 2
    folder = save_tiny_model(tmp_path / "coco17", config)
    # a label of its own: the Space keeps loaded models by label (another test loads a 2-channel "coco17")
    monkeypatch.setattr(app, "ALLOWED_MODELS", {"coco17 xys": str(folder), "ntu": str(files["model"])})
    frames = write_csv_frames(tmp_path / "frames.csv", make_clip("coco17", frames=20), "coco17")
    coco = write_coco_results(tmp_path / "coco.json", make_clip("coco17", frames=24))
    for upload in (frames, coco):
        _, rows, _, status = app.predict(str(upload), None, "", "coco17 xys")
        assert "sugar-ok" in status and len(rows) == 3, status
    _, _, _, status = app.predict(str(frames), None, "", "ntu")
    assert "uses the coco17 joint layout but this model expects ntu25" in status, status
    one = sorted(write_yolo_txt(tmp_path / "yolo", make_clip("coco17", frames=3)).iterdir())[0]
    _, _, _, status = app.predict(str(one), None, "", "coco17 xys")
    assert f"{one.name} holds a single frame" in status, status
    long = write_coco_results(tmp_path / "long.json", make_clip("coco17", frames=app.MAX_FRAMES + 5))
    _, _, _, status = app.predict(str(long), None, "", "coco17 xys")
    assert f"long.json has {app.MAX_FRAMES + 5:,} frames; at most" in status, status
    (tmp_path / "notes.txt").write_text("hello world\n")
    (tmp_path / "table.csv").write_text("a,b\n1,2\n")
    for name in ("notes.txt", "table.csv"):
        _, _, _, status = app.predict(str(tmp_path / name), None, "", "coco17 xys")
        assert f"could not read {name} as a skeleton file" in status and str(tmp_path) not in status, status


def test_analytics_are_forced_off(monkeypatch):
    monkeypatch.setenv("GRADIO_ANALYTICS_ENABLED", "True")
    spec = importlib.util.spec_from_file_location("sugar_space_app_again", ROOT / "space" / "app.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert os.environ["GRADIO_ANALYTICS_ENABLED"] == "False"


def test_closing_the_page_stops_the_running_request(space):
    """Through the real server: a request is joined over HTTP, its event stream is read until the model runs,
    then closed (the page went away); the work stops within a second instead of running to its end."""
    import httpx

    app, url, files = space
    model = app.load_model(files["model"].name)
    calls, slow_down = [], []

    def slow(module, args):  # a slow LLM: each decoder layer call takes 50 ms
        calls.append(time.monotonic())
        if slow_down:
            time.sleep(0.05)

    layers = [m for m in model.llm.modules() if type(m).__name__.endswith("DecoderLayer")]
    handles = [m.register_forward_pre_hook(slow) for m in layers]
    try:
        _, _, _, status = app.predict(None, "bow", "wave hand, clap hands, bow", files["model"].name)
        assert "sugar-ok" in status
        full = len(calls)  # the layer calls of a whole request
        calls.clear()
        slow_down.append(True)
        fn_index = next(i for i, fn in app._DEMO.fns.items() if fn.api_name == "predict")
        session = "closing-test"
        data = [None, "bow", "wave hand, clap hands, bow", files["model"].name]
        with httpx.Client(base_url=url, timeout=30) as http:
            joined = http.post("gradio_api/queue/join", json={"data": data, "fn_index": fn_index,
                                                               "session_hash": session, "event_data": None})  # fmt: skip
            assert joined.status_code == 200, joined.text
            with http.stream("GET", "gradio_api/queue/data", params={"session_hash": session}) as stream:
                lines = stream.iter_lines()  # kept: a dropped iterator closes the stream (the client leaves)
                while "process_starts" not in next(lines):
                    pass
                deadline = time.monotonic() + 20
                while len(calls) < 10 and time.monotonic() < deadline:
                    time.sleep(0.05)
                assert len(calls) >= 10  # the model is running
                # a second visitor is answered meanwhile (more than one queue worker; refusals take no model lock)
                started, other = time.monotonic(), "second-visitor"
                many = ", ".join(f"action {i}" for i in range(150))
                http.post("gradio_api/queue/join", json={"data": [None, "bow", many, files["model"].name],
                                                         "fn_index": fn_index, "session_hash": other,
                                                         "event_data": None})  # fmt: skip
                with http.stream("GET", "gradio_api/queue/data", params={"session_hash": other}) as second:
                    done = next(line for line in second.iter_lines() if "process_completed" in line)
                assert "at most 100 are accepted" in done and time.monotonic() - started < 2.0
                assert len(calls) < full  # while the first request was still running
                lines.close()
            closed_at = time.monotonic()  # leaving the block closed the stream: the client is gone
        time.sleep(2.0)
        after = [t for t in calls if t > closed_at + 1.0]
        assert not after, f"{len(after)} layer calls more than 1 s after the client left"
        assert len(calls) < full  # the request never ran to its end
    finally:
        for handle in handles:
            handle.remove()
