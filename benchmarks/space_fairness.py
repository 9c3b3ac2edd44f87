"""The Space's fair share per client: a normal visitor's latency alone, then while 30 clients loop ordinary
requests (issue 24 target: median <= 3x alone; it was 2.3 s -> 45 s, 19x, when every client shared one queue).

The Space (``space/app.py``, or ``--app`` another version of it) runs as its own server process on 127.0.0.1.
Each client speaks Gradio's queue protocol over HTTP (``gradio_api/queue/join`` then the event stream of
``gradio_api/queue/data``, what ``gradio_client`` and the page do) from its own loopback address
(127.0.0.2, 127.0.0.3, ...: Linux routes all of 127/8 to lo), so the server tells the clients apart by IP as it
would on the Internet; ``--shared-ip`` sends every flooder from one address instead.

An ordinary request is the page's default: a built-in demo clip ranked against the model's class names plus a
generated answer. The visitor sends ``--visits`` of them, ``--think`` seconds apart (a person looks at the
answer); the flooders send theirs back to back and retry a "busy" answer at once (the worst case). The model is
``--model`` (a checkpoint folder), by default an untrained SUGAR on the embedded SmolLM2-135M at the quickstart's
sizes (the quickstart checkpoint's compute without its training), built once into ``--cache``; ``--tiny`` uses
the tests' tiny random model.

Run::

    OMP_NUM_THREADS=1 nice python benchmarks/space_fairness.py
    OMP_NUM_THREADS=1 nice python benchmarks/space_fairness.py --app /tmp/old_app.py   # the version before
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def build_model(folder: Path, tiny: bool) -> Path:
    """A checkpoint folder for the Space (kept: later runs reuse it)."""
    if (folder / "config.json").exists():
        return folder
    from sugar_hf.demo import SEEN_ACTIONS

    if tiny:
        sys.path.insert(0, str(ROOT / "tests"))
        from test_space import save_tiny_model

        return save_tiny_model(folder)
    from sugar_hf.embedded import build_embedded_default

    model, processor = build_embedded_default(list(SEEN_ACTIONS), num_persons=1, num_frames=32, base_channels=16,
                                              num_segments=2, num_queries=16)  # fmt: skip
    tmp = Path(tempfile.mkdtemp(prefix=".model-", dir=folder.parent))
    model.save_pretrained(tmp)
    processor.save_pretrained(tmp)
    tmp.rename(folder)
    return folder


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Visitor:
    """One client: its own source address and session, one request at a time over the queue protocol."""

    def __init__(self, url: str, address: str, fn_index: int, data: list, timeout: float):
        import httpx

        self.http = httpx.Client(base_url=url, timeout=timeout,
                                 transport=httpx.HTTPTransport(local_address=address))  # fmt: skip
        self.session = uuid.uuid4().hex[:11]
        self.fn_index, self.data = fn_index, data

    def ask(self) -> tuple[str, float]:
        """``(outcome, seconds)``: ``ok``, ``busy`` (the Space's busy answer), ``queue_full`` (gradio's 503),
        ``stopped`` (the Space's time limit) or ``error``."""
        start = time.perf_counter()
        joined = self.http.post("gradio_api/queue/join", json={
            "data": self.data, "fn_index": self.fn_index, "session_hash": self.session, "event_data": None})  # fmt: skip
        if joined.status_code == 503:  # the Space's gate ("busy: ...") or gradio's "Queue is full"
            busy = "busy:" in joined.text
            return ("busy" if busy else "queue_full"), time.perf_counter() - start
        if joined.status_code != 200:
            return "error", time.perf_counter() - start
        with self.http.stream("GET", "gradio_api/queue/data", params={"session_hash": self.session}) as stream:
            for line in stream.iter_lines():
                if not line.startswith("data:"):
                    continue
                msg = json.loads(line[5:])
                if msg.get("msg") != "process_completed":
                    continue
                seconds = time.perf_counter() - start
                status = json.dumps(msg.get("output", {}).get("data", [""])[-1:])
                if "sugar-ok" in status:
                    return "ok", seconds
                if "sugar-busy" in status or "busy:" in status:
                    return "busy", seconds
                return ("stopped" if "was busy for" in status or "took longer" in status else "error"), seconds
        return "error", time.perf_counter() - start

    def close(self):
        self.http.close()


def start_server(args, model: Path, port: int) -> subprocess.Popen:
    env = dict(os.environ, SUGAR_SPACE_MODEL=str(model), GRADIO_SERVER_PORT=str(port),
               GRADIO_SERVER_NAME="127.0.0.1", OMP_NUM_THREADS=os.environ.get("OMP_NUM_THREADS", "1"),
               PYTHONPATH=os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]))  # fmt: skip
    log = open(args.server_log, "w") if args.server_log else subprocess.DEVNULL
    return subprocess.Popen([sys.executable, str(args.app)], env=env, stdout=log, stderr=subprocess.STDOUT)


