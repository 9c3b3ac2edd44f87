"""Mutation families for fuzzing the skeleton readers, shared by ``tests/test_fuzz_readers.py`` (a few hundred
seeded cases a format) and ``benchmarks/fuzz_readers.py`` (thousands, each in a memory- and time-capped worker).

Every seed file is synthetic and deterministic (no data download needed). A :class:`Case` is one mutated file
with the family that made it and what a correct reader must do with it:

- ``expect="error"``: the mutation makes the file invalid (a moved line break, ``1e39``, a boolean coordinate,
  a bomb...), so anything but one :class:`SkeletonFormatError` naming the file is wrong; a clean result is
  *garbage*;
- ``expect="any"``: the mutation may or may not break the file (a flipped byte); a clean result must then be
  *sane*: finite float32 ``(persons, frames, joints, channels)`` with the format's joints and channels, and
  labels / frame ids in range.

:func:`run_case` reads one case and returns its outcome (``clean``, ``error``, ``garbage`` or ``other``) with a
detail string. It only calls each reader with the path, so it runs against older versions of the package too.
"""

from __future__ import annotations

import io
import json
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sugar_hf.skeleton.readers.utkinect import UTK_CLASSES

# ---------------------------------------------------------------------------------------------------------------
# Cases and outcomes


@dataclass
class Case:
    fmt: str
    family: str
    filename: str
    content: bytes
    expect: str = "any"  # "error", "any", or "same" (clean and identical to reading ``reference``)
    special: str | None = None  # how :func:`write_case` makes the file (a FIFO, a symlink...); None: a plain file
    reference: bytes | None = None  # expect="same": the valid file whose result this case must reproduce


# ---------------------------------------------------------------------------------------------------------------
# Seeds: small valid files of every format


def _f(v: float) -> str:
    return f"{v:.6f}"


def seed_ntu(rng: np.random.Generator, frames: int = 8) -> bytes:
    out = [str(frames)]
    for t in range(frames):
        bodies = 1 + (t % 2)
        out.append(str(bodies))
        for b in range(bodies):
            out.append(f"7205759403793110{b} 0 1 1 1 1 0 0.02764709 0.05745083 2")
            out.append("25")
            for _ in range(25):
                xyz = rng.normal(0, 0.5, 3) + (0, 0, 3)
                rest = [rng.uniform(0, 500), rng.uniform(0, 400), rng.uniform(0, 1900), rng.uniform(0, 1000)]
                quat = rng.normal(0, 0.5, 4)
                out.append(" ".join([*map(_f, xyz), *map(_f, rest), *map(_f, quat), "2"]))
    return ("\r\n".join(out) + "\r\n").encode()


def seed_pku(rng: np.random.Generator, frames: int = 12) -> bytes:
    rows = [" ".join(_f(v) for v in rng.normal(0, 1, 150)) for _ in range(frames)]
    return ("\n".join(rows) + "\n").encode()


def seed_utk(rng: np.random.Generator, frames: int = 12) -> bytes:
    rows = [f"{100 + t}  " + "  ".join(_f(v) for v in rng.normal(0, 1, 60)) for t in range(frames)]
    return ("\n".join(rows) + "\n").encode()


def seed_nw_ucla(rng: np.random.Generator, frames: int = 10) -> bytes:
    skel = np.round(rng.normal(0, 1, (frames, 20, 3)), 6).tolist()
    return json.dumps({"file_name": "a01_s01_e00_v01", "label": 1, "skeletons": skel}).encode()


def seed_toyota(rng: np.random.Generator, frames: int = 8) -> bytes:
    dets = [
        [
            {
                "pose2d": np.round(rng.uniform(0, 500, 26), 3).tolist(),
                "pose3d": np.round(rng.normal(0, 1, 39), 5).tolist(),
                "cumscore": 3.5,
            }
        ]
        if t % 4 != 3
        else []
        for t in range(frames)
    ]
    return json.dumps({"njts": 13, "frames": dets}).encode()


def _npz_bytes(arrays: dict, compress: bool = True) -> bytes:
    buf = io.BytesIO()
    (np.savez_compressed if compress else np.savez)(buf, **arrays)
    return buf.getvalue()


