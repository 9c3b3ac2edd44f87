"""SUGAR web demo (Hugging Face Space): upload a skeleton clip or pick a built-in one, see it move in 3-D, and
get the model's top-5 actions and its generated description. The candidate list is editable, so any action
name can be tried zero-shot.

Run locally: ``python space/app.py`` (model: ``$SUGAR_SPACE_MODEL``, a local folder or a Hub id; default the
``sugar-hf quickstart`` checkpoint, built on first start when missing).
"""

from __future__ import annotations

import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import html  # noqa: E402
import logging  # noqa: E402
import threading  # noqa: E402
from pathlib import Path  # noqa: E402

import gradio as gr  # noqa: E402
import numpy as np  # noqa: E402
import plotly.graph_objects as go  # noqa: E402

from sugar_hf.cli import load_skeleton_file  # noqa: E402
from sugar_hf.demo import ACTIONS, demo_clip  # noqa: E402
from sugar_hf.skeleton_layouts import get_layout  # noqa: E402

logger = logging.getLogger("sugar_space")
ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MODEL = os.environ.get("SUGAR_SPACE_MODEL", str(ROOT / "sugar_quickstart" / "checkpoint"))
MAX_UPLOAD_MB = float(os.environ.get("SUGAR_SPACE_MAX_MB", "8"))
FILE_TYPES = [".skeleton", ".npy", ".npz", ".json", ".mat"]
DEMO_CLIPS = [a.name for a in ACTIONS]
MAX_PLOT_FRAMES = 48

_models: dict[str, object] = {}
_lock = threading.Lock()


class UserFacingError(Exception):
    """A problem to show in the page as a message (bad upload, unknown model...)."""


# ------------------------------------------------------------------------------------------------- model
def ensure_quickstart_checkpoint(path: str) -> None:
    """Build the default checkpoint with the quickstart when it is missing (first start of the Space)."""
    if Path(path).exists() or path != str(ROOT / "sugar_quickstart" / "checkpoint"):
        return
    from sugar_hf.demo.quickstart import QuickstartSettings, run_quickstart

    logger.warning("no checkpoint at %s: running the quickstart once to build it (several minutes)", path)
    run_quickstart(QuickstartSettings(output_dir=str(Path(path).parent), progress=True))


def load_model(name: str):
    """A SugarForActionRecognition from a local folder or a Hub id, cached."""
    name = (name or "").strip() or DEFAULT_MODEL
    with _lock:
        if name not in _models:
            from transformers import AutoModel

            import sugar_hf  # noqa: F401  (registers the Auto classes)

            ensure_quickstart_checkpoint(name)
            try:
                model = AutoModel.from_pretrained(name)
            except Exception as error:  # noqa: BLE001  (any loading failure becomes a message)
                raise UserFacingError(f"could not load the model {name!r}: {error}") from error
            if getattr(model, "processor", None) is None:
                raise UserFacingError(
                    f"{name!r} has no processor (processor_config.json): save it with the model"
                )
            _models[name] = model.eval()
    return _models[name]


def default_candidates(name: str) -> str:
    try:
        names = list(load_model(name).config.class_names)
    except UserFacingError:
        names = []
    extra = [a for a in DEMO_CLIPS if a not in names]
    return ", ".join(names + extra)


# ---------------------------------------------------------------------------------------------- skeletons
def read_upload(path: str) -> tuple[np.ndarray, str]:
    """``(array (M, T, V, C), layout)`` of an uploaded file; every failure is a :class:`UserFacingError`."""
    file = Path(path)
    size_mb = file.stat().st_size / 2**20
    if size_mb > MAX_UPLOAD_MB:
        raise UserFacingError(f"{file.name} is {size_mb:.1f} MB; uploads are limited to {MAX_UPLOAD_MB:g} MB")
    if file.suffix.lower() not in FILE_TYPES:
        raise UserFacingError(f"{file.name}: unsupported file type; use one of {', '.join(FILE_TYPES)}")
    try:
        skeleton, layout = load_skeleton_file(file)
    except Exception as error:  # noqa: BLE001  (readers raise SkeletonFormatError, numpy/scipy their own)
        raise UserFacingError(f"could not read {file.name} as a skeleton file: {error}") from error
    skeleton = np.asarray(skeleton, dtype=np.float32)
    if skeleton.ndim != 4 or skeleton.shape[1] < 2 or not np.isfinite(skeleton).all():
        raise UserFacingError(
            f"{file.name} holds no usable skeleton sequence (shape {tuple(skeleton.shape)})"
        )
    return skeleton, layout