def wait_ready(url: str, proc: subprocess.Popen, seconds: float = 600) -> dict:
    import httpx

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the Space exited with {proc.returncode} (see --server-log)")
        try:
            config = httpx.get(url + "config", timeout=5)
            if config.status_code == 200:
                return config.json()
        except httpx.HTTPError:
            pass
        time.sleep(1)
    raise RuntimeError("the Space did not start")


def visit(visitor: Visitor, n: int, think: float) -> tuple[list[float], Counter]:
    latencies, outcomes = [], Counter()
    for i in range(n):
        if i:
            time.sleep(think)
        outcome, seconds = visitor.ask()
        outcomes[outcome] += 1
        if outcome == "ok":
            latencies.append(seconds)
    return latencies, outcomes


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--app", default=str(ROOT / "space" / "app.py"), help="the Space's app.py")
    p.add_argument("--model", help="checkpoint folder (default: built into --cache)")
    p.add_argument("--cache", default=str(Path(tempfile.gettempdir()) / "sugar_space_fairness"))
    p.add_argument("--tiny", action="store_true", help="the tests' tiny random model")
    p.add_argument("--clients", type=int, default=30, help="flooders looping ordinary requests")
    p.add_argument("--visits", type=int, default=8, help="requests of the normal visitor, alone and amid the flood")
    p.add_argument("--think", type=float, default=5.0, help="seconds between the visitor's requests")
    p.add_argument("--warmup", type=float, default=20.0, help="seconds of flood before the visitor starts")
    p.add_argument("--shared-ip", action="store_true", help="all flooders from one address")
    p.add_argument("--timeout", type=float, default=300.0, help="HTTP timeout of a request")
    p.add_argument("--server-log", help="write the Space's output here")
    p.add_argument("--json", help="write the numbers here")
    args = p.parse_args(argv)

    sys.path.insert(0, str(ROOT / "src"))
    cache = Path(args.cache)
    cache.mkdir(parents=True, exist_ok=True)
    model = Path(args.model) if args.model else build_model(cache / ("tiny" if args.tiny else "smollm2"), args.tiny)
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    server = start_server(args, model, port)
    stop = threading.Event()
    flood_outcomes: Counter = Counter()
    threads: list[threading.Thread] = []
    try:
        config = wait_ready(url, server)
        fn_index = next(d.get("id", i) for i, d in enumerate(config["dependencies"]) if d.get("api_name") == "predict")
        from sugar_hf.demo import ACTIONS

        data = [None, ACTIONS[0].name, "", model.name]  # the page's default: a built-in clip, the model's classes
        visitor = Visitor(url, "127.0.0.200", fn_index, data, args.timeout)
        visitor.ask()  # warm: the first request loads the model
        alone, alone_outcomes = visit(visitor, args.visits, args.think)

        def flood(address: str):
            client = Visitor(url, address, fn_index, data, args.timeout)
            while not stop.is_set():
                try:
                    outcome, _ = client.ask()
                except Exception:  # noqa: BLE001 - a dropped connection is counted, the flood goes on
                    outcome = "error"
                flood_outcomes[outcome] += 1
            client.close()

        for k in range(args.clients):
            address = "127.0.0.2" if args.shared_ip else f"127.0.0.{2 + k}"
            threads.append(threading.Thread(target=flood, args=(address,), daemon=True))
            threads[-1].start()
        time.sleep(args.warmup)
        at_flood_start = Counter(flood_outcomes)
        flooded, flooded_outcomes = visit(visitor, args.visits, args.think)
        during = Counter(flood_outcomes)
        during.subtract(at_flood_start)
    finally:
        stop.set()
        for thread in threads:
            thread.join(args.timeout)
        server.terminate()
        server.wait(30)

    med_alone = statistics.median(alone) if alone else float("nan")
    med_flood = statistics.median(flooded) if flooded else float("nan")
    ratio = med_flood / med_alone
    print(f"app {args.app}; model {model.name}; {args.clients} flooders ({'one address' if args.shared_ip else 'one address each'}), "
          f"visitor {args.visits} requests {args.think:g} s apart, flood warm-up {args.warmup:g} s")  # fmt: skip
    print(f"visitor alone: median {med_alone:.2f} s (min {min(alone, default=float('nan')):.2f}, max "
          f"{max(alone, default=float('nan')):.2f}), outcomes {dict(alone_outcomes)}")
    print(f"visitor amid the flood: median {med_flood:.2f} s (min {min(flooded, default=float('nan')):.2f}, max "
          f"{max(flooded, default=float('nan')):.2f}), outcomes {dict(flooded_outcomes)}")
    print(f"ratio (median amid the flood / alone): {ratio:.2f}x (target <= 3x)")
    print(f"flooders' answers while the visitor was measured: {dict(during)}; over the whole flood: "
          f"{dict(flood_outcomes)}")
    if args.json:
        Path(args.json).write_text(json.dumps({
            "alone": alone, "flooded": flooded, "ratio": ratio, "visitor_alone": dict(alone_outcomes),
            "visitor_flooded": dict(flooded_outcomes), "flood_during": dict(during),
            "flood_total": dict(flood_outcomes)}, indent=1))  # fmt: skip
    ok = ratio <= 3 and flooded_outcomes["ok"] == args.visits
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
