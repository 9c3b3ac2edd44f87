"""SUGAR web demo (Hugging Face Space): upload a skeleton clip or pick a built-in one, see it move in 3-D, and
get the model's top-5 actions and its generated description. The candidate list is editable, so any action
name can be tried zero-shot.

Run locally: ``python space/app.py`` (model: ``$SUGAR_SPACE_MODEL``, a local folder or a Hub id; default the
``sugar-hf quickstart`` checkpoint, built on first start when missing).

One visitor cannot take the server down: candidates and names are bounded, and every upload is read under the
readers' :class:`~sugar_hf.skeleton.readers.ReadLimits` set to the Space's limits (upload size, declared array
sizes of ``.npy``/``.npz``/``.mat`` headers, frames, NTU body ids: checked before an array is decoded or
allocated); each request has a time limit and
stops when its client disconnects (checked inside the model's forward passes); every client gets a fair share
(:class:`FairShare`: one request in flight per client, a bounded line for the model that answers "busy" at once
rather than after minutes, the lightest client first, so clients that loop cannot starve a visitor); the model is
chosen from an operator-set allow-list (``$SUGAR_SPACE_MODELS``) and at most ``$SUGAR_SPACE_MODEL_CACHE`` models
stay loaded; messages never show server paths. See ``space/README.md``.
"""

from __future__ import annotations

import os

os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"  # forced: an environment value must not turn analytics on

import asyncio  # noqa: E402
import html  # noqa: E402
import itertools  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import re  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from collections import OrderedDict  # noqa: E402
from pathlib import Path  # noqa: E402

import gradio as gr  # noqa: E402
import numpy as np  # noqa: E402
import plotly.graph_objects as go  # noqa: E402

from sugar_hf.demo import ACTIONS, demo_clip  # noqa: E402
from sugar_hf.inference import answer as generate_answer  # noqa: E402
from sugar_hf.inference import classify, load_processor  # noqa: E402
from sugar_hf.skeleton.readers import (  # noqa: E402
    SKELETON_FILE_SUFFIXES,
    ReadLimitExceeded,
    ReadLimits,
    read_skeleton_file,
)
from sugar_hf.skeleton_layouts import get_layout  # noqa: E402

logger = logging.getLogger("sugar_space")
ROOT = Path(__file__).resolve().parent.parent
QUICKSTART_MODEL = str(ROOT / "sugar_quickstart" / "checkpoint")
DEFAULT_MODEL = os.environ.get("SUGAR_SPACE_MODEL", QUICKSTART_MODEL)


def _env_number(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name, default))
    except ValueError:
        return float(default)


# Limits (environment variables override them; the README lists them).
MAX_UPLOAD_MB = _env_number("SUGAR_SPACE_MAX_MB", 8)
MAX_ARRAY_MB = _env_number(
    "SUGAR_SPACE_MAX_ARRAY_MB", 256
)  # decoded size declared by a file, before decoding
MAX_FRAMES = int(_env_number("SUGAR_SPACE_MAX_FRAMES", 2000))
MAX_PERSONS = int(_env_number("SUGAR_SPACE_MAX_PERSONS", 8))
MAX_BODY_IDS = int(_env_number("SUGAR_SPACE_MAX_BODY_IDS", 32))  # distinct NTU body ids in one file
MAX_CANDIDATES = int(_env_number("SUGAR_SPACE_MAX_CANDIDATES", 100))
MAX_NAME_CHARS = int(_env_number("SUGAR_SPACE_MAX_NAME_CHARS", 80))
MAX_CANDIDATE_TEXT = MAX_CANDIDATES * (MAX_NAME_CHARS + 2)
TIME_LIMIT_S = _env_number("SUGAR_SPACE_TIME_LIMIT_S", 60)
WORKERS = max(2, int(_env_number("SUGAR_SPACE_WORKERS", 4)))  # requests handled besides the waiting ones
QUEUE_SIZE = int(_env_number("SUGAR_SPACE_QUEUE_SIZE", 32))  # gradio's queue of requests not yet started
MAX_WAITING = max(1, int(_env_number("SUGAR_SPACE_MAX_WAITING", 8)))  # requests waiting for a model
PER_CLIENT = max(1, int(_env_number("SUGAR_SPACE_PER_CLIENT", 1)))  # requests in flight per client
FAIR_HALF_LIFE_S = max(1.0, _env_number("SUGAR_SPACE_FAIR_HALF_LIFE_S", 20))
PROXY_HOPS = max(0, int(_env_number("SUGAR_SPACE_PROXY_HOPS", 0)))  # trusted proxies appending X-Forwarded-For
BUSY_DELAY_S = max(0.0, _env_number("SUGAR_SPACE_BUSY_DELAY_S", 1))  # a gate refusal's answer is held this long
MODEL_CACHE = max(1, int(_env_number("SUGAR_SPACE_MODEL_CACHE", 2)))
FILE_TYPES = list(SKELETON_FILE_SUFFIXES)
DEMO_CLIPS = [a.name for a in ACTIONS]
MAX_PLOT_FRAMES = 48


