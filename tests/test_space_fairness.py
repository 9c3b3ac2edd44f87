"""The Space's fair share per client (``space/app.py``: ``FairShare``, ``client_key``), without a server: one
request in flight per client, the lightest client first, a bounded line that answers busy at once (a lighter
newcomer displacing the heaviest waiter), loads that decay. ``benchmarks/space_fairness.py`` measures it through
a real server with 30 clients looping."""

from __future__ import annotations

import importlib.util
import os
import sys
import threading
import time
import types
from pathlib import Path

import pytest

os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
pytest.importorskip("gradio")
pytest.importorskip("plotly")

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def app():
    name = "sugar_space_app_fairness"
    spec = importlib.util.spec_from_file_location(name, ROOT / "space" / "app.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def _loaded(app, clock, loads: dict, **kwargs):
    """A FairShare whose clients already carry ``loads`` (seconds spent in it)."""
    kwargs.setdefault("half_life", 3600.0)  # next to no decay: the loads are the ones given
    fair = app.FairShare(clock=clock, **kwargs)
    for key, seconds in loads.items():
        ticket = fair.enter(key)
        clock.now += seconds
        fair.leave(ticket)
    return fair


def _wait_for(predicate, seconds=5.0):
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


def test_one_request_in_flight_per_client(app):
    fair = app.FairShare(max_waiting=4)
    first = fair.enter("ip:10.0.0.1")
    with pytest.raises(app.Busy, match="one request at a time"):
        fair.enter("ip:10.0.0.1")
    other = fair.enter("ip:10.0.0.2")  # another client is not held up
    direct = [fair.enter(None), fair.enter(None)]  # direct calls (no request) have no per-client limit
    assert fair.refused["one_at_a_time"] == 1
    fair.leave(first)
    again = fair.enter("ip:10.0.0.1")  # answered: the client may ask again
    tab = fair.enter("ip:10.0.0.3", "session:a")  # with sessions, the limit is a session's
    with pytest.raises(app.Busy, match="one request at a time"):
        fair.enter("ip:10.0.0.3", "session:a")
    other_tab = fair.enter("ip:10.0.0.3", "session:b")  # (another person behind the same address)
    assert len(fair._in_flight["ip:10.0.0.3"]) == 2  # one client's load, both sessions' time
    for ticket in (other, again, *direct, tab, other_tab):
        fair.leave(ticket)
    assert fair._in_flight == {} and fair._slots == {}


def test_load_is_time_spent_plus_refusals_and_decays(app):
    clock = Clock()
    fair = _loaded(app, clock, {"ip:a": 10.0}, half_life=60.0, refusal_charge=1.0)
    assert fair.load("ip:a") == pytest.approx(10.0)
    clock.now += 60.0
    assert fair.load("ip:a") == pytest.approx(5.0)
    held = fair.enter("ip:a")
    with pytest.raises(app.Busy):
        fair.enter("ip:a")  # a refused retry costs refusal_charge
    assert fair.load("ip:a") == pytest.approx(6.0)
    clock.now += 3.0  # a request in flight counts while it is here (in line or running)
    assert fair.load("ip:a") == pytest.approx(6.0 * 0.5 ** (3 / 60) + 3.0)
    fair.leave(held)
    assert fair.load("ip:a") == pytest.approx(6.0 * 0.5 ** (3 / 60) + 3.0)
    assert fair.load("ip:new") == 0.0 and fair.load(None) == 0.0


def _queue_up(fair, keys, order, timeout=5.0):
    """A thread per key, started one after another once the previous one waits; each records its turn."""
    threads, outcomes, tickets = [], {}, {}

    def run(key):
        ticket = tickets[key] = fair.enter(key)
        try:
            if fair.acquire(ticket, "m", timeout):
                order.append(key)
                fair.release(ticket)
                outcomes[key] = "ran"
            else:
                outcomes[key] = "timeout"
        except Exception as error:  # noqa: BLE001 - recorded for the test
            outcomes[key] = type(error).__name__
        finally:
            fair.leave(ticket)

    for key in keys:
        thread = threading.Thread(target=run, args=(key,), daemon=True)
        thread.start()
        threads.append(thread)
        _wait_for(lambda: key in outcomes or (key in tickets and tickets[key].state != "new"))
    return threads, outcomes


def test_the_lightest_client_goes_first(app):
    clock = Clock()
    fair = _loaded(app, clock, {"ip:flood1": 30.0, "ip:flood2": 20.0, "ip:visitor": 2.0})
    holder = fair.enter("ip:holder")
    assert fair.acquire(holder, "m", 1.0)  # a free model is taken at once
    order: list[str] = []
    threads, outcomes = _queue_up(fair, ["ip:flood1", "ip:flood2", "ip:visitor", "ip:flood3"], order)
    assert fair.waiting() == 4 and not order  # all wait while the model runs
    fair.release(holder)
    fair.leave(holder)
    for thread in threads:
        thread.join(5)
    # load first, arrival breaks ties: the visitor (2 s) before the flooders, a new client (0 s) before all
    assert order == ["ip:flood3", "ip:visitor", "ip:flood2", "ip:flood1"]
    assert set(outcomes.values()) == {"ran"}


def test_a_full_line_answers_busy_at_once_and_a_lighter_newcomer_displaces_the_heaviest(app):
    clock = Clock()
    fair = _loaded(app, clock, {"ip:flood1": 30.0, "ip:flood2": 20.0, "ip:flood3": 40.0, "ip:visitor": 1.0},
                   max_waiting=2)  # fmt: skip
    holder = fair.enter("ip:holder")
    assert fair.acquire(holder, "m", 1.0)
    order: list[str] = []
    threads, outcomes = _queue_up(fair, ["ip:flood2", "ip:flood1"], order)
    heavy = fair.enter("ip:flood3")
    start = time.monotonic()
    with pytest.raises(app.Busy, match="busy: the server is answering other visitors"):
        fair.acquire(heavy, "m", 30.0)  # heavier than everyone waiting: refused, not queued for 30 s
    assert time.monotonic() - start < 0.5
    fair.leave(heavy)
    more, more_outcomes = _queue_up(fair, ["ip:visitor"], order)
    _wait_for(lambda: "ip:flood1" in outcomes)  # the heaviest waiter made room and was answered busy
    assert outcomes["ip:flood1"] == "Busy" and fair.waiting() == 2
    fair.release(holder)
    fair.leave(holder)
    for thread in threads + more:
        thread.join(5)
    assert order == ["ip:visitor", "ip:flood2"]
    assert fair.refused == {"one_at_a_time": 0, "line_full": 1, "displaced": 1}


def test_a_wait_ends_at_the_time_limit(app):
    fair = app.FairShare()
    holder = fair.enter("ip:a")
    assert fair.acquire(holder, "m", 1.0)
    waiter = fair.enter("ip:b")
    start = time.monotonic()
    assert fair.acquire(waiter, "m", 0.2) is False
    assert 0.15 < time.monotonic() - start < 2.0 and fair.waiting() == 0
    other = fair.enter("ip:c")
    assert fair.acquire(other, "other model", 0.2)  # another model's line is its own
    for ticket in (holder, other):
        fair.release(ticket)
    for ticket in (holder, waiter, other):
        fair.leave(ticket)


def _request(host=None, forwarded=None, session="s1"):
    headers = {"x-forwarded-for": forwarded} if forwarded else {}
    client = types.SimpleNamespace(host=host) if host else None
    return types.SimpleNamespace(client=client, headers=headers, session_hash=session)


def test_client_key_ip_proxies_and_session(app, monkeypatch):
    request = _request("10.1.1.1", forwarded="6.6.6.6, 5.5.5.5")
    assert app.client_key(request) == "ip:10.1.1.1"  # X-Forwarded-For ignored unless proxies are trusted
    monkeypatch.setattr(app, "PROXY_HOPS", 1)
    assert app.client_key(request) == "ip:5.5.5.5"  # what the trusted proxy saw; the left entry is the client's
    monkeypatch.setattr(app, "PROXY_HOPS", 2)
    assert app.client_key(request) == "ip:6.6.6.6"
    monkeypatch.setattr(app, "PROXY_HOPS", 3)
    assert app.client_key(request) == "ip:10.1.1.1"  # fewer entries than proxies: the direct address
    assert app.client_key(_request(None, session="abc")) == "session:abc"
    assert app.client_key(None) is None


def test_predict_answers_busy_at_once_and_checks_cheap_things_first(app, monkeypatch):
    fair = app.FairShare()
    monkeypatch.setattr(app, "FAIR", fair)

    def no_model(*args, **kwargs):
        raise AssertionError("a busy client must not reach the model")

    monkeypatch.setattr(app, "load_model_and_processor", no_model)
    request = _request("10.2.2.2")
    running = fair.enter(app.client_key(request), "session:s1")  # this session's first request still runs
    start = time.monotonic()
    fig, _, _, status = app.predict(None, app.DEMO_CLIPS[0], "", "", request)
    assert fig is None and "sugar-busy" in status and "one request at a time" in status
    assert time.monotonic() - start < 0.5
    many = ", ".join(f"a{i}" for i in range(app.MAX_CANDIDATES + 1))
    _, _, _, status = app.predict(None, app.DEMO_CLIPS[0], many, "", request)
    assert "sugar-error" in status and "at most" in status  # a bad request is told what is wrong, busy or not
    fair.leave(running)
    assert fair._in_flight == {} and fair._slots == {}  # the refused requests left nothing behind


def test_join_gate_answers_busy_before_gradio_makes_an_event(app, monkeypatch):
    import asyncio
    import json

    fair = app.FairShare(max_waiting=1, clock=Clock())  # a fixed clock: a newcomer weighs what the waiter does
    monkeypatch.setattr(app, "FAIR", fair)
    monkeypatch.setattr(app, "BUSY_DELAY_S", 0.0)
    reached = []

    async def gradio(scope, receive, send):
        reached.append(scope["path"])

    def call(path, host="10.3.3.3", method="POST"):
        sent = []

        async def send(message):
            sent.append(message)

        scope = {"type": "http", "method": method, "path": path, "client": (host, 5000), "headers": []}
        asyncio.run(app.JoinGate(gradio)(scope, None, send))
        return sent

    assert call("/gradio_api/queue/join") == [] and reached == ["/gradio_api/queue/join"]  # let through
    waiting = fair.enter("ip:10.4.4.4")
    fair.join(waiting, "m")  # the line (1 place) is full of a client as heavy as a newcomer
    sent = call("/gradio_api/queue/join", host="10.5.5.5")
    assert sent[0]["status"] == 503 and "answering other visitors" in json.loads(sent[1]["body"])["detail"]
    assert reached == ["/gradio_api/queue/join"]  # gradio never saw the refused join
    call("/config", method="GET")  # other routes pass whatever the line
    fair._charge("ip:10.5.5.5", 50.0)
    fair._charge("ip:10.4.4.4", 100.0)  # a lighter newcomer passes: it will displace the heavy waiter
    call("/gradio_api/queue/join", host="10.5.5.5")
    assert reached == ["/gradio_api/queue/join", "/config", "/gradio_api/queue/join"]
    assert fair.refused["line_full"] == 1
    fair.leave(waiting)
