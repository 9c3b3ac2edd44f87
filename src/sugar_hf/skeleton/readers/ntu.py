"""NTU RGB+D 60/120 ``.skeleton`` files (Kinect v2, 25 joints, 12 values a joint, any number of bodies)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .base import (
    FLOAT32_OVERFLOW,
    MAX_NUMBER_CHARS,
    NONFINITE,
    SkeletonSequence,
    check_line_count,
    check_numeric_text,
    decode_text,
    parse_int,
    read_bytes,
    read_text,
    stem,
    strict_float,
)
from .errors import SkeletonFormatError
from .limits import ReadLimits, resolve

try:  # optional C accelerator (setup.py builds it where a compiler exists); same results as the Python path
    from . import _ntu_fast
except ImportError:  # not built (no C compiler): the pure-Python path below
    _ntu_fast = None

NTU_JOINTS = 25
NTU_VALUES = 12
NTU_CHANNELS: dict[str, tuple[int, ...]] = {
    "xyz": (0, 1, 2),
    "depth": (3, 4),
    "color": (5, 6),
    "orientation": (7, 8, 9, 10),
    "tracking": (11,),
}
"""Channel groups of the 12 values a joint, in file order."""

MAX_BODIES_PER_FRAME = 20
NTU_ACTIONS = 120
_NAME = re.compile(r"S(\d{3})C(\d{3})P(\d{3})R(\d{3})A(\d{3})")
_BODY_ID = re.compile(r"[0-9]+", re.ASCII)
_NUMERIC_LINE = re.compile(r"[0-9eE+\-. \t]*", re.ASCII)


def parse_ntu_name(name: str) -> dict[str, int]:
    """``"S001C002P003R001A058"`` -> ``{"setup": 1, "camera": 2, "subject": 3, "replication": 1, "action": 58}``.

    ``action`` is 1-based as in the file name; the ``ClassLabel`` id is ``action - 1``.
    """
    m = _NAME.search(name)
    if m is None:
        raise ValueError(f"{name!r} is not an NTU sample name (SsssCcccPpppRrrrAaaa)")
    keys = ("setup", "camera", "subject", "replication", "action")
    return {k: int(v) for k, v in zip(keys, m.groups())}


def _parse_joint_block(path, lines: list[str], starts: list[int]) -> np.ndarray:
    """Parse the 25 joint lines after each 0-based start index into ``(len(starts), 25, 12)`` float64."""
    selected = [line for s in starts for line in lines[s : s + NTU_JOINTS]]
    if _LONG_TEXT_TOKEN.search("\n".join(selected)):
        for s in starts:
            for offset, line in enumerate(lines[s : s + NTU_JOINTS]):
                if _LONG_TEXT_TOKEN.search(line):
                    raise SkeletonFormatError(
                        path, s + offset + 1, f"a joint value of more than {MAX_NUMBER_CHARS} characters"
                    )
    try:
        if not all(map(_NUMERIC_LINE.fullmatch, selected)):
            raise ValueError("a character that is not part of a plain decimal number")
        values = np.loadtxt(selected, dtype=np.float64, ndmin=2, comments=None)
        # finite *in float32* (what the reader returns): 1e39 is finite in float64 only
        ok = values.shape == (len(selected), NTU_VALUES) and bool(np.abs(values).max() < FLOAT32_OVERFLOW)
    except ValueError:
        ok = False
    if ok:
        return values.reshape(len(starts), NTU_JOINTS, NTU_VALUES)
    for s in starts:  # slow path, only on error: name the first bad line
        for offset, line in enumerate(lines[s : s + NTU_JOINTS]):
            parts = line.split()
            lineno = s + offset + 1
            if len(parts) != NTU_VALUES:
                raise SkeletonFormatError(
                    path, lineno, f"expected {NTU_VALUES} joint values, found {len(parts)}"
                )
            for token in parts:
                number = strict_float(token)
                if number is None and token.lower() in NONFINITE:
                    raise SkeletonFormatError(path, lineno, f"NaN or infinite value {token!r}")
                if number is None:
                    raise SkeletonFormatError(path, lineno, f"not a number: {token[:40]!r}")
                if not abs(number) < FLOAT32_OVERFLOW:
                    raise SkeletonFormatError(path, lineno, f"value {token[:40]!r} is not finite in float32")
            check_numeric_text(path, line, lineno)
    raise SkeletonFormatError(path, starts[0] + 1, "malformed joint values")  # pragma: no cover


_LONG_TEXT_TOKEN = re.compile(rf"[^ \t\r\n]{{{MAX_NUMBER_CHARS + 1},}}")
_LONG_TOKEN = re.compile(rf"[^ \t\r\n]{{{MAX_NUMBER_CHARS + 1},}}".encode())


def _parse_fast(path, raw: bytes) -> tuple[np.ndarray, list[str], np.ndarray] | None:
    """The C parser on a canonical well-formed file; ``None`` (use :func:`_parse_python`) on anything else."""
    if _LONG_TOKEN.search(raw):
        return None  # the Python path names the line
    parsed = _ntu_fast.parse(raw)
    if parsed is None:
        return None
    per_frame, id_tokens, values = parsed
    per_frame = np.frombuffer(per_frame, dtype=np.uint8).astype(np.int16)
    values = np.frombuffer(values, dtype=np.float64).reshape(len(id_tokens), NTU_JOINTS, NTU_VALUES)
    return per_frame, id_tokens, values


def _parse_python(path, raw: bytes, limits: ReadLimits, deadline) -> tuple[np.ndarray, list[str], np.ndarray]:
    """Pure-Python parse with full checks: (bodies per frame, bodyID of each body record, float64 joints
    ``(records, 25, 12)``); every defect raises :class:`SkeletonFormatError` naming file and line."""
    _, lines = decode_text(path, raw, limits)
    num_frames = parse_int(path, lines, 0, "frame count")
    if num_frames == 0:
        raise SkeletonFormatError(path, 1, "zero frames")
    limits.check_frames(path, num_frames, 1)
    # A frame needs at least one line: a larger count cannot be honest (and must not allocate).
    if num_frames > len(lines) - 1:
        raise SkeletonFormatError(
            path, 1, f"frame count {num_frames} exceeds what the file can hold ({len(lines)} lines)"
        )

    starts: list[int] = []  # 0-based index of each body's first joint line
    id_tokens: list[str] = []
    per_frame = np.zeros(num_frames, dtype=np.int16)
    i = 1
    for t in range(num_frames):
        if t % 4096 == 0:
            deadline.check(i + 1)
        n = parse_int(path, lines, i, f"body count of frame {t + 1}", 0, MAX_BODIES_PER_FRAME)
        per_frame[t] = n
        i += 1
        for _ in range(n):
            if i >= len(lines):
                raise SkeletonFormatError(path, len(lines), f"file ends early in frame {t + 1}")
            info = lines[i].split()
            if len(info) != 10:
                raise SkeletonFormatError(path, i + 1, f"expected 10 body-info values, found {len(info)}")
            if not _BODY_ID.fullmatch(info[0]) or len(info[0]) > MAX_NUMBER_CHARS:
                raise SkeletonFormatError(path, i + 1, f"bodyID is not an integer: {info[0][:40]!r}")
            parse_int(path, lines, i + 1, "joint count", NTU_JOINTS, NTU_JOINTS)
            if i + 2 + NTU_JOINTS > len(lines):
                raise SkeletonFormatError(path, len(lines), f"file ends early in the joints of frame {t + 1}")
            starts.append(i + 2)
            id_tokens.append(info[0])
            i += 2 + NTU_JOINTS
    extra = [k for k in range(i, len(lines)) if lines[k].strip()]
    if extra:
        raise SkeletonFormatError(
            path, extra[0] + 1, f"unexpected data after the last of {num_frames} frames"
        )
    if not starts:
        raise SkeletonFormatError(path, 2, "no body is tracked in any frame (missing skeleton)")

    deadline.check(i)
    return per_frame, id_tokens, _parse_joint_block(path, lines, starts)


@dataclass
class NTUBody:
    """One tracked body of an NTU file, stored sparsely: only the frames it appears in.

    Attributes:
        body_id: The ``bodyID`` token (a string: the ids exceed float precision).
        frames: int64 ``(n,)`` frame indices (0-based, increasing) in which the body is tracked.
        data: float32 ``(n, 25, C)`` joints of those frames (the requested channels).
    """

    body_id: str
    frames: np.ndarray
    data: np.ndarray


def _columns(channels) -> tuple[tuple[str, ...], list[int]]:
    groups = (channels,) if isinstance(channels, str) else tuple(channels)
    unknown = [g for g in groups if g not in NTU_CHANNELS]
    if unknown:
        raise ValueError(f"unknown NTU channel groups {unknown}; choose from {list(NTU_CHANNELS)}")
    return groups, [c for g in groups for c in NTU_CHANNELS[g]]


def _parse(path, limits: ReadLimits) -> tuple[np.ndarray, list[str], np.ndarray]:
    deadline = limits.deadline(path)
    raw = read_bytes(path, limits, deadline)
    check_line_count(path, raw, limits)  # both paths: the C parser skips trailing blank lines
    parsed = _parse_fast(path, raw) if _ntu_fast is not None else None
    if parsed is None:
        parsed = _parse_python(path, raw, limits, deadline)
    per_frame, id_tokens, values = parsed
    limits.check_frames(path, len(per_frame), 1)
    return per_frame, id_tokens, values


def read_ntu_bodies(
    path: str | os.PathLike, channels: tuple[str, ...] | str = "xyz", limits: ReadLimits | None = None
) -> tuple[list[NTUBody], np.ndarray]:
    r"""Read an NTU ``.skeleton`` file sparsely: ``(bodies, num_bodies_per_frame)``.

    Each :class:`NTUBody` holds only the frames that body is tracked in, so the memory is proportional to the
    file whatever its number of distinct ``bodyID``\s (a dense ``bodies x frames`` array of a file with a new
    body id in every frame would not be). ``num_bodies_per_frame`` is int16 ``(frames,)``. Checks and errors
    as :func:`read_ntu_skeleton`, without its ``max_persons`` / ``max_array_bytes`` limit on the dense array.
    """
    lim = resolve(limits)
    _, columns = _columns(channels)
    per_frame, id_tokens, values = _parse(path, lim)
    frame_of = np.repeat(np.arange(len(per_frame)), per_frame)
    body_ids: dict[str, int] = {}
    slot = np.fromiter((body_ids.setdefault(b, len(body_ids)) for b in id_tokens), np.int64, len(id_tokens))
    order = np.argsort(slot, kind="stable")
    bounds = np.searchsorted(slot[order], np.arange(len(body_ids) + 1))
    selected = values[..., columns].astype(np.float32)
    bodies = []
    for b, body_id in enumerate(body_ids):
        rec = order[bounds[b] : bounds[b + 1]]
        bodies.append(NTUBody(body_id, frame_of[rec], selected[rec]))
    return bodies, per_frame


def read_ntu_skeleton(
    path: str | os.PathLike,
    channels: tuple[str, ...] | str = "xyz",
    keep_empty_frames: bool = True,
    limits: ReadLimits | None = None,
) -> SkeletonSequence:
    """Read one NTU RGB+D ``.skeleton`` file with every tracked body.

    Args:
        path: The ``.skeleton`` file (LF or CRLF).
        channels: Which values of the 12 a joint to keep, by group name or a tuple of them:
            ``"xyz"`` (metres, default), ``"depth"`` (2-D depth-map pixels), ``"color"`` (RGB pixels),
            ``"orientation"`` (quaternion wxyz), ``"tracking"`` (0/1/2).
        keep_empty_frames: Keep frames in which no body is tracked (as zeros); the converters keep them
            and let :func:`sugar_hf.skeleton.transforms.denoise_bodies` drop them.
        limits: Size limits (default :func:`~sugar_hf.skeleton.readers.get_default_limits`): the file size,
            the frames, the distinct bodies (``max_persons``) and the dense array's bytes
            (``max_array_bytes``), all checked before the dense array is allocated.

    Returns:
        A :class:`SkeletonSequence` with ``data`` ``(bodies, frames, 25, C)`` float32, one slot per distinct
        ``bodyID`` in order of first appearance (zeros where that body is absent), ``label`` = action - 1
        when the name follows the NTU convention, and ``meta`` with setup / camera / subject / replication,
        ``body_ids`` (strings) and ``num_bodies_per_frame``. :func:`read_ntu_bodies` gives the bodies sparsely.

    Raises:
        SkeletonFormatError: on any defect, naming file and line; a name whose action is outside A001..A120.
    """
    lim = resolve(limits)
    groups, columns = _columns(channels)
    bodies, per_frame = read_ntu_bodies(path, channels, lim)
    keep = np.arange(len(per_frame)) if keep_empty_frames else np.flatnonzero(per_frame > 0)
    lim.check_persons(path, len(bodies))
    lim.check_array(
        path, (len(bodies), len(keep), NTU_JOINTS, len(columns)), 4, "dense bodies x frames array"
    )
    data = np.zeros((len(bodies), len(keep), NTU_JOINTS, len(columns)), dtype=np.float32)
    new_index = np.full(len(per_frame), -1, dtype=np.int64)
    new_index[keep] = np.arange(len(keep))
    for b, body in enumerate(bodies):
        data[b, new_index[body.frames]] = body.data

    name = stem(path)
    label, ids = _label_of_name(path, name)
    meta: dict = {
        "body_ids": [b.body_id for b in bodies],
        "num_bodies_per_frame": per_frame.tolist(),
        "channels": groups,
        **ids,
    }
    return SkeletonSequence(data=data, name=name, layout="ntu25", label=label, meta=meta)


def _label_of_name(path, name: str) -> tuple[int | None, dict[str, int]]:
    """``(action - 1, setup / camera / subject / replication)`` of an NTU name; ``(None, {})`` for another
    name; an action outside A001..A120 is refused."""
    try:
        ids = parse_ntu_name(name)
    except ValueError:
        return None, {}
    if not 1 <= ids["action"] <= NTU_ACTIONS:
        raise SkeletonFormatError(
            path, None, f"action A{ids['action']:03d} of the file name is outside A001..A{NTU_ACTIONS}"
        )
    return ids.pop("action") - 1, ids


def read_name_list(path: str | os.PathLike) -> list[str]:
    """Sample names from an official list (missing-skeleton or available-name list); headers are skipped."""
    _, lines = read_text(path)
    return [m.group(0) for line in lines if (m := _NAME.search(line))]


def list_ntu_files(folder: str | os.PathLike) -> list[Path]:
    """Every ``*.skeleton`` under ``folder`` (recursive), sorted by name."""
    return sorted(Path(folder).rglob("*.skeleton"), key=lambda p: p.name)