def _label_of(entry: str) -> str:
    """The name a visitor sees for an allowed model: a Hub id as it is, a local folder by its last part."""
    looks_local = entry.startswith(("/", ".", "~")) or os.path.isdir(entry)
    return Path(entry).name if looks_local else entry


def parse_allowed_models(spec: str | None, default: str = DEFAULT_MODEL) -> dict[str, str]:
    """``{label: folder or Hub id}`` from ``$SUGAR_SPACE_MODELS`` (comma-separated ``label=path`` or plain
    entries); empty: the shipped checkpoint only. Visitors choose a label; paths never reach the page."""
    allowed: dict[str, str] = {}
    for item in (spec or "").split(","):
        item = item.strip()
        if not item:
            continue
        label, _, target = item.partition("=") if "=" in item else (_label_of(item), "", item)
        allowed[label.strip()] = target.strip()
    return allowed or {_label_of(default): default}


ALLOWED_MODELS = parse_allowed_models(os.environ.get("SUGAR_SPACE_MODELS"))

_models: OrderedDict[str, tuple] = OrderedDict()  # label -> (model, its SugarProcessor: the model holds none)
_lock = threading.Lock()
_local = threading.local()
_DEMO: gr.Blocks | None = None


class UserFacingError(Exception):
    """A problem to show in the page as a message (bad upload, unknown model...)."""


class RequestStopped(Exception):
    """Raised inside the model's forward passes when the request ran out of time or its client left."""


# ------------------------------------------------------------------------------------------ request guard
class RequestGuard:
    """The time limit and the client-gone check of one request, checked before every module's forward."""

    def __init__(self, time_limit: float | None = None, session_hash: str | None = None):
        self.time_limit = TIME_LIMIT_S if time_limit is None else time_limit
        self.deadline = time.monotonic() + self.time_limit
        self.session_hash = session_hash
        self.reason: str | None = None
        self._checks = 0

    def remaining(self) -> float:
        return max(0.0, self.deadline - time.monotonic())

    def check(self) -> None:
        if time.monotonic() > self.deadline:
            self.reason = f"the request took longer than {self.time_limit:g} s and was stopped"
        elif self.session_hash and self._checks % 16 == 0 and client_gone(self.session_hash):
            self.reason = "the page was closed: the request was stopped"
        self._checks += 1
        if self.reason:
            raise RequestStopped(self.reason)


def client_gone(session_hash: str) -> bool:
    """True when gradio's queue marked every running job of this session dead (its client disconnected)."""
    queue = getattr(_DEMO, "_queue", None)
    jobs = [job for group in (getattr(queue, "active_jobs", None) or []) if group for job in group]
    mine = [job for job in jobs if getattr(job, "session_hash", None) == session_hash]
    return bool(mine) and not any(getattr(job, "alive", True) for job in mine)


def _guard_hook(module, args):
    guard = getattr(_local, "guard", None)
    if guard is not None:
        guard.check()


def _install_guard(model) -> None:
    """A forward pre-hook on every module: ranking and generation stop at the next layer once the request's
    guard says so (no change to the model's results otherwise)."""
    for module in model.modules():
        module.register_forward_pre_hook(_guard_hook)


# -------------------------------------------------------------------------------------------- fair share
class Busy(Exception):
    """Answered at once instead of waiting: the client has a request in flight already, or the line is full."""


ONE_AT_A_TIME = ("busy: one request at a time per visitor; your previous request is still running, wait for its "
                 "answer and try again")  # fmt: skip
