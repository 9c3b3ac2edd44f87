"""NTU RGB+D 60/120 ``.skeleton`` files (Kinect v2, 25 joints, 12 values a joint, any number of bodies)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np

from .base import SkeletonSequence, parse_int, read_text, stem
from .errors import SkeletonFormatError

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
_NAME = re.compile(r"S(\d{3})C(\d{3})P(\d{3})R(\d{3})A(\d{3})")


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
    try:
        values = np.loadtxt(selected, dtype=np.float64, ndmin=2, comments=None)
        ok = values.shape == (len(selected), NTU_VALUES) and np.isfinite(values).all()
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
                try:
                    number = float(token)
                except ValueError:
                    raise SkeletonFormatError(path, lineno, f"not a number: {token[:40]!r}") from None
                if not np.isfinite(number):
                    raise SkeletonFormatError(path, lineno, f"NaN or infinite value {token!r}")
    raise SkeletonFormatError(path, starts[0] + 1, "malformed joint values")  # pragma: no cover


def _parse_fast(path) -> tuple[np.ndarray, list[str], np.ndarray] | None:
    """The C parser on a canonical well-formed file; ``None`` (use :func:`_parse_python`) on anything else."""
    try:
        raw = Path(path).read_bytes()
    except OSError:
        return None  # the Python path raises the SkeletonFormatError
    parsed = _ntu_fast.parse(raw)
    if parsed is None:
        return None
    per_frame, id_tokens, values = parsed
    per_frame = np.frombuffer(per_frame, dtype=np.uint8).astype(np.int16)
    values = np.frombuffer(values, dtype=np.float64).reshape(len(id_tokens), NTU_JOINTS, NTU_VALUES)
    return per_frame, id_tokens, values


def _parse_python(path) -> tuple[np.ndarray, list[str], np.ndarray]:
    """Pure-Python parse with full checks: (bodies per frame, bodyID of each body record, float64 joints
    ``(records, 25, 12)``); every defect raises :class:`SkeletonFormatError` naming file and line."""
    _, lines = read_text(path)
    num_frames = parse_int(path, lines, 0, "frame count")
    if num_frames == 0:
        raise SkeletonFormatError(path, 1, "zero frames")
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
        n = parse_int(path, lines, i, f"body count of frame {t + 1}", 0, MAX_BODIES_PER_FRAME)
        per_frame[t] = n
        i += 1
        for _ in range(n):
            if i >= len(lines):
                raise SkeletonFormatError(path, len(lines), f"file ends early in frame {t + 1}")
            info = lines[i].split()
            if len(info) != 10:
                raise SkeletonFormatError(path, i + 1, f"expected 10 body-info values, found {len(info)}")
            if not info[0].isdigit():
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

    return per_frame, id_tokens, _parse_joint_block(path, lines, starts)


def read_ntu_skeleton(
    path: str | os.PathLike, channels: tuple[str, ...] | str = "xyz", keep_empty_frames: bool = True
) -> SkeletonSequence:
    """Read one NTU RGB+D ``.skeleton`` file with every tracked body.

    Args:
        path: The ``.skeleton`` file (LF or CRLF).
        channels: Which values of the 12 a joint to keep, by group name or a tuple of them:
            ``"xyz"`` (metres, default), ``"depth"`` (2-D depth-map pixels), ``"color"`` (RGB pixels),
            ``"orientation"`` (quaternion wxyz), ``"tracking"`` (0/1/2).
        keep_empty_frames: Keep frames in which no body is tracked (as zeros); the converters keep them
            and let :func:`sugar_hf.skeleton.transforms.denoise_bodies` drop them.

    Returns:
        A :class:`SkeletonSequence` with ``data`` ``(bodies, frames, 25, C)`` float32, one slot per distinct
        ``bodyID`` in order of first appearance (zeros where that body is absent), ``label`` = action - 1
        when the name follows the NTU convention, and ``meta`` with setup / camera / subject / replication,
        ``body_ids`` (strings) and ``num_bodies_per_frame``.

    Raises:
        SkeletonFormatError: on any defect, naming file and line.
    """
    groups = (channels,) if isinstance(channels, str) else tuple(channels)
    unknown = [g for g in groups if g not in NTU_CHANNELS]
    if unknown:
        raise ValueError(f"unknown NTU channel groups {unknown}; choose from {list(NTU_CHANNELS)}")
    columns = [c for g in groups for c in NTU_CHANNELS[g]]

    parsed = _parse_fast(path) if _ntu_fast is not None else None
    per_frame, id_tokens, values = parsed if parsed is not None else _parse_python(path)
    num_frames = len(per_frame)
    body_ids: dict[str, int] = {}
    body_slot = [body_ids.setdefault(b, len(body_ids)) for b in id_tokens]
    frame_of = np.repeat(np.arange(num_frames), per_frame)
    values = values[..., columns].astype(np.float32)
    data = np.zeros((len(body_ids), num_frames, NTU_JOINTS, len(columns)), dtype=np.float32)
    data[np.asarray(body_slot), np.asarray(frame_of)] = values
    if not keep_empty_frames:
        data = data[:, per_frame > 0]

    name = stem(path)
    meta: dict = {"body_ids": list(body_ids), "num_bodies_per_frame": per_frame.tolist(), "channels": groups}
    label = None
    try:
        ids = parse_ntu_name(name)
        label = ids.pop("action") - 1
        meta.update(ids)
    except ValueError:
        pass
    return SkeletonSequence(data=data, name=name, layout="ntu25", label=label, meta=meta)


def read_name_list(path: str | os.PathLike) -> list[str]:
    """Sample names from an official list (missing-skeleton or available-name list); headers are skipped."""
    _, lines = read_text(path)
    return [m.group(0) for line in lines if (m := _NAME.search(line))]


def list_ntu_files(folder: str | os.PathLike) -> list[Path]:
    """Every ``*.skeleton`` under ``folder`` (recursive), sorted by name."""
    return sorted(Path(folder).rglob("*.skeleton"), key=lambda p: p.name)