def skeleton_figure(skeleton: np.ndarray, layout: str, title: str) -> go.Figure:
    """An animated 3-D plot of ``(M, T, V, C)`` (x right, depth into the screen, y up)."""
    edges = get_layout(layout).inward_edges
    present = [m for m in range(skeleton.shape[0]) if np.abs(skeleton[m]).sum() > 0] or [0]
    x = skeleton[present][..., :3]
    if x.shape[-1] == 2:
        x = np.concatenate([x, np.zeros_like(x[..., :1])], -1)
    frames = np.unique(np.linspace(0, x.shape[1] - 1, min(MAX_PLOT_FRAMES, x.shape[1])).astype(int))

    def trace(t: int) -> go.Scatter3d:
        xs, ys, zs = [], [], []
        for body in x:
            for a, b in edges:
                for j in (a, b):
                    xs.append(body[t, j, 0])
                    ys.append(body[t, j, 2])
                    zs.append(body[t, j, 1])
                xs.append(None), ys.append(None), zs.append(None)
        return go.Scatter3d(x=xs, y=ys, z=zs, mode="lines+markers", line={"width": 6, "color": "#1f77b4"},
                            marker={"size": 3, "color": "#333"}, hoverinfo="skip")  # fmt: skip

    pts = x.reshape(-1, 3)
    lo, hi = pts.min(0), pts.max(0)
    centre, half = (lo + hi) / 2, float((hi - lo).max()) / 2 + 0.1
    axis = {"showbackground": False, "showticklabels": False, "title": ""}
    fig = go.Figure(
        data=[trace(int(frames[0]))],
        frames=[go.Frame(data=[trace(int(t))], name=str(t)) for t in frames],
    )
    fig.update_layout(
        title=title, height=460, margin={"l": 0, "r": 0, "t": 40, "b": 0}, showlegend=False,
        scene={"xaxis": {**axis, "range": [centre[0] - half, centre[0] + half]},
               "yaxis": {**axis, "range": [centre[2] - half, centre[2] + half]},
               "zaxis": {**axis, "range": [centre[1] - half, centre[1] + half]}, "aspectmode": "cube",
               "camera": {"eye": {"x": 0.15, "y": -1.3, "z": 0.3}}},
        updatemenus=[{"type": "buttons", "showactive": False, "x": 0.05, "y": 0.05, "buttons": [
            {"label": "▶ play", "method": "animate",
             "args": [None, {"frame": {"duration": 60, "redraw": True}, "fromcurrent": True}]},
            {"label": "❚❚", "method": "animate",
             "args": [[None], {"frame": {"duration": 0}, "mode": "immediate"}]}]}],
        sliders=[{"steps": [{"label": str(t), "method": "animate",
                             "args": [[str(t)], {"frame": {"duration": 0, "redraw": True}, "mode": "immediate"}]}
                            for t in frames], "x": 0.2, "len": 0.75, "currentvalue": {"prefix": "frame "}}],
    )  # fmt: skip
    return fig


# ----------------------------------------------------------------------------------------------- predict
def _message(kind: str, text: str) -> str:
    return f'<div class="sugar-{kind}" id="sugar-{kind}">{html.escape(text)}</div>'