LINE_FULL = "busy: the server is answering other visitors; try again in a minute"


class Ticket:
    """One request's place: its client (``key``, whose load it adds to) and its session (``slot``, whose
    requests in flight are counted), when it came in, its order of arrival and its state in the line."""

    def __init__(self, key: str | None, slot: str | None, entered: float, seq: int):
        self.key, self.slot, self.entered, self.seq = key, slot, entered, seq
        self.state = "new"  # new -> waiting -> running -> done, or displaced
        self.label: str | None = None
        self.ready = False  # prepared (upload read, figure drawn): may take the model


class FairShare:
    """A fair share of the models per client.

    * ``per_client`` requests in flight per session (:meth:`enter`'s ``slot``, its client ``key`` when none); a
      further one is answered :class:`Busy` at once (a direct Python call, no key, has no such limit); loads
      are per client (IP address), so many sessions from one address share one load;
    * one request runs on a model at a time; at most ``max_waiting`` are in line for one (:meth:`join`, before
      the request's own work: a refusal costs next to nothing), and the lightest client goes first
      (:meth:`wait_turn`; ties: first come). A client's *load* is the time its requests spend here (in line and
      running, counted while they are) plus ``refusal_charge`` seconds a refused request, decaying by half every
      ``half_life`` seconds: a visitor who looks at an answer before asking again stays lighter than a client
      that loops (or retries a refusal at once), however many such clients there are, so the visitor waits for
      the running request, not for a line of them;
    * when the line is full a newcomer lighter than its heaviest client takes that one's place (the displaced
      request is answered busy), otherwise the newcomer is answered busy at once: nobody waits for minutes.

    ``clock`` (for the loads) is injectable for tests; waits use real time.
    """

    def __init__(self, max_waiting: int = MAX_WAITING, per_client: int = PER_CLIENT,
                 half_life: float = FAIR_HALF_LIFE_S, refusal_charge: float = 1.0, clock=time.monotonic,
                 max_clients: int = 10_000):  # fmt: skip
        self.max_waiting, self.per_client = max_waiting, per_client
        self.half_life, self.refusal_charge, self.clock = half_life, refusal_charge, clock
        self.max_clients = max_clients
        self._cond = threading.Condition()
        self._in_flight: dict[str, list[Ticket]] = {}  # client key -> its requests here
        self._slots: dict[str, int] = {}  # session (or client) -> its requests in flight
        self._loads: dict[str, tuple[float, float]] = {}  # key -> (load of its answered requests, when)
        self._waiting: list[Ticket] = []
        self._running: dict[str, Ticket] = {}  # model label -> its request
        self._seq = itertools.count()
        self.refused = {"one_at_a_time": 0, "line_full": 0, "displaced": 0}

    def load(self, key: str | None, now: float | None = None) -> float:
        """``key``'s decayed load in seconds, its requests in flight included (0 for a new client or a direct
        call)."""
        if key is None:
            return 0.0
        now = self.clock() if now is None else now
        value, at = self._loads.get(key, (0.0, now))
        live = sum(max(0.0, now - t.entered) for t in self._in_flight.get(key, ()))
        return value * 0.5 ** (max(0.0, now - at) / self.half_life) + live

    def _charge(self, key: str | None, seconds: float) -> None:
        if key is None:
            return
        now = self.clock()
        value, at = self._loads.get(key, (0.0, now))
        self._loads[key] = (value * 0.5 ** (max(0.0, now - at) / self.half_life) + seconds, now)
        if len(self._loads) > self.max_clients:  # forget the lightest half of the idle clients
            idle = sorted((self.load(k, now), k) for k in self._loads if k not in self._in_flight)
            for _, k in idle[: len(idle) // 2 + 1]:
                del self._loads[k]

    def _refuse(self, key: str | None, why: str, message: str) -> Busy:
        self.refused[why] += 1
        self._charge(key, self.refusal_charge)
        return Busy(message)

    def enter(self, key: str | None, slot: str | None = None) -> Ticket:
        """A ticket for a new request of client ``key`` in session ``slot`` (default: ``key``), or
        :class:`Busy` when that session has ``per_client`` requests in flight."""
        with self._cond:
            slot = slot or key
            ticket = Ticket(key, slot, self.clock(), next(self._seq))
            if slot is not None:
                if self._slots.get(slot, 0) >= self.per_client:
                    raise self._refuse(key, "one_at_a_time", ONE_AT_A_TIME)
                self._slots[slot] = self._slots.get(slot, 0) + 1
            if key is not None:
                self._in_flight.setdefault(key, []).append(ticket)
            return ticket

    def leave(self, ticket: Ticket) -> None:
        """The request is answered (or failed): out of the line, its time here added to its client's load."""
        with self._cond:
            if ticket in self._waiting:
                self._waiting.remove(ticket)
                self._cond.notify_all()
            if ticket.slot is not None and ticket.slot in self._slots:
                self._slots[ticket.slot] -= 1
                if not self._slots[ticket.slot]:
                    del self._slots[ticket.slot]
            if ticket.key is not None:
                mine = self._in_flight.get(ticket.key, [])
                if ticket in mine:
                    mine.remove(ticket)
                    if not mine:
                        del self._in_flight[ticket.key]
                    self._charge(ticket.key, max(0.0, self.clock() - ticket.entered))

    def gate(self, key: str | None) -> str | None:
        """The busy message :meth:`join` would answer client ``key`` now (counted and charged as its), or None:
        :class:`JoinGate` asks before Gradio makes an event, so a refusal costs no event."""
        if key is None:
            return None
        with self._cond:
            if len(self._waiting) >= self.max_waiting:
                now = self.clock()
                if self.load(key, now) >= max(self.load(t.key, now) for t in self._waiting):
                    return str(self._refuse(key, "line_full", LINE_FULL))
            return None

    def _rank(self, ticket: Ticket, now: float) -> tuple[float, int]:
        """The order in line: the load of the client's answered requests (not the current wait: the longest
        waiter is not pushed back), then arrival."""
        value, at = self._loads.get(ticket.key, (0.0, now)) if ticket.key is not None else (0.0, now)
        return value * 0.5 ** (max(0.0, now - at) / self.half_life), ticket.seq

    def join(self, ticket: Ticket, label: str) -> None:
        """Take a place in the line of model ``label``, or :class:`Busy` at once when it is full of lighter
        clients (a lighter newcomer displaces the heaviest one, who is answered busy)."""
        with self._cond:
            ticket.label = label
            if len(self._waiting) >= self.max_waiting:
                now = self.clock()
                heaviest = max(self._waiting, key=lambda t: (self.load(t.key, now), t.seq))
                if self.load(ticket.key, now) >= self.load(heaviest.key, now):
                    raise self._refuse(ticket.key, "line_full", LINE_FULL)
                heaviest.state = "displaced"
                self._waiting.remove(heaviest)
                self._cond.notify_all()
            ticket.state = "waiting"
            self._waiting.append(ticket)

    def _next(self, label: str) -> Ticket | None:
        now = self.clock()
        ready = [t for t in self._waiting if t.label == label and t.ready]
        return min(ready, key=lambda t: self._rank(t, now)) if ready else None

    def wait_turn(self, ticket: Ticket, timeout: float) -> bool:
        """After :meth:`join` (and the request's own preparation): wait for the model in fair order; True once
        it is this request's (:meth:`release` it), False after ``timeout`` seconds; :class:`Busy` when the
        request was displaced meanwhile."""
        with self._cond:
            ticket.ready = True
            self._cond.notify_all()
            deadline = time.monotonic() + timeout
            while True:
                if ticket.state == "displaced":
                    raise self._refuse(ticket.key, "displaced", LINE_FULL)
                if ticket.label not in self._running and self._next(ticket.label) is ticket:
                    self._waiting.remove(ticket)
                    ticket.state, self._running[ticket.label] = "running", ticket
                    return True
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    self._waiting.remove(ticket)
                    self._cond.notify_all()
                    return False
                self._cond.wait(remaining)

    def acquire(self, ticket: Ticket, label: str, timeout: float) -> bool:
        """:meth:`join` then :meth:`wait_turn`."""
        self.join(ticket, label)
        return self.wait_turn(ticket, timeout)

    def release(self, ticket: Ticket) -> None:
        """The model ``ticket`` holds is free for the next request in line."""
        with self._cond:
            if self._running.get(ticket.label) is ticket:
                del self._running[ticket.label]
                ticket.state = "done"
                self._cond.notify_all()

    def waiting(self) -> int:
        with self._cond:
            return len(self._waiting)


FAIR = FairShare()


def _key(host: str | None, forwarded: str | None, session: str | None) -> str | None:
    if PROXY_HOPS:
        hops = [h.strip() for h in (forwarded or "").split(",") if h.strip()]
        if len(hops) >= PROXY_HOPS:
            host = hops[-PROXY_HOPS]
    if host:
        return f"ip:{host}"
    return f"session:{session}" if session else None


def client_key(request) -> str | None:
    """Who sends ``request``: ``ip:<address>`` (behind ``$SUGAR_SPACE_PROXY_HOPS`` trusted proxies that append to
    X-Forwarded-For, the address the outermost of them saw: entries further left are the client's own words),
    else ``session:<hash>``; None for a direct call (no request)."""
    if request is None:
        return None
    headers = getattr(request, "headers", None) or {}
    return _key(getattr(getattr(request, "client", None), "host", None), headers.get("x-forwarded-for"),
                getattr(request, "session_hash", None))  # fmt: skip


class JoinGate:
    """ASGI middleware in front of Gradio: a POST to ``.../queue/join`` that :meth:`FairShare.gate` would refuse
    (the line is full of clients no heavier than this one)
    is answered busy (503, the message as ``detail``, like Gradio's own "queue is full") before Gradio makes an
    event, streams its status and calls :func:`predict`, after ``BUSY_DELAY_S`` (an idle wait on the event loop:
    no thread, no CPU), so a client that retries busy answers in a loop costs the server next to nothing and
    cannot spin it (measured: without the hold, 30 such clients sent ~700 refusals a second and slowed the
    model for everyone). :func:`predict` checks again (this is a shortcut, not the rule)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope.get("method") == "POST" and scope.get("path", "").endswith("/queue/join"):
            headers = dict(scope.get("headers") or [])
            forwarded = headers.get(b"x-forwarded-for", b"").decode("latin-1")
            message = FAIR.gate(_key((scope.get("client") or (None,))[0], forwarded, None))
            if message:
                if BUSY_DELAY_S:
                    await asyncio.sleep(BUSY_DELAY_S)
                body = json.dumps({"detail": message}).encode()
                await send({"type": "http.response.start", "status": 503,
                            "headers": [(b"content-type", b"application/json"),
                                        (b"content-length", str(len(body)).encode())]})  # fmt: skip
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)


# ------------------------------------------------------------------------------------------------- model
def ensure_quickstart_checkpoint(path: str) -> None:
    """Build the default checkpoint with the quickstart when it is missing (first start of the Space)."""
    if Path(path).exists() or path != QUICKSTART_MODEL:
        return
    from sugar_hf.demo.quickstart import QuickstartSettings, run_quickstart

    logger.warning("no checkpoint at %s: running the quickstart once to build it (several minutes)", path)
    run_quickstart(QuickstartSettings(output_dir=str(Path(path).parent), progress=True))


def resolve_model(choice: str | None) -> tuple[str, str]:
    """``(label, target)`` of an allowed model; anything else is refused without saying whether it exists."""
    choice = (choice or "").strip()
    if not choice:
        label = next(iter(ALLOWED_MODELS))
        return label, ALLOWED_MODELS[label]
    if choice in ALLOWED_MODELS:
        return choice, ALLOWED_MODELS[choice]
    for label, target in ALLOWED_MODELS.items():  # the operator's own spelling of an allowed entry
        if choice == target:
            return label, target
    shown = choice if len(choice) <= 60 and not any(c in choice for c in "/\\~") else ""  # never echo a path
    raise UserFacingError(
        f"the model {shown + ' ' if shown else ''}is not offered here; choose one of: {', '.join(ALLOWED_MODELS)}"
    )


def load_model(name: str | None):
    """A SugarForActionRecognition from the allow-list (see :func:`load_model_and_processor`)."""
    return load_model_and_processor(name)[0]


def load_model_and_processor(name: str | None) -> tuple:
    """``(model, processor)`` from the allow-list, kept together in a small LRU cache (``MODEL_CACHE`` models)."""
    label, target = resolve_model(name)
    with _lock:
        if label in _models:
            _models.move_to_end(label)
            return _models[label]
        from transformers import AutoModel

        import sugar_hf  # noqa: F401  (registers the Auto classes)

        ensure_quickstart_checkpoint(target)
        try:
            model = AutoModel.from_pretrained(target)
        except Exception as error:  # noqa: BLE001  (any loading failure becomes a message, details in the log)
            logger.error("could not load the model %s (%s): %s", label, target, error)
            raise UserFacingError(
                f"could not load the model {label}; the server log has the details"
            ) from error
        processor = load_processor(target)
        if processor is None:
            raise UserFacingError(f"{label} has no processor (processor_config.json): save it with the model")
        _install_guard(model)
        entry = _models[label] = (model.eval(), processor)
        while len(_models) > MODEL_CACHE:
            _models.popitem(last=False)
        return entry


def default_candidates(name: str | None) -> str:
    try:
        names = list(load_model(name).config.class_names)
    except UserFacingError:
        names = []
    extra = [a for a in DEMO_CLIPS if a not in names]
    return ", ".join((names + extra)[:MAX_CANDIDATES])


def parse_candidates(text: str | None) -> list[str]:
    """Comma/newline-separated names, stripped and de-duplicated; bounded in count and length."""
    text = text or ""
    if len(text) > MAX_CANDIDATE_TEXT:
        raise UserFacingError(
            f"the candidate list is {len(text):,} characters long; at most {MAX_CANDIDATES} names of at most "
            f"{MAX_NAME_CHARS} characters are accepted"
        )
    names = [c.strip() for c in text.replace("\n", ",").split(",") if c.strip()]
    names = list(dict.fromkeys(names))
    if len(names) > MAX_CANDIDATES:
        raise UserFacingError(f"{len(names):,} candidates given; at most {MAX_CANDIDATES} are accepted")
    long = next((n for n in names if len(n) > MAX_NAME_CHARS), None)
    if long is not None:
        raise UserFacingError(
            f"a candidate name is {len(long):,} characters long; at most {MAX_NAME_CHARS} are accepted"
        )
    return names


# ---------------------------------------------------------------------------------------------- skeletons
def _scrub(text: str, file: Path) -> str:
    """A reader's message without server paths: the upload's folder is dropped, other absolute paths hidden."""
    text = text.replace(str(file), file.name).replace(str(file.parent), "")
    return re.sub(r"(?<![\w.])/(?:[\w.@+-]+/)+[\w.@+-]*", "<path>", text)


def _refusal(error: ReadLimitExceeded, file: Path) -> str:
    """The Space's words for a reader's limit hit (its limits are the readers', see :func:`reader_limits`)."""
    name, value = file.name, error.value
    if error.limit == "max_file_bytes":
        return f"{name} is {value / 2**20:.1f} MB; uploads are limited to {MAX_UPLOAD_MB:g} MB"
    if error.limit == "max_frames":
        return f"{name} has {value:,} frames; at most {MAX_FRAMES:,} are accepted"
    if error.limit == "max_persons" and file.suffix.lower() == ".skeleton":
        return f"{name} has {value:,} distinct body ids; at most {MAX_BODY_IDS} are accepted"
    if error.limit == "max_persons":
        return f"{name} has {value:,} bodies; at most {MAX_PERSONS} are accepted"
    if error.limit in ("max_array_bytes", "max_inflated_bytes"):
        return f"{name} declares {value / 2**20:,.0f} MB of data; at most {MAX_ARRAY_MB:g} MB are accepted"
    return f"could not read {name} as a skeleton file: {_scrub(str(error), file)}"


def read_upload(path: str, layout="ntu25", in_channels: int | None = None) -> tuple[np.ndarray, str]:
    """``(array (M, T, V, C), layout)`` of an uploaded file, arrays read in the model's ``layout``, under
    :func:`reader_limits`; every failure is a :class:`UserFacingError` whose message names the upload, never a
    server path."""
    file = Path(path)
    if file.suffix.lower() not in FILE_TYPES:
        raise UserFacingError(f"{file.name}: unsupported file type; use one of {', '.join(FILE_TYPES)}")
    try:
        skeleton, read_layout = read_skeleton_file(file, layout=layout, limits=reader_limits())
    except ReadLimitExceeded as error:
        raise UserFacingError(_refusal(error, file)) from error
    except Exception as error:  # noqa: BLE001  (readers raise SkeletonFormatError, numpy/scipy their own)
        raise UserFacingError(
            f"could not read {file.name} as a skeleton file: {_scrub(str(error), file)}"
        ) from error
    skeleton = np.asarray(skeleton, dtype=np.float32)
    if skeleton.ndim == 4 and skeleton.shape[1] == 1:  # OpenPose / YOLO-pose write one file per frame
        raise UserFacingError(
            f"{file.name} holds a single frame; a clip needs several: upload an export of the whole clip (COCO "
            "keypoint results, MediaPipe or YOLO-pose JSON, a per-frame CSV) or an array"
        )
    if skeleton.ndim != 4 or skeleton.shape[1] < 2 or not np.isfinite(skeleton).all():
        raise UserFacingError(
            f"{file.name} holds no usable skeleton sequence (shape {tuple(skeleton.shape)})"
        )
    if skeleton.shape[0] > MAX_PERSONS:
        raise UserFacingError(
            f"{file.name} has {skeleton.shape[0]} bodies; at most {MAX_PERSONS} are accepted"
        )
    if in_channels is not None and skeleton.shape[-1] != in_channels:
        raise UserFacingError(
            f"{file.name} has {skeleton.shape[-1]} values a joint; this model expects {in_channels}"
        )
    return skeleton, read_layout


def reader_limits() -> ReadLimits:
    """The Space's limits as the readers' :class:`ReadLimits` (NTU: one person slot per distinct body id)."""
    array_bytes = int(MAX_ARRAY_MB * 2**20)
    return ReadLimits(max_file_bytes=int(MAX_UPLOAD_MB * 2**20), max_frames=MAX_FRAMES,
                      max_persons=max(MAX_PERSONS, MAX_BODY_IDS), max_array_bytes=array_bytes,
                      max_inflated_bytes=array_bytes)  # fmt: skip


def _layout_name(layout) -> str:
    return layout if isinstance(layout, str) else getattr(get_layout(layout), "name", None) or "custom"


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


def predict(upload, demo_name: str, candidates_text: str, model_name: str, request: gr.Request = None):
    """Space callback: ``(figure, top-5 rows, description, status html)``; never raises. Cheap checks first
    (candidates, model choice), then the client's fair share (one request in flight; :data:`FAIR`), the upload
    under the readers' limits, and the model in fair order, within the time limit."""
    empty = [["", "", ""]]
    guard = RequestGuard(session_hash=getattr(request, "session_hash", None))
    ticket = None
    try:
        candidates = parse_candidates(candidates_text)
        label, _ = resolve_model(model_name)
        if not upload and not demo_name:
            raise UserFacingError("upload a skeleton file or pick a built-in clip")
        if not upload and demo_name not in DEMO_CLIPS:
            raise UserFacingError("unknown demo clip")
        session = getattr(request, "session_hash", None)
        ticket = FAIR.enter(client_key(request), f"session:{session}" if session else None)
        FAIR.join(ticket, label)  # a place in the model's line (or busy at once) before any work of its own
        model, processor = load_model_and_processor(label)
        encoder = model.config.encoder_config
        expected = getattr(processor, "layout", None) or encoder.layout
        channels = int(getattr(encoder, "in_channels", 3))
        if upload:
            path = upload if isinstance(upload, str) else getattr(upload, "name", None) or upload["path"]
            skeleton, layout = read_upload(path, layout=expected, in_channels=channels)
            source = Path(path).name
        else:
            skeleton, layout, source = demo_clip(demo_name, seed=7), "ntu25", f"built-in clip: {demo_name}"
        figure = skeleton_figure(skeleton, layout, source)
        candidates = candidates or list(model.config.class_names)[:MAX_CANDIDATES]
        if not candidates:
            raise UserFacingError("give at least one candidate action name")
        if _layout_name(layout) != _layout_name(expected):
            message = (f"{source} uses the {_layout_name(layout)} joint layout but this model expects "
                       f"{_layout_name(expected)}; pick a model trained on {_layout_name(layout)}")  # fmt: skip
            return figure, empty, "", _message("error", message)
        if not FAIR.wait_turn(ticket, timeout=guard.remaining()):
            raise RequestStopped(f"the server was busy for {guard.time_limit:g} s; try again")
        _local.guard = guard
        try:
            ranked = classify(model, processor, [skeleton], candidates=candidates, top_k=len(candidates))[0]
            (answer,) = generate_answer(
                model, processor, [skeleton], candidates=candidates, max_new_tokens=40
            )
        finally:
            _local.guard = None
            FAIR.release(ticket)
        scores = np.array([s for _, s in ranked])
        probs = np.exp(scores - scores.max())
        probs /= probs.sum()
        rows = [[name, round(float(s), 3), f"{p:.1%}"] for (name, s), p in zip(ranked[:5], probs[:5])]
        status = f"{source}: {skeleton.shape[1]} frames, {skeleton.shape[0]} person(s), {len(candidates)} candidates"
        return figure, rows, answer.text or "(empty answer)", _message("ok", status)
    except Busy as error:
        return None, empty, "", _message("busy", str(error))
    except (UserFacingError, RequestStopped) as error:
        return None, empty, "", _message("error", str(error))
    except Exception:  # noqa: BLE001  (the page shows a message, never a traceback nor a server path)
        error_id = uuid.uuid4().hex[:8]
        logger.exception("prediction failed (error id %s)", error_id)
        return None, empty, "", _message("error", f"something went wrong (error id {error_id}); the server log "
                                                  "has the details")  # fmt: skip
    finally:
        if ticket is not None:
            FAIR.leave(ticket)


CSS = """
.sugar-error {color: #b00020; font-weight: 600; padding: 8px; border: 1px solid #b00020; border-radius: 6px;}
.sugar-ok {color: #1b5e20; padding: 8px;}
.sugar-busy {color: #8a5a00; font-weight: 600; padding: 8px; border: 1px solid #8a5a00; border-radius: 6px;}
"""


def build_demo(model_name: str | None = None) -> gr.Blocks:
    """The page; ``model_name`` (an allowed label or its folder / Hub id) is preselected. Gradio's queue runs
    ``WORKERS + MAX_WAITING`` requests at once (those waiting for a model in :data:`FAIR`'s fair order, the
    running ones and quick refusals) and holds at most ``QUEUE_SIZE`` more (beyond: "queue is full" at once)."""
    global _DEMO
    model_name, _ = resolve_model(model_name)
    with gr.Blocks(title="SUGAR skeleton action recognition") as demo:
        gr.Markdown(
            "# SUGAR: skeleton action recognition with an LLM\n"
            "Upload a skeleton clip (NTU `.skeleton`, `.npy`/`.npz` arrays, NW-UCLA `.json`, UTD-MHAD `.mat`, or "
            "a pose estimator's export of a whole clip: COCO keypoint results / MediaPipe / YOLO-pose `.json`, "
            f"MediaPipe or per-frame `.csv`; at most {MAX_UPLOAD_MB:g} MB) or pick a built-in clip. The model ranks the candidate actions by the "
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
                candidates = gr.Textbox(label=f"candidate actions (comma-separated, at most {MAX_CANDIDATES})",
                                        lines=3, value=default_candidates(model_name), elem_id="candidates",
                                        max_length=MAX_CANDIDATE_TEXT)  # fmt: skip
                model_box = gr.Dropdown(
                    list(ALLOWED_MODELS), value=model_name, label="model", elem_id="model"
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
    demo.queue(default_concurrency_limit=WORKERS + MAX_WAITING, max_size=QUEUE_SIZE)
    _DEMO = demo
    return demo


def launch(demo: gr.Blocks, **kwargs):
    kwargs.setdefault("max_file_size", f"{MAX_UPLOAD_MB:g}mb")
    kwargs.setdefault("show_error", False)
    kwargs.setdefault("max_threads", max(40, 2 * (WORKERS + MAX_WAITING)))  # sync handlers run in these threads
    from starlette.middleware import Middleware

    app_kwargs = dict(kwargs.pop("app_kwargs", None) or {})
    app_kwargs["middleware"] = [*app_kwargs.get("middleware", []), Middleware(JoinGate)]
    kwargs["app_kwargs"] = app_kwargs
    return demo.launch(css=CSS, **kwargs)


if __name__ == "__main__":
    launch(build_demo(), server_name=os.environ.get("GRADIO_SERVER_NAME", "127.0.0.1"))