def _npy_bytes(array: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.save(buf, array, allow_pickle=False)
    return buf.getvalue()


def seed_tsu(rng: np.random.Generator, frames: int = 30) -> bytes:
    return _npz_bytes({"kpts": rng.uniform(0, 640, (frames, 17, 2)).astype(np.float32)})


def seed_npy(rng: np.random.Generator, frames: int = 10) -> bytes:
    return _npy_bytes(rng.normal(0, 1, (frames, 25, 3)).astype(np.float32))


def seed_npz(rng: np.random.Generator, frames: int = 10) -> bytes:
    return _npz_bytes({"skeleton": rng.normal(0, 1, (2, frames, 25, 3)).astype(np.float32)})


def _mat_bytes(variables: dict, compress: bool = True) -> bytes:
    from scipy.io import savemat

    buf = io.BytesIO()
    savemat(buf, variables, do_compression=compress)
    return buf.getvalue()


def seed_utd(rng: np.random.Generator, frames: int = 10) -> bytes:
    return _mat_bytes({"d_skel": rng.normal(0, 1, (20, 3, frames))}, compress=bool(rng.integers(2)))


def seed_pku_labels(rng: np.random.Generator) -> bytes:
    rows, start = [], 10
    for _ in range(6):
        end = start + int(rng.integers(20, 80))
        rows.append(f"{int(rng.integers(1, 52))},{start},{end},{int(rng.integers(1, 3))}")
        start = end + int(rng.integers(1, 30))
    return ("\n".join(rows) + "\n").encode()


UTK_ACTIONS = UTK_CLASSES


def seed_utk_labels(rng: np.random.Generator) -> bytes:
    out = []
    for s in range(1, 3):
        out.append(f"s{s:02d}_e01")
        start = 100
        for a in UTK_ACTIONS:
            out.append(f"{a}: {start} {start + 40}")
            start += 60
    return ("\n".join(out) + "\n").encode()


def seed_tsu_annotations(rng: np.random.Generator) -> bytes:
    actions, start = [], 15
    for _ in range(8):
        end = start + int(rng.integers(10, 200))
        actions.append([int(rng.integers(0, 51)), start, end])
        start = end + 3
    return json.dumps(
        {"P11T13C03": {"subset": "testing", "duration": start + 10, "actions": actions}}
    ).encode()


# ---------------------------------------------------------------------------------------------------------------
# Readers and the sanity check of a clean result


def _ntu_reader(fast: bool) -> Callable:
    def read(path):
        from sugar_hf.skeleton.readers import ntu

        saved = ntu._ntu_fast
        if not fast:
            ntu._ntu_fast = None
        try:
            return ntu.read_ntu_skeleton(path)
        finally:
            ntu._ntu_fast = saved

    return read


def _reader(name: str, **kwargs) -> Callable:
    def read(path):
        from sugar_hf.skeleton import readers

        return getattr(readers, name)(path, **kwargs)

    return read


@dataclass
class Format:
    name: str
    filename: str
    seed: Callable[[np.random.Generator], bytes]
    read: Callable
    kind: str  # "rows" (NTU/PKU/UTK text), "json", "npy", "npz", "mat", "labels"
    shape: tuple[int, int] | None = None  # (joints, channels) of a clean result; None: not a skeleton
    persons: int | None = None
    label_range: tuple[int, int] | None = None


FORMATS: dict[str, Format] = {
    f.name: f
    for f in [
        Format("ntu_c", "S001C001P001R001A001.skeleton", seed_ntu, _ntu_reader(True), "ntu", (25, 3),
               label_range=(0, 119)),
        Format("ntu_py", "S001C001P001R001A001.skeleton", seed_ntu, _ntu_reader(False), "ntu", (25, 3),
               label_range=(0, 119)),
        Format("pku_mmd", "0036-L.txt", seed_pku, _reader("read_pku_skeleton"), "rows", (25, 3), persons=2),
        Format("utkinect", "joints_s01_e01.txt", seed_utk, _reader("read_utkinect_joints"), "rows", (20, 3),
               persons=1),
        Format("nw_ucla", "a01_s01_e00_v01.json", seed_nw_ucla, _reader("read_nw_ucla"), "json", (20, 3),
               persons=1, label_range=(0, 9)),
        Format("toyota", "Cook.Cleandishes_p02_r00_v02_c03.json", seed_toyota, _reader("read_toyota_json"),
               "json", (13, 3), persons=1),
        Format("tsu_npz", "P11T13C03_LCRNet2d.npz", seed_tsu, _reader("read_tsu_npz"), "npz", (17, 2),
               persons=1),
        Format("utd_mhad", "a1_s1_t1_skeleton.mat", seed_utd, _reader("read_utd_mhad"), "mat", (20, 3),
               persons=1, label_range=(0, 26)),
        Format("generic_npy", "clip.npy", seed_npy, _reader("read_array"), "npy", (25, 3)),
        Format("generic_npz", "clip.npz", seed_npz, _reader("read_array"), "npz", (25, 3)),
        Format("pku_labels", "0036-L.txt", seed_pku_labels, _reader("read_pku_labels"), "labels"),
        Format("utk_labels", "actionLabel.txt", seed_utk_labels, _reader("read_utkinect_labels"), "labels"),
        Format("tsu_annotations", "P11T13C03_annotations.json", seed_tsu_annotations,
               _reader("read_tsu_annotations"), "labels"),
    ]
}  # fmt: skip


def sanity(fmt: Format, result) -> str | None:
    """``None`` when a clean result is sane, else what is wrong with it."""
    if fmt.kind == "labels":
        return _labels_sanity(fmt, result)
    data = getattr(result, "data", None)
    if not isinstance(data, np.ndarray) or data.dtype != np.float32 or data.ndim != 4:
        return f"data is {type(data).__name__} {getattr(data, 'dtype', '')} ndim {getattr(data, 'ndim', '')}"
    m, t, v, c = data.shape
    if m < 1 or t < 1:
        return f"empty shape {data.shape}"
    if fmt.kind in ("npy", "npz") and fmt.name.startswith("generic"):
        if v != fmt.shape[0] or not 1 <= c <= 16:
            return f"shape {data.shape}"
    elif fmt.name == "yolo_txt" and (v, c) == (17, 2):  # a line cut to 5 + 17 x (x, y): YOLO without visibility
        pass
    elif (v, c) != fmt.shape:
        return f"shape {data.shape}, expected (.., .., {fmt.shape[0]}, {fmt.shape[1]})"
    if fmt.persons is not None and m != fmt.persons:
        return f"{m} persons, expected {fmt.persons}"
    if not np.isfinite(data).all():
        return "non-finite values"
    if fmt.label_range is not None and result.label is not None:
        lo, hi = fmt.label_range
        if not isinstance(result.label, int) or not lo <= result.label <= hi:
            return f"label {result.label!r} outside {lo}..{hi}"
    if fmt.name == "utkinect":
        ids = result.meta.get("frame_ids")
        if ids is None or len(ids) != t or (np.asarray(ids) < 0).any():
            return "frame ids negative or missing"
    if fmt.name.startswith("ntu") and fmt.name and result.meta.get("num_bodies_per_frame") is not None:
        if len(result.meta["num_bodies_per_frame"]) != t:
            return "num_bodies_per_frame does not match the frames"
    return None


def _labels_sanity(fmt: Format, result) -> str | None:
    if fmt.name == "pku_labels":
        for seg in result:
            if not (0 <= seg.label <= 50 and 0 <= seg.start <= seg.end and np.isfinite(seg.confidence)):
                return f"segment {seg}"
    elif fmt.name == "utk_labels":
        for segments in result.values():
            for label, start, end, _ in segments:
                if not (0 <= label < 10 and 0 <= start <= end):
                    return f"segment {(label, start, end)}"
    else:
        for cls, start, end in result:
            if not (isinstance(cls, int) and 0 <= cls <= 50 and 0 <= start <= end):
                return f"segment {(cls, start, end)}"
    return None


def run_case(case: Case, path: str | Path) -> tuple[str, str]:
    """Read ``path`` (holding ``case.content``): ``(outcome, detail)`` with outcome ``clean`` (a sane result),
    ``error`` (one SkeletonFormatError naming the file), ``garbage`` (a clean but wrong or insane result) or
    ``other`` (any other exception, or a SkeletonFormatError that does not name the file)."""
    from sugar_hf.skeleton.readers import SkeletonFormatError

    fmt = FORMATS[case.fmt]
    feeder = _start_feeder(case, path)
    try:
        result = fmt.read(str(path))
    except SkeletonFormatError as exc:
        if str(path) not in str(exc):
            return "other", f"SkeletonFormatError without the file name: {exc}"
        return "error", str(exc)[len(str(path)) :][:200]
    except MemoryError as exc:
        return "memory", f"MemoryError {exc}"[:200]
    except RecursionError as exc:
        return "other", f"RecursionError {exc}"[:200]
    except Exception as exc:  # noqa: BLE001 - counting them is the point
        return "other", f"{type(exc).__name__}: {exc}"[:200]
    finally:
        if feeder is not None:
            feeder()
    problem = sanity(fmt, result)
    if problem is not None:
        return "garbage", problem
    if case.expect == "error":
        return "garbage", f"accepted an invalid file ({case.family})"
    if case.expect == "same":
        ref = reference_path(path)
        if not ref.exists():
            return "garbage", "no reference file written"
        try:
            expected = fmt.read(str(ref))
        except Exception as exc:  # noqa: BLE001
            return "garbage", f"the reference itself fails ({type(exc).__name__}) but the variant reads"
        if fingerprint(expected) != fingerprint(result):
            return "garbage", f"{case.family}: not identical to reading the plain valid file"
    return "clean", ""


def fingerprint(result) -> tuple:
    """What must be identical between two reads of equivalent files: the array's shape and bytes and the
    label (meta may hold the file name), or the repr of a label-file result."""
    data = getattr(result, "data", None)
    if isinstance(data, np.ndarray):
        return (data.shape, str(data.dtype), data.tobytes(), getattr(result, "label", None))
    return (repr(result),)


# ---------------------------------------------------------------------------------------------------------------
# Mutation families


def _pick(rng, seq):
    return seq[int(rng.integers(len(seq)))]


BAD_TOKENS = [
    "nan", "NaN", "inf", "-inf", "Infinity", "1e39", "-1e39", "3.5e38", "1e400", "9" * 400, "1_000", "1_0.5",
    "\u0661\u0662", "\uff11", "\u0967.5", "0x10", "1,5", "True", "--1", "1e", ".", "1.2.3", "\u00a01",
]  # fmt: skip
"""Tokens a strict numeric field must refuse (non-finite in float32, Python-only spellings, junk)."""
OK_TOKENS = ["-0", "0", "+1", "0e0", "-0.0", "1E-5", "12345678", ".5", "5."]
"""Unusual but valid numbers (may be accepted)."""


def bytes_family(rng, seed: bytes, kind: str) -> Iterator[tuple[str, bytes, str]]:
    """Byte- and bit-level corruption, any format."""
    b = bytearray(seed)
    k = int(rng.integers(len(b)))
    flip = bytearray(b)
    flip[k] = int(rng.integers(256))
    yield "byte_flip", bytes(flip), "any"
    bit = bytearray(b)
    bit[k] ^= 1 << int(rng.integers(8))
    yield "bit_flip", bytes(bit), "any"
    many = bytearray(b)
    for j in rng.integers(0, len(b), size=8):
        many[int(j)] = int(rng.integers(256))
    yield "byte_flips_8", bytes(many), "any"
    yield "truncate", bytes(b[: int(rng.integers(len(b)))]), "any"
    yield "empty", b"", "error"
    text_kind = kind in ("ntu", "rows", "json", "labels")
    # NUL / invalid UTF-8 right after a digit: inside a number or key in a text format
    digits = [i for i, ch in enumerate(b) if 48 <= ch <= 57]
    if digits:
        at = _pick(rng, digits) + 1
        yield "nul", bytes(b[:at] + b"\x00" + b[at:]), "error" if text_kind else "any"
        yield "invalid_utf8", bytes(b[:at] + b"\xff\xfe" + b[at:]), "error" if text_kind else "any"
    yield "bom", b"\xef\xbb\xbf" + bytes(b), "any"


def _data_lines(lines: list[bytes], ntokens: int) -> list[int]:
    return [k for k, line in enumerate(lines) if len(line.split()) == ntokens]


def text_rows_family(rng, seed: bytes, ntokens: int, skip_first_token: bool = False):
    """Token-level mutations of a line-per-record numeric text (NTU joint lines, PKU / UTKinect rows)."""
    lines = seed.split(b"\n")
    rows = _data_lines(lines, ntokens)
    k = _pick(rng, rows)
    parts = lines[k].split()
    j = int(rng.integers(1 if skip_first_token else 0, len(parts)))

    def with_token(tok: str) -> bytes:
        p = list(parts)
        p[j] = tok.encode()
        return b"\n".join(
            lines[:k] + [b" ".join(p) + (b"\r" if lines[k].endswith(b"\r") else b"")] + lines[k + 1 :]
        )

    yield "bad_token", with_token(_pick(rng, BAD_TOKENS)), "error"
    yield "ok_token", with_token(_pick(rng, OK_TOKENS)), "any"
    # a line break moved by one token: row k loses its last token to row k + 1
    pairs = [r for r in rows if r + 1 in rows]
    if pairs:
        k2 = _pick(rng, pairs)
        a = lines[k2].rstrip(b"\r").split()
        cr = b"\r" if lines[k2].endswith(b"\r") else b""
        moved = lines[:k2] + [b" ".join(a[:-1]) + cr, a[-1] + b" " + lines[k2 + 1]] + lines[k2 + 2 :]
        yield "moved_line_break", b"\n".join(moved), "error"
        back = lines[:k2] + [lines[k2].rstrip(b"\r") + b" " + lines[k2 + 1].split()[0] + cr,
                             b" ".join(lines[k2 + 1].rstrip(b"\r").split()[1:]) + cr] + lines[k2 + 2 :]  # fmt: skip
        yield "moved_line_break_back", b"\n".join(back), "error"
    yield "drop_token", with_token("").replace(b"  ", b" "), "error"
    yield "extra_token", with_token(f"{parts[j].decode(errors='replace')} 0.5"), "error"


def ntu_family(rng, seed: bytes):
    lines = seed.split(b"\r\n")
    yield from text_rows_family(rng, seed, 12)
    head = [b"1000000000", b"99999999999999999999", b"-1", b"0", b"1e3", b"\xd9\xa1\xd9\xa2", b"8.0"]
    yield "absurd_frame_count", b"\r\n".join([_pick(rng, head)] + lines[1:]), "error"
    counts = [k for k, line in enumerate(lines) if line.strip() in (b"1", b"2") and k > 0]
    k = _pick(rng, counts)
    yield (
        "absurd_body_count",
        b"\r\n".join(lines[:k] + [_pick(rng, [b"21", b"999", b"-2", b"3"])] + lines[k + 1 :]),
        "error",
    )
    jc = [k for k, line in enumerate(lines) if line.strip() == b"25"]
    k = _pick(rng, jc)
    yield "absurd_joint_count", b"\r\n".join(lines[:k] + [_pick(rng, [b"24", b"26", b"1000000000000", b"0"])] + lines[k + 1 :]), "error"  # fmt: skip
    info = [k for k, line in enumerate(lines) if len(line.split()) == 10]
    k = _pick(rng, info)
    p = lines[k].split()
    p[0] = _pick(rng, [b"-1", b"abc", b"1.5", b"\xef\xbc\x91"])
    yield "bad_body_id", b"\r\n".join(lines[:k] + [b" ".join(p)] + lines[k + 1 :]), "error"
    k = int(rng.integers(1, len(lines) - 1))
    if lines[k].strip():
        yield "delete_line", b"\r\n".join(lines[:k] + lines[k + 1 :]), "error"
        yield "duplicate_line", b"\r\n".join(lines[: k + 1] + lines[k:]), "error"
    yield "lone_cr", seed.replace(b"\r\n", b"\r", int(rng.integers(1, 50))), "any"  # CR ends lines too


def ntu_body_bomb(frames: int, bodies: int) -> bytes:
    """A small valid NTU file whose dense (bodies x frames) array is huge: a new body id in each of
    ``bodies`` frames spread over ``frames`` mostly empty frames."""
    joint = b"0.1 0.2 3 1 1 1 1 0 0 0 0 2\n" * 25
    every = max(1, frames // bodies)
    out = [str(frames).encode() + b"\n"]
    for t in range(frames):
        if t % every == 0 and t // every < bodies:
            out.append(b"1\n%d 0 1 1 1 1 0 0 0 2\n25\n" % (1000 + t) + joint)
        else:
            out.append(b"0\n")
    return b"".join(out)


def rows_family(rng, seed: bytes, ntokens: int, skip_first: bool):
    yield from text_rows_family(rng, seed, ntokens, skip_first_token=skip_first)
    lines = seed.split(b"\n")
    k = int(rng.integers(len(lines) - 1))
    yield (
        "blank_inside",
        b"\n".join(lines[:k] + [b""] + lines[k:]),
        "error" if 0 < k < len(lines) - 2 else "any",
    )
    yield "comma_separated", seed.replace(b"  ", b" ").replace(b" ", b","), "error"
    if skip_first:  # UTKinect frame ids
        p = lines[k].split()
        p[0] = _pick(rng, [b"1e19", b"-5", b"12.5", b"99999999999999999999", b"1_0", b"nan", b"\xd9\xa1"])
        yield "bad_frame_id", b"\n".join(lines[:k] + [b"  ".join(p)] + lines[k + 1 :]), "error"


def _json_numbers_walk(obj, rng, replace):
    """Replace one number of a nested list structure (in place) by ``replace``."""
    while isinstance(obj, list) and obj:
        i = int(rng.integers(len(obj)))
        if isinstance(obj[i], list):
            obj = obj[i]
        else:
            obj[i] = replace
            return


BAD_JSON_VALUES = ['"1.0"', "true", "false", "null", "[]", "{}", "[1.0]", "1" * 5000, "1" * 400, "1e39",
                   "-1e400", '"nan"']  # fmt: skip
"""JSON spellings that are not a finite float32 coordinate."""


def json_family(rng, seed: bytes, fmt: str):
    obj = json.loads(seed)
    marker = 7.123456789e-7  # unique float text to swap for a raw JSON spelling
    if fmt == "nw_ucla":
        _json_numbers_walk(obj["skeletons"], rng, marker)
    else:
        dets = [d for f in obj["frames"] for d in f]
        det = _pick(rng, dets)
        key = "pose3d"
        det[key][int(rng.integers(len(det[key])))] = marker
    text = json.dumps(obj)
    yield "json_bad_value", text.replace(json.dumps(marker), _pick(rng, BAD_JSON_VALUES)).encode(), "error"
    yield (
        "json_ok_value",
        text.replace(json.dumps(marker), _pick(rng, ["0", "-0", "1", "2.5e-3"])).encode(),
        "any",
    )
    yield "json_deep_nesting", ("[" * int(rng.choice([1000, 100000])) + "]" * 3).encode(), "error"
    yield "json_wrapped", json.dumps([obj]).encode(), "error"
    obj2 = json.loads(seed)
    if fmt == "nw_ucla":
        choice = int(rng.integers(6))
        if choice == 0:
            obj2["label"] = _pick(rng, ["1", 1.5, True, 0, 11, -1, None, [1]])
            expect = "any" if obj2["label"] is None else "error"
        elif choice == 1:
            obj2["skeletons"] = {"a": 1}
            expect = "error"
        elif choice == 2:
            obj2["skeletons"] = [[[[c] for c in j] for j in f] for f in obj2["skeletons"]]
            expect = "error"
        elif choice == 3:
            obj2["skeletons"] = obj2["skeletons"][:1] + [obj2["skeletons"][1][:-1]]
            expect = "error"
        elif choice == 4:
            obj2["skeletons"] = [[[str(c) for c in j] for j in f] for f in obj2["skeletons"]]
            expect = "error"
        else:
            obj2["skeletons"] = [[[bool(c > 0) for c in j] for j in f] for f in obj2["skeletons"]]
            expect = "error"
        yield "json_types", json.dumps(obj2).encode(), expect
        t = json.dumps(obj2 if choice else obj).replace('"label": 1', '"label": ' + "1" * 5000)
        yield "json_huge_label", t.encode(), "error" if '"label": 1111' in t else "any"
    else:
        choice = int(rng.integers(6))
        if choice == 0:
            obj2["njts"] = _pick(rng, [14, "13", 13.5, None, 10**30])
        elif choice == 1:
            obj2["frames"] = {"0": obj2["frames"]}
        elif choice == 2:
            obj2["frames"] = [[[d] for d in f] for f in obj2["frames"]]
        elif choice == 3:
            obj2["frames"] = [
                [dict(d, pose3d=[str(v) for v in d["pose3d"]]) for d in f] for f in obj2["frames"]
            ]
        elif choice == 4:
            obj2["frames"] = [
                [dict(d, pose3d=[v > 0 for v in d["pose3d"]]) for d in f] for f in obj2["frames"]
            ]
        else:
            obj2["frames"] = [[dict(d, pose3d=d["pose3d"][:-1]) for d in f] for f in obj2["frames"]]
        yield "json_types", json.dumps(obj2).encode(), "error"
        yield (
            "json_huge_int",
            text.replace(json.dumps(marker), "9" * int(rng.choice([400, 5000]))).encode(),
            "error",
        )


def _npy_header(shape, descr="<f4", fortran=False) -> bytes:
    header = repr({"descr": descr, "fortran_order": fortran, "shape": tuple(shape)}).encode()
    pad = 64 - (10 + len(header) + 1) % 64
    header = header + b" " * pad + b"\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header


def _zip(members: dict[str, bytes], compress: bool = True) -> bytes:
    buf = io.BytesIO()
    method = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    with zipfile.ZipFile(buf, "w", method) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def zeros_deflate(nbytes: int, level: int = 9) -> bytes:
    """Raw deflate of ``nbytes`` zeros, built chunk by chunk (a ~1000:1 bomb)."""
    comp = zlib.compressobj(level, zlib.DEFLATED, -15)
    chunk = bytes(1 << 22)
    out = []
    left = nbytes
    while left > 0:
        out.append(comp.compress(chunk[: min(left, len(chunk))]))
        left -= len(chunk)
    out.append(comp.flush())
    return b"".join(out)


def npz_bomb(key: str, shape: tuple[int, ...], descr: str = "<f4") -> bytes:
    """A zip whose one member ``key``.npy declares ``shape`` and inflates to all of it (zeros)."""
    header = _npy_header(shape, descr)
    nbytes = int(np.prod(shape)) * np.dtype(descr).itemsize
    body = zeros_deflate(nbytes)
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    # header then zeros as one deflate stream: compress the header, then splice in a full-flush stream
    head = comp.compress(header) + comp.flush(zlib.Z_FULL_FLUSH)
    raw = head + body
    crc = zlib.crc32(header)
    crc = zlib.crc32(bytes(0), crc)
    # CRC of the zeros: combine by chunks
    chunk = bytes(1 << 22)
    left = nbytes
    while left > 0:
        crc = zlib.crc32(chunk[: min(left, len(chunk))], crc)
        left -= len(chunk)
    size = len(header) + nbytes
    return _raw_zip_member(f"{key}.npy", raw, crc, size)


def _raw_zip_member(name: str, deflated: bytes, crc: int, size: int) -> bytes:
    fname = name.encode()
    zip64 = size >= 0xFFFFFFFF
    extra = struct.pack("<HHQQ", 1, 16, size, len(deflated)) if zip64 else b""
    usize, csize = (0xFFFFFFFF, 0xFFFFFFFF) if zip64 else (size, len(deflated))
    version = 45 if zip64 else 20
    local = struct.pack(
        "<4sHHHHHIIIHH", b"PK\x03\x04", version, 0, 8, 0, 0, crc, csize, usize, len(fname), len(extra)
    )
    local += fname + extra
    offset = 0
    central = struct.pack(
        "<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", version, version, 0, 8, 0, 0, crc, csize, usize, len(fname),
        len(extra), 0, 0, 0, 0, offset,
    ) + fname + extra  # fmt: skip
    cd_offset = len(local) + len(deflated)
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, 1, 1, len(central), cd_offset, 0)
    return local + deflated + central + end


PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


def _pickled_npy() -> bytes:
    buf = io.BytesIO()
    np.save(buf, np.array([{"a": 1}, None], dtype=object), allow_pickle=True)
    return buf.getvalue()


def array_family(rng, fmt: str, bomb_bytes: int):
    """Wrong dtypes / shapes / headers, object arrays, non-arrays, bombs for ``.npy`` / ``.npz`` formats."""
    key = {"tsu_npz": "kpts", "generic_npz": "skeleton"}.get(fmt)
    good_shape = {"tsu_npz": (20, 17, 2), "generic_npz": (2, 10, 25, 3), "generic_npy": (10, 25, 3)}[fmt]

    def wrap(payload: bytes, compress: bool = True) -> bytes:
        return payload if key is None else _zip({f"{key}.npy": payload}, compress)

    base = rng.normal(0, 1, good_shape)
    choice = int(rng.integers(9))
    if choice == 0:
        arr, expect = (base + 1j * base).astype(np.complex64), "error"
    elif choice == 1:
        arr, expect = base.astype(np.float16), "any"
    elif choice == 2:
        arr, expect = np.full(good_shape, 1e39, dtype=np.float64), "error"
    elif choice == 3:
        arr, expect = base.astype("U8"), "error"
    elif choice == 4:
        arr, expect = (base > 0), "any"
    elif choice == 5:
        arr = np.zeros(good_shape, dtype=[("x", "<f4"), ("y", "<f4")])
        expect = "error"
    elif choice == 6:
        arr, expect = base.astype(np.int64) * (2**62), "any"  # huge but finite in float32
    elif choice == 7:
        arr, expect = np.asfortranarray(base.astype(np.float32)), "any"
    else:
        arr, expect = (
            base.astype(np.float32).reshape(good_shape[:-1] + (1, good_shape[-1]))[..., 0, :][..., :1],
            "error",
        )
        if fmt != "tsu_npz":
            expect = "any"  # one channel is a valid generic array
    yield "array_dtype_shape", wrap(_npy_bytes(arr)), expect
    huge = (int(rng.choice([10**6, 10**9, 2**40])),) + good_shape[1:]
    yield "array_absurd_header", wrap(_npy_header(huge) + bytes(64), compress=False), "error"
    yield "array_bad_header", wrap(b"\x93NUMPY\x01\x00\xff\xff" + b"{" * 200), "error"
    yield "object_array", wrap(_pickled_npy()), "error"
    yield "png_renamed", PNG, "error"
    yield "zip_not_npy", _zip({key or "x": b"plain bytes, not an array"}), "error"
    if key is not None:
        # a member without the .npy suffix: numpy still reads it when it holds an array
        yield "npz_member_no_suffix", _zip({key: _npy_bytes(np.zeros(good_shape, np.float32))}), "any"
        yield "npz_two_members", _zip({"a.npy": _npy_bytes(base), "b.npy": _npy_bytes(base)}), "error"
    if bomb_bytes:
        tail = good_shape[2:] if key == "skeleton" else good_shape[1:]
        frames = bomb_bytes // (int(np.prod(tail)) * 4)
        shape = (1, frames) + tail if key == "skeleton" else (frames,) + tail
        if key is None:  # .npy: no compression, so a header that promises what the file does not hold
            yield "bomb", _npy_header((frames,) + good_shape[1:]) + bytes(1024), "error"
        else:
            yield "bomb", npz_bomb(key, shape), "error"


# MAT-file v5 writer for hostile variables (scipy's savemat cannot write lies)
_MI = {"int8": 1, "uint8": 2, "int32": 5, "uint32": 6, "double": 9, "matrix": 14, "compressed": 15}


def _mat_element(mtype: int, data: bytes) -> bytes:
    pad = (-len(data)) % 8
    return struct.pack("<II", mtype, len(data)) + data + bytes(pad)


def _mat_matrix(
    name: str, dims, mclass: int = 6, data: bytes | None = None, data_bytes: int | None = None
) -> bytes:
    """An miMATRIX element; ``data_bytes`` declares a real-part size other than ``len(data)``."""
    flags = _mat_element(_MI["uint32"], struct.pack("<II", mclass, 0))
    dims_el = _mat_element(_MI["int32"], struct.pack(f"<{len(dims)}i", *dims))
    name_el = _mat_element(_MI["int8"], name.encode())
    data = data if data is not None else bytes(8 * int(np.prod(dims)))
    if data_bytes is None:
        real = _mat_element(_MI["double"], data)
    else:
        real = struct.pack("<II", _MI["double"], data_bytes) + data
    body = flags + dims_el + name_el + real
    return struct.pack("<II", _MI["matrix"], len(body)) + body


def _mat_file(*elements: bytes) -> bytes:
    header = b"MATLAB 5.0 MAT-file, fuzz".ljust(116, b" ") + bytes(8) + struct.pack("<H", 0x0100) + b"IM"
    return header + b"".join(elements)


def mat_bomb(frames: int) -> bytes:
    """A compressed ``d_skel`` of ``(20, 3, frames)`` zeros: small file, ``480 * frames`` inflated bytes."""
    nbytes = 20 * 3 * frames * 8
    head = _mat_matrix("d_skel", (20, 3, frames), data=b"", data_bytes=nbytes)
    head = struct.pack("<II", _MI["matrix"], len(head) - 8 + nbytes) + head[8:]
    comp = zlib.compressobj(9)
    chunks = [comp.compress(head)]
    chunk = bytes(1 << 22)
    left = nbytes
    while left > 0:
        chunks.append(comp.compress(chunk[: min(left, len(chunk))]))
        left -= len(chunk)
    chunks.append(comp.flush())
    payload = b"".join(chunks)
    return _mat_file(struct.pack("<II", _MI["compressed"], len(payload)) + payload)


def mat_family(rng, bomb_bytes: int):
    frames = 10
    good = rng.normal(0, 1, (20, 3, frames))
    choice = int(rng.integers(10))
    if choice == 0:
        variables, expect = {"skel": good}, "error"
    elif choice == 1:
        variables, expect = {"d_skel": good.transpose(1, 0, 2)}, "error"
    elif choice == 2:
        variables, expect = {"d_skel": good[..., 0]}, "error"
    elif choice == 3:
        variables, expect = {"d_skel": good + 1j * good}, "error"
    elif choice == 4:
        variables, expect = {"d_skel": "a string"}, "error"
    elif choice == 5:
        variables, expect = {"d_skel": np.array([good, good], dtype=object)}, "error"
    elif choice == 6:
        variables, expect = {"d_skel": {"a": good}}, "error"
    elif choice == 7:
        variables, expect = {"d_skel": np.full((20, 3, frames), 1e39)}, "error"
    elif choice == 8:
        variables, expect = {"d_skel": good.astype(np.int16)}, "any"
    else:
        variables, expect = {"d_skel": good, "extra": np.zeros((5, 5))}, "any"
    yield "mat_variables", _mat_bytes(variables, compress=bool(rng.integers(2))), expect
    huge = int(rng.choice([10**6, 10**9, 2**31 - 1]))
    yield "mat_absurd_dims", _mat_file(_mat_matrix("d_skel", (20, 3, huge), data=bytes(480))), "error"
    yield (
        "mat_lying_size",
        _mat_file(_mat_matrix("d_skel", (20, 3, 2), data=bytes(960), data_bytes=2**31)),
        "error",
    )
    yield "mat_cell_dims", _mat_file(_mat_matrix("d_skel", (10**5, 10**5), mclass=1, data=b"")), "error"
    yield (
        "mat_v73",
        b"MATLAB 7.3 MAT-file".ljust(116, b" ") + bytes(8) + b"\x00\x02IM" + b"\x89HDF\r\n\x1a\n",
        "error",
    )
    yield "png_renamed", PNG, "error"
    if bomb_bytes:
        yield "bomb", mat_bomb(bomb_bytes // 480), "error"


def labels_family(rng, seed: bytes, fmt: str):
    if fmt == "tsu_annotations":
        obj = json.loads(seed)
        video = next(iter(obj))
        acts = obj[video]["actions"]
        k = int(rng.integers(len(acts)))
        slot = int(rng.integers(3))
        bad = _pick(rng, ["-5", "51", "999", '"3"', "2.5", "true", "null", "1" + "0" * 30, "1" * 5000]
                    if slot == 0 else ["-1", '"3"', "2.5", "true", "1" * 5000])  # fmt: skip
        acts[k][slot] = "@@BAD@@"
        text = json.dumps(obj).replace('"@@BAD@@"', bad)
        yield "label_value", text.encode(), "error"
        return
    lines = seed.split(b"\n")
    k = int(rng.integers(len(lines) - 1))
    if fmt == "pku_labels":
        p = lines[k].split(b",")
        j = int(rng.integers(4))
        p[j] = _pick(
            rng, [b"1_0", b"\xd9\xa1", b"1e3", b"-1", b"0", b"52", b"99999999999999999999999", b"nan"]
        )
        # class ids are 1..51; frames plain integers >= 0; the confidence any plain finite number
        expect = (
            "error"
            if j == 0 or p[j] in (b"nan", b"1_0", b"\xd9\xa1") or (j < 3 and p[j] in (b"-1", b"1e3"))
            else "any"
        )
        yield "label_value", b"\n".join(lines[:k] + [b",".join(p)] + lines[k + 1 :]), expect
    else:
        rows = [i for i, line in enumerate(lines) if b":" in line]
        k = _pick(rng, rows)
        a, _, b = lines[k].partition(b":")
        nums = b.split()
        nums[int(rng.integers(2))] = _pick(rng, [b"1_0", b"\xd9\xa1", b"-1", b"1e19", b"2.5", b"inf"])
        yield "label_value", b"\n".join(lines[:k] + [a + b": " + b" ".join(nums)] + lines[k + 1 :]), "error"


def mutations(fmt_name: str, rng: np.random.Generator, bomb_bytes: int = 0) -> Iterator[Case]:
    """One round of every family of ``fmt_name`` on a fresh seed (a few dozen cases)."""
    fmt = FORMATS[fmt_name]
    seed = fmt.seed(rng)
    out: list[tuple[str, bytes, str]] = []
    out += list(bytes_family(rng, seed, fmt.kind))
    if fmt.kind == "ntu":
        out += list(ntu_family(rng, seed))
        if bomb_bytes:
            bodies = 200
            frames = max(bodies, bomb_bytes // (bodies * 25 * 3 * 4))
            out.append(("ntu_body_per_frame", ntu_body_bomb(frames, bodies), "error"))
    elif fmt_name == "pku_mmd":
        out += list(rows_family(rng, seed, 150, False))
    elif fmt_name == "utkinect":
        out += list(rows_family(rng, seed, 61, True))
    elif fmt.kind == "json":
        out += list(json_family(rng, seed, fmt_name))
    elif fmt.kind in ("npy", "npz"):
        out += list(array_family(rng, fmt_name, bomb_bytes))
    elif fmt.kind == "mat":
        out += list(mat_family(rng, bomb_bytes))
    elif fmt.kind == "labels":
        out += list(labels_family(rng, seed, fmt_name))
    elif fmt.kind.startswith("pose_"):  # the pose-estimator exports: tests/fuzz_pose_families.py
        out += list(_pose.pose_family(rng, seed, fmt_name, BAD_JSON_VALUES, BAD_TOKENS, OK_TOKENS, _pick))
    for family, content, expect in out:
        yield Case(fmt_name, family, fmt.filename, content, expect)
    yield from hostile_family(rng, seed, fmt_name, bomb_bytes)


def generate(fmt_name: str, n: int, seed: int = 0, bomb_bytes: int = 0, bomb_every: int = 10) -> list[Case]:
    """``n`` cases of ``fmt_name`` (deterministic for a seed); bombs of ``bomb_bytes`` in every
    ``bomb_every``-th round only (they are slow to build)."""
    rng = np.random.default_rng([seed, sum(map(ord, fmt_name))])
    cases: list[Case] = []
    rnd = 0
    while len(cases) < n:
        cases.extend(mutations(fmt_name, rng, bomb_bytes if rnd % bomb_every == 0 else 0))
        rnd += 1
    return cases[:n]


# The pose-estimator export readers (issue 25) register their formats and families from their own module.
import fuzz_pose_families as _pose  # noqa: E402

FORMATS.update(_pose.formats(Format))


# ---------------------------------------------------------------------------------------------------------------
# Issue 24: hostile files beyond the byte content. Special files (FIFOs with and without a writer, symlinks to
# devices named like a valid file, sockets, directories), files that grow or are sparse, encodings, deep nesting,
# duplicate keys / members / variables, huge lines, many newlines, absurd number tokens, exact containers, and
# truncation at every byte of a small valid file. A case's ``special`` tells :func:`write_case` how to make it;
# :func:`run_case` runs the FIFO writer or the appender of the ``fifo_fed`` / ``grow`` cases during the read.

TEXT_KINDS = ("ntu", "rows", "labels", "pose_text")
JSON_KINDS = ("json", "pose_json")
BINARY_KINDS = ("npy", "npz", "mat")
SPARSE_BYTES = 200 * 2**20


def _kind(fmt: Format) -> str:
    """``text``, ``json`` or ``binary`` (a JSON label file counts as JSON)."""
    if fmt.kind in JSON_KINDS or fmt.filename.endswith(".json"):
        return "json"
    return "binary" if fmt.kind in BINARY_KINDS else "text"


def reference_path(path) -> Path:
    """Where :func:`write_case` puts the valid file a ``same`` case is compared with (same file name)."""
    path = Path(path)
    return path.parent / "_ref" / path.name


_SOCKETS: dict[str, object] = {}


def write_case(case: Case, path) -> Callable[[], None]:
    """Make ``path`` for ``case`` (a plain file of ``case.content``, or its special file); returns the cleanup."""
    import os
    import socket

    path = Path(path)
    special = case.special or ""
    extra: list[Path] = []
    if case.reference is not None:
        ref = reference_path(path)
        ref.parent.mkdir(exist_ok=True)
        ref.write_bytes(case.reference)
        extra.append(ref)
    if special in ("fifo", "fifo_fed"):
        os.mkfifo(path)
    elif special.startswith("symlink:"):
        path.symlink_to(special.split(":", 1)[1])
    elif special == "symlink_file":
        target = path.parent / f".{path.name}.target"
        target.write_bytes(case.content)
        path.symlink_to(target)
        extra.append(target)
    elif special == "socket":
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.bind(str(path))
        _SOCKETS[str(path)] = sock
    elif special == "directory":
        path.mkdir()
        (path / "inside.txt").write_bytes(case.content)
        extra.append(path / "inside.txt")
    elif special == "sparse":
        path.write_bytes(case.content)
        with open(path, "r+b") as fp:
            fp.truncate(len(case.content) + SPARSE_BYTES)
    else:  # plain, grow
        path.write_bytes(case.content)

    def cleanup() -> None:
        for p in extra:
            p.unlink(missing_ok=True)
        sock = _SOCKETS.pop(str(path), None)
        if sock is not None:
            sock.close()
        if path.is_dir() and not path.is_symlink():
            path.rmdir()
        else:
            path.unlink(missing_ok=True)

    return cleanup


GROW_LIMIT = 64 * 2**20


def _start_feeder(case: Case, path):
    """For ``fifo_fed`` (a writer that never stops) and ``grow`` (an appender) start the writer thread; returns
    the function that stops it, or None."""
    import os
    import threading

    if case.special not in ("fifo_fed", "grow"):
        return None
    stop = threading.Event()
    chunk = b"0.5 " * 4096 + b"\n"

    def fifo():
        while not stop.is_set():
            try:
                fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
            except OSError:  # no reader (the reader refused the FIFO): try again until stopped
                stop.wait(0.002)
                continue
            try:
                while not stop.is_set():
                    try:
                        os.write(fd, chunk)
                    except BlockingIOError:
                        stop.wait(0.001)
            except OSError:
                pass
            finally:
                os.close(fd)

    def grow():
        written = 0
        with open(path, "ab") as out:
            while not stop.is_set() and written < GROW_LIMIT:
                out.write(chunk)
                out.flush()
                written += len(chunk)

    thread = threading.Thread(target=fifo if case.special == "fifo_fed" else grow, daemon=True)
    thread.start()

    def stop_it():
        stop.set()
        thread.join(5)

    return stop_it


_FLOAT_TOKEN = re.compile(rb"(?<![0-9A-Za-z_.])-?[0-9]+\.[0-9]+(?![0-9A-Za-z_.])")
_INT_TOKEN = re.compile(rb"(?<![0-9A-Za-z_.])[0-9]+(?![0-9A-Za-z_.])")


def _replace_number(seed: bytes, new: bytes, rng, floats: bool = True) -> bytes | None:
    matches = list((_FLOAT_TOKEN if floats else _INT_TOKEN).finditer(seed))
    if not matches:
        return None
    m = _pick(rng, matches)
    return seed[: m.start()] + new + seed[m.end() :]


def _npy_header_raw(shape_text: str) -> bytes:
    header = ("{'descr': '<f4', 'fortran_order': False, 'shape': " + shape_text + ", }").encode()
    header += b" " * (-(10 + len(header) + 1) % 64) + b"\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header


def hostile_family(rng, seed: bytes, fmt_name: str, big_bytes: int = 0) -> Iterator[Case]:
    """The issue-24 families of one round (see the section comment); ``big_bytes`` (the bomb rounds) adds a
    huge single line and a flood of newlines of up to 100 MB."""
    fmt = FORMATS[fmt_name]
    kind = _kind(fmt)
    name = fmt.filename

    def case(family, content=b"", expect="error", special=None, reference=None):
        return Case(fmt_name, family, name, content, expect, special, reference)

    # special files: never opened, whatever the name says
    special = _pick(rng, ["fifo", "fifo_fed", "symlink:/dev/zero", "symlink:/dev/urandom", "symlink:/dev/null",
                          "socket", "directory"])  # fmt: skip
    folder_ok = special == "directory" and fmt.kind.startswith("pose_")  # pose exports read frame folders
    yield case(f"special_{special.split(':')[0]}{special[special.rfind('/') + 1:] if ':' in special else ''}",
               seed, "any" if folder_ok else "error", special)  # fmt: skip
    yield case("symlink_to_valid_file", seed, "same", "symlink_file", reference=seed)
    yield case("grow_while_read", seed, "any", "grow")
    yield case("sparse_file", seed, "error", "sparse")
    # encodings
    if kind in ("text", "json"):
        text = seed.decode("utf-8", "replace")
        enc = _pick(rng, ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
        yield case(f"encoding_{enc}", text.encode(enc), "error")
        yield case("utf8_bom", b"\xef\xbb\xbf" + seed, "same", reference=seed)
        if kind == "text":
            cr = seed.replace(b"\r\n", b"\r").replace(b"\n", b"\r")
            yield case("cr_only_line_ends", cr, "same", reference=seed)
            sep = _pick(rng, ["\u2028", "\u2029", "\x85", "\x0c", "\x1e"]).encode()
            yield case("unicode_line_separator", seed.replace(b"\n", sep, int(rng.integers(1, 4))), "any")
    # absurd number tokens
    long = b"0." + b"7" * int(_pick(rng, [65, 1000, 100_000, 10**6]))
    bad = _replace_number(seed, long, rng) or _replace_number(seed, b"1" * len(long), rng, floats=False)
    if bad is not None and kind != "binary":
        yield case("long_number_token", bad, "error")
    # huge single line / many newlines (bounded before anything is split)
    if kind == "text":
        width = int(_pick(rng, [1, 2, 4])) * 2**20 + 7
        yield case("huge_single_line", seed + b"0.5 " * (width // 4), "error")
    yield case("many_newlines", seed + b"\n" * 8_000_001, "any" if kind == "json" else "error")
    if big_bytes:
        size = min(big_bytes // 20, 100 * 2**20)
        if kind == "text":
            yield case("huge_line_100mb", b"0.123 " * (size // 6), "error")
        yield case("newlines_100mb", b"\n" * size, "error")
    # deep nesting and duplicate keys (JSON)
    if kind == "json":
        depth = int(_pick(rng, [17, 33, 64, 500, 5000]))
        deep = b"[" * depth + b"0.5" + b"]" * depth
        nested = _replace_number(seed, deep, rng) or _replace_number(seed, deep, rng, floats=False)
        if nested is not None:
            yield case("deep_nesting_inside", nested, "error")
        m = re.search(rb'\{\s*"([^"\\]{1,40})"\s*:', seed)
        if m:
            dup = seed[: m.start() + 1] + b'"' + m.group(1) + b'": 0, ' + seed[m.start() + 1 :]
            yield case("duplicate_key", dup, "error")
    # exact containers
    if fmt.kind == "npy":
        yield case("npy_trailing_bytes", seed + bytes(int(_pick(rng, [1, 64, 4096, 2**20]))), "error")
        shape = _pick(rng, ["(True, 25, 3)", "(-1, 25, 3)", "(10, -25, 3)", "(10.0, 25, 3)", "[10, 25, 3]",
                            "(10, 25, 3" + ", 1" * 40 + ")", "(2**70, 25, 3)", "('a', 25, 3)"])  # fmt: skip
        yield case("npy_header_shape", _npy_header_raw(shape) + bytes(3000), "error")
    if fmt.kind == "npz":
        key = "kpts" if fmt_name == "tsu_npz" else "skeleton"
        with zipfile.ZipFile(io.BytesIO(seed)) as z:
            member = z.read(z.namelist()[0])
        other = _pick(rng, [f"{key}.npy", key])
        buf = io.BytesIO()
        import warnings

        with warnings.catch_warnings(), zipfile.ZipFile(buf, "w") as z:
            warnings.simplefilter("ignore")
            z.writestr(f"{key}.npy", member)
            z.writestr(other, member)
        yield case("npz_duplicate_member", buf.getvalue(), "error")
        yield case("npz_trailing_bytes", seed + bytes(int(_pick(rng, [1, 100, 70_000]))), "error")
        npy = member + bytes(int(_pick(rng, [1, 64])))
        yield case("npz_member_trailing_bytes", _zip({f"{key}.npy": npy}), "error")
        exotic = io.BytesIO()  # bzip2 / LZMA: numpy never writes them, zipfile inflates their chunks whole
        with zipfile.ZipFile(exotic, "w", _pick(rng, [zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA])) as z:
            with z.open(f"{key}.npy", "w", force_zip64=True) as m:
                m.write(member)
                if big_bytes:  # the bomb rounds: the member goes on for big_bytes // 8 zeros
                    for _ in range(big_bytes // 8 // 2**24):
                        m.write(bytes(2**24))
        yield case("npz_exotic_compression", exotic.getvalue(), "error")
    if fmt.kind == "mat":
        body = seed[128:]
        yield case("mat_duplicate_variable", seed + body, "error")
        yield case("mat_stray_bytes", seed + bytes(int(rng.integers(1, 8))), "error")


def truncation_cases(fmt_name: str, max_cases: int = 600, seed: int = 0) -> list[Case]:
    """Truncation at every byte of a small valid file of ``fmt_name`` (evenly spaced cut points when the file is
    longer than ``max_cases`` bytes, always the first and last 64). Binary and JSON prefixes are invalid;
    a text prefix ending at a line break may be a valid shorter file."""
    fmt = FORMATS[fmt_name]
    rng = np.random.default_rng([seed, 24, sum(map(ord, fmt_name))])
    try:
        full = fmt.seed(rng, 2)
    except TypeError:
        full = fmt.seed(rng)
    n = len(full)
    if n <= max_cases:
        cuts = list(range(n))
    else:
        middle = np.linspace(64, n - 65, max(1, max_cases - 128)).astype(int).tolist()
        cuts = sorted(set(range(64)) | set(middle) | set(range(n - 64, n)))
    kind = _kind(fmt)
    out = []
    for k in cuts:
        prefix = full[:k]
        expect = "error" if kind in ("binary", "json") and prefix.strip() != full.strip() else "any"
        out.append(Case(fmt_name, "truncate_every_byte", fmt.filename, prefix, expect))
    return out
