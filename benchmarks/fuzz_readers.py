"""Fuzz every skeleton reader with the mutation families of ``tests/fuzz_families.py`` at scale.

Each case is a mutated file (or a special file: a FIFO with or without a writer, a symlink to a device, a socket,
a directory, a sparse file, a file that grows while read; see ``fuzz_families.hostile_family``) written to a
temporary folder and read in a worker process that runs under an
address-space cap (``RLIMIT_AS``, default 4 GiB) with a per-case time limit (default 15 s); a worker that
hangs or dies is replaced. Outcomes per format:

- clean results: a sane array (finite float32, the format's joints and channels, labels in range);
- clean errors: exactly one ``SkeletonFormatError`` naming the file;
- other exceptions: any other exception type (or an error that does not name the file);
- hangs: no answer within the time limit;
- memory blow-ups: ``MemoryError``, a worker killed, or a traced peak above ``--memory-report``;
- garbage: a clean result that is insane, or that accepts a mutation known to make the file invalid.

Run::

    OMP_NUM_THREADS=1 nice python benchmarks/fuzz_readers.py --cases 10000 --truncations 200

plus ``--truncations`` cut points a format of the truncation-at-every-byte family (every byte of a small valid
file when it is shorter than that).

``--src`` points at another checkout's ``src`` (to fuzz an older version: the families only call each
reader with a path).

Valid files still read byte-identically: ``--valid`` fresh valid seed files a format, and with ``--valid-folder``
every real skeleton / label file under that folder (``REAL_READERS`` picks the reader), are read by this checkout
and, with ``--baseline-src``, by another one (e.g. ``git archive`` of the commit before the hardening): a valid
file refused, or read differently (array shape, dtype, bytes and label), counts as garbage. The summary says
whether the NTU C tokenizer was built (without it ``ntu_c`` runs the pure-Python path).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import select
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

COLUMNS = ("clean", "error", "other", "hang", "memory", "garbage")
TITLES = ("clean results", "clean errors", "other exceptions", "hangs", "memory blow-ups", "garbage")


def worker(memory_report: int) -> None:
    """Read cases named on stdin (one JSON line each) and answer one JSON line each on stdout."""
    import tracemalloc

    import fuzz_families as ff
    import scipy.io  # noqa: F401 - warm up: imports must not count against the first case's time

    import sugar_hf.skeleton.readers  # noqa: F401
    from sugar_hf.skeleton.readers import ntu

    out = sys.stdout
    sys.stdout = sys.stderr  # readers must not write into the protocol stream
    out.write(f"ready {int(getattr(ntu, '_ntu_fast', None) is not None)}\n")
    out.flush()
    for line in sys.stdin:
        req = json.loads(line)
        if req.get("mode") == "fingerprint":
            out.write(json.dumps(_fingerprint(ff, req)) + "\n")
            out.flush()
            continue
        case = ff.Case(req["fmt"], req["family"], Path(req["path"]).name, b"", req["expect"], req.get("special"))
        tracemalloc.start()
        start = time.perf_counter()
        try:
            outcome, detail = ff.run_case(case, req["path"])
        except MemoryError:
            outcome, detail = "memory", "MemoryError outside the reader"
        wall = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        if peak > memory_report and outcome != "memory":
            detail = f"traced peak {peak / 2**30:.2f} GiB ({outcome}: {detail})"
            outcome = "memory"
        out.write(json.dumps({"outcome": outcome, "detail": detail, "wall": wall, "peak": peak}) + "\n")
        out.flush()


REAL_READERS = [  # (pattern on the path relative to --valid-folder, reader name in sugar_hf.skeleton.readers)
    (r"\.skeleton$", "read_ntu_skeleton"),
    (r"(^|/)nw_ucla/.*\.json$", "read_nw_ucla"),
    (r"_annotations[^/]*\.json$", "read_tsu_annotations"),
    (r"toyota[^/]*/.*\.json$", "read_toyota_json"),
    (r"tsu[^/]*/.*\.npz$", "read_tsu_npz"),
    (r"\.mat$", "read_utd_mhad"),
    (r"(^|/)pku_mmd[^/]*/skeleton/.*\.txt$", "read_pku_skeleton"),
    (r"(^|/)pku_mmd[^/]*/label/.*\.txt$", "read_pku_labels"),
    (r"(^|/)joints_s\d+_e\d+\.txt$", "read_utkinect_joints"),
    (r"(^|/)actionLabel\.txt$", "read_utkinect_labels"),
]
"""Which reader reads a real file of ``--valid-folder`` (the first pattern that matches; other files are left out)."""


def real_files(folder: Path) -> list[tuple[str, str]]:
    """``(path, reader name)`` of every file under ``folder`` that :data:`REAL_READERS` names, sorted."""
    import re

    found = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = path.relative_to(folder).as_posix()
        reader = next((name for pattern, name in REAL_READERS if re.search(pattern, rel)), None)
        if reader is not None:
            found.append((str(path), reader))
    return found


def _fingerprint(ff, req: dict) -> dict:
    """The digest of what must stay identical (``fuzz_families.fingerprint``) of one valid file, or its error."""
    if req.get("reader"):
        from sugar_hf.skeleton import readers

        read = getattr(readers, req["reader"])
    else:
        read = ff.FORMATS[req["fmt"]].read
    try:
        result = read(req["path"])
    except Exception as exc:  # noqa: BLE001 - a refused valid file is what is counted
        return {"digest": None, "detail": f"{type(exc).__name__}: {exc}"[:200]}
    parts = ff.fingerprint(result)
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part if isinstance(part, bytes) else repr(part).encode())
    return {"digest": digest.hexdigest(), "detail": ""}


class Worker:
    def __init__(self, args, env):
        def limit():
            resource.setrlimit(resource.RLIMIT_AS, (args.memory, args.memory))

        self.proc = subprocess.Popen(
            [sys.executable, __file__, "--worker", "--memory-report", str(args.memory_report)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
            preexec_fn=limit,
            text=True,
            bufsize=1,
        )
        ready, _, _ = select.select([self.proc.stdout], [], [], 300)
        answer = self.proc.stdout.readline().split() if ready else []
        if not answer or answer[0] != "ready":
            raise RuntimeError("fuzz worker did not start")
        self.ntu_c = answer[1:] == ["1"]

    def ask(self, req: dict, timeout: float) -> dict | None:
        try:
            self.proc.stdin.write(json.dumps(req) + "\n")
            self.proc.stdin.flush()
        except BrokenPipeError:
            return {"outcome": "memory", "detail": "worker died"}
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        if not ready:
            return None
        line = self.proc.stdout.readline()
        if not line:
            code = self.proc.wait()
            return {"outcome": "memory", "detail": f"worker died (exit {code})"}
        return json.loads(line)

    def kill(self):
        self.proc.kill()
        self.proc.wait()


def check_valid_files(args, formats, w: Worker, env_for, tmp: Path, examples) -> Counter:
    """Fresh valid seeds of every format (and the real files of ``--valid-folder``) must read clean, and
    identically with ``--baseline-src``; counts (``garbage:<format>`` for the ones that do not)."""
    import fuzz_families as ff
    import numpy as np

    base = Worker(args, env_for(args.baseline_src)) if args.baseline_src else None
    out: Counter = Counter()
    jobs = []  # (format or real reader, request)
    for fmt in formats:
        rng = np.random.default_rng([args.seed, 2024, sum(map(ord, fmt))])
        for i in range(args.valid):
            folder = tmp / f"valid_{fmt}_{i:03d}"  # the file keeps its format's name
            folder.mkdir()
            path = folder / ff.FORMATS[fmt].filename
            path.write_bytes(ff.FORMATS[fmt].seed(rng))
            jobs.append((fmt, {"mode": "fingerprint", "fmt": fmt, "path": str(path)}))
            out["seeds"] += 1
    if args.valid_folder:
        for path, reader in real_files(Path(args.valid_folder)):
            jobs.append((reader, {"mode": "fingerprint", "reader": reader, "path": path}))
            out["real"] += 1
    for label, req in jobs:
        now = w.ask(req, args.timeout) or {"digest": None, "detail": "no answer in time"}
        if now.get("digest") is None:
            out["refused"] += 1
            out[f"garbage:{label}"] += 1
            examples[label, "garbage"].append(f"valid file refused: {Path(req['path']).name}: {now['detail']}")
        else:
            out["clean"] += 1
        if base is not None:
            then = base.ask(req, args.timeout) or {"digest": None, "detail": "no answer in time"}
            if then.get("digest") is not None and now.get("digest") == then["digest"]:
                out["identical"] += 1
            elif then.get("digest") is not None:  # the baseline read it: this checkout must read it the same
                out["different"] += 1
                out[f"garbage:{label}"] += now.get("digest") is not None
                if now.get("digest") is not None:
                    examples[label, "garbage"].append(f"valid file reads differently: {Path(req['path']).name}")
            else:
                out["baseline_refused"] += 1
        if req.get("fmt"):
            Path(req["path"]).unlink()
            Path(req["path"]).parent.rmdir()
    if base is not None:
        base.kill()
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--cases", type=int, default=10000, help="mutation cases over all formats")
    p.add_argument("--truncations", type=int, default=200,
                   help="cut points of the truncation-at-every-byte family a format (0: none)")
    p.add_argument("--formats", nargs="*", help="subset of formats (default: all)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--timeout", type=float, default=15.0, help="seconds a case")
    p.add_argument("--memory", type=int, default=4 * 2**30, help="RLIMIT_AS of a worker, bytes")
    p.add_argument("--memory-report", type=int, default=2**30, help="traced peak counted as a blow-up")
    p.add_argument("--bomb-bytes", type=int, default=2 * 2**30, help="inflated size of the bombs (0: none)")
    p.add_argument("--src", help="the src folder of the package to fuzz (default: this checkout's)")
    p.add_argument("--valid", type=int, default=20, help="fresh valid seed files a format read identically")
    p.add_argument("--valid-folder", help="real files under this folder must read clean (and identically)")
    p.add_argument("--baseline-src", help="another checkout's src: valid files must read identically with it")
    p.add_argument("--show", type=int, default=3, help="examples printed per bad outcome and format")
    p.add_argument("--json", help="write the counts and examples here")
    p.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.worker:
        worker(args.memory_report)
        return 0

    import fuzz_families as ff

    def env_for(src) -> dict:
        return dict(os.environ, OMP_NUM_THREADS="1", PYTHONPATH=os.pathsep.join(
            [str(Path(src).resolve()), str(HERE.parent / "tests")]
        ))  # fmt: skip

    env = env_for(args.src or HERE.parent / "src")
    formats = args.formats or list(ff.FORMATS)
    per_format = -(-args.cases // len(formats))
    counts: dict[str, Counter] = defaultdict(Counter)
    examples: dict[tuple[str, str], list[str]] = defaultdict(list)
    slowest: dict[str, float] = defaultdict(float)
    family_counts: dict[str, Counter] = defaultdict(Counter)
    started = time.perf_counter()
    w = Worker(args, env)
    with tempfile.TemporaryDirectory(prefix="fuzz_readers_") as tmp:
        for fmt in formats:
            cases = ff.generate(fmt, per_format, seed=args.seed, bomb_bytes=args.bomb_bytes)
            if args.truncations:
                cases += ff.truncation_cases(fmt, args.truncations, seed=args.seed)
            for i, case in enumerate(cases):
                path = Path(tmp) / f"{i:05d}_{case.filename}"
                cleanup = ff.write_case(case, path)
                req = {"fmt": fmt, "family": case.family, "expect": case.expect, "path": str(path),
                       "special": case.special}  # fmt: skip
                reply = w.ask(req, args.timeout)
                if reply is None:
                    w.kill()
                    w = Worker(args, env)
                    reply = {"outcome": "hang", "detail": f"no answer in {args.timeout:.0f} s"}
                elif reply["detail"].startswith("worker died"):
                    w.kill()
                    w = Worker(args, env)
                slowest[fmt] = max(slowest[fmt], reply.get("wall", args.timeout))
                counts[fmt][reply["outcome"]] += 1
                counts[fmt]["cases"] += 1
                if (
                    reply["outcome"] not in ("clean", "error")
                    and len(examples[fmt, reply["outcome"]]) < args.show
                ):
                    examples[fmt, reply["outcome"]].append(f"{case.family}: {reply['detail']}")
                family_counts[case.family][reply["outcome"]] += 1
                cleanup()
            print(
                f"  {fmt}: {counts[fmt]['cases']} cases, {time.perf_counter() - started:.0f} s",
                file=sys.stderr,
            )
        valid = check_valid_files(args, formats, w, env_for, Path(tmp), examples)
    ntu_c = w.ntu_c
    w.kill()
    for key, n in valid.items():  # refused or differing valid files are garbage of their format
        if key.startswith("garbage:"):
            counts[key.split(":", 1)[1]]["garbage"] += n
    total = Counter()
    for c in counts.values():
        total.update(c)
    header = f"| format | cases | {' | '.join(TITLES)} | slowest case s |"
    print(header)
    print("|" + "---|" * (len(TITLES) + 3))
    for fmt in formats:
        c = counts[fmt]
        print(
            f"| {fmt} | {c['cases']} | " + " | ".join(str(c[k]) for k in COLUMNS) + f" | {slowest[fmt]:.2f} |"
        )
    print(
        f"| **all** | {total['cases']} | "
        + " | ".join(str(total[k]) for k in COLUMNS)
        + f" | {max(slowest.values()):.2f} |"
    )
    print(f"\n{total['cases']} cases in {time.perf_counter() - started:.0f} s; RLIMIT_AS {args.memory / 2**30:.1f} GiB, "
          f"{args.timeout:.0f} s a case, bombs {args.bomb_bytes / 2**30:.2f} GiB; NTU C tokenizer "
          f"{'built (ntu_c fuzzed the C path)' if ntu_c else 'absent (ntu_c ran the pure-Python path)'}")  # fmt: skip
    print(f"valid files: {valid['seeds']} fresh seeds and {valid['real']} real files read clean: "
          f"{valid['clean']}; refused: {valid['refused']}; identical to the baseline "
          + (f"({args.baseline_src}): {valid['identical']}, different: {valid['different']}"
             if args.baseline_src else "(no --baseline-src): not compared"))  # fmt: skip
    print("\n| family | cases | " + " | ".join(TITLES) + " |\n|" + "---|" * (len(TITLES) + 2))
    for family in sorted(family_counts):
        c = family_counts[family]
        print(f"| {family} | {sum(c.values())} | " + " | ".join(str(c[k]) for k in COLUMNS) + " |")
    for (fmt, outcome), lines in sorted(examples.items()):
        for line in lines:
            print(f"  [{fmt} {outcome}] {line}")
    if args.json:
        Path(args.json).write_text(json.dumps(
            {"counts": {f: dict(c) for f, c in counts.items()}, "valid": dict(valid), "ntu_c": ntu_c,
             "families": {f: dict(c) for f, c in family_counts.items()}, "examples": {f"{k[0]}/{k[1]}": v for k, v in examples.items()}},
            indent=1,
        ))  # fmt: skip
    bad = sum(total[k] for k in ("other", "hang", "memory", "garbage"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