def predict(upload, demo_name: str, candidates_text: str, model_name: str):
    """Space callback: ``(figure, top-5 rows, description, status html)``; never raises."""
    empty = [["", "", ""]]
    try:
        if upload:
            path = upload if isinstance(upload, str) else getattr(upload, "name", None) or upload["path"]
            skeleton, layout = read_upload(path)
            source = Path(path).name
        elif demo_name:
            if demo_name not in DEMO_CLIPS:
                raise UserFacingError(f"unknown demo clip {demo_name!r}")
            skeleton, layout, source = demo_clip(demo_name, seed=7), "ntu25", f"built-in clip: {demo_name}"
        else:
            raise UserFacingError("upload a skeleton file or pick a built-in clip")
        figure = skeleton_figure(skeleton, layout, source)
        candidates = [c.strip() for c in (candidates_text or "").replace("\n", ",").split(",") if c.strip()]
        candidates = list(dict.fromkeys(candidates))
        model = load_model(model_name)
        candidates = candidates or list(model.config.class_names)
        if not candidates:
            raise UserFacingError("give at least one candidate action name")
        expected = model.processor.layout if isinstance(model.processor.layout, str) else "custom"
        if layout != expected:
            return (figure, empty, "", _message("error", f"{source} uses the {layout} joint layout but this model "
                                                         f"expects {expected}; pick a model trained on {layout}"))  # fmt: skip
        ranked = model.classify([skeleton], candidates=candidates, top_k=len(candidates))[0]
        scores = np.array([s for _, s in ranked])
        probs = np.exp(scores - scores.max())
        probs /= probs.sum()
        rows = [[name, round(float(s), 3), f"{p:.1%}"] for (name, s), p in zip(ranked[:5], probs[:5])]
        answer = model.answer([skeleton], candidates=candidates, max_new_tokens=40)[0]
        status = f"{source}: {skeleton.shape[1]} frames, {skeleton.shape[0]} person(s), {len(candidates)} candidates"
        return figure, rows, answer.text or "(empty answer)", _message("ok", status)
    except UserFacingError as error:
        return None, empty, "", _message("error", str(error))
    except Exception as error:  # noqa: BLE001  (the page shows a message, never a traceback)
        logger.exception("prediction failed")
        return None, empty, "", _message("error", f"something went wrong: {type(error).__name__}: {error}")


CSS = """
.sugar-error {color: #b00020; font-weight: 600; padding: 8px; border: 1px solid #b00020; border-radius: 6px;}
.sugar-ok {color: #1b5e20; padding: 8px;}
"""


def build_demo(model_name: str | None = None) -> gr.Blocks:
    model_name = model_name or DEFAULT_MODEL
    with gr.Blocks(title="SUGAR skeleton action recognition") as demo:
        gr.Markdown(
            "# SUGAR: skeleton action recognition with an LLM\n"
            "Upload a skeleton clip (NTU `.skeleton`, `.npy`/`.npz` arrays, NW-UCLA `.json`, UTD-MHAD `.mat`; "
            f"at most {MAX_UPLOAD_MB:g} MB) or pick a built-in clip. The model ranks the candidate actions by the "
            "LLM's likelihood of each name and describes what it sees; edit the candidates to try classes it "
            "never saw (zero-shot)."
        )
        with gr.Row():
            with gr.Column(scale=1):
                upload = gr.File(
                    label="skeleton file", file_types=FILE_TYPES, type="filepath", elem_id="upload"
                )
                demo_name = gr.Dropdown(DEMO_CLIPS, value=DEMO_CLIPS[0], label="or a built-in demo clip",
                                        elem_id="demo-clip")  # fmt: skip
                candidates = gr.Textbox(label="candidate actions (comma-separated)", lines=3,
                                        value=default_candidates(model_name), elem_id="candidates")  # fmt: skip
                model_box = gr.Textbox(
                    label="model (local folder or Hub id)", value=model_name, elem_id="model"
                )
                run = gr.Button("Recognise", variant="primary", elem_id="run")
            with gr.Column(scale=2):
                status = gr.HTML(elem_id="status")
                plot = gr.Plot(label="skeleton (drag to rotate, ▶ to play)", elem_id="plot")
                top5 = gr.Dataframe(headers=["action", "score (log-likelihood)", "probability"], label="top-5",
                                    elem_id="top5", interactive=False)  # fmt: skip
                description = gr.Textbox(label="generated answer", elem_id="description", interactive=False)
        inputs = [upload, demo_name, candidates, model_box]
        outputs = [plot, top5, description, status]
        run.click(predict, inputs, outputs, api_name="predict")
        upload.upload(predict, inputs, outputs, api_name=False)
    return demo


def launch(demo: gr.Blocks, **kwargs):
    kwargs.setdefault("max_file_size", f"{MAX_UPLOAD_MB:g}mb")
    kwargs.setdefault("show_error", False)
    return demo.launch(css=CSS, **kwargs)


if __name__ == "__main__":
    launch(build_demo(), server_name=os.environ.get("GRADIO_SERVER_NAME", "127.0.0.1"))
