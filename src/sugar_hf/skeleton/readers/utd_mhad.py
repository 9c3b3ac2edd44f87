"""UTD-MHAD Kinect skeleton ``.mat`` files (``d_skel``: 20 joints x 3 x frames)."""

from __future__ import annotations

import io
import os
import re
import struct
import zlib

import numpy as np

from .base import SkeletonSequence, as_float32, read_bytes, stem
from .errors import ReadLimitExceeded, SkeletonFormatError
from .limits import ReadLimits, resolve

_NAME = re.compile(r"a(\d+)_s(\d+)_t(\d+)")
UTD_ACTIONS = 27
MAX_MAT_VARIABLES = 1000
"""More top-level variables than this in one ``.mat`` is refused (a UTD-MHAD file holds one)."""

_MI_INT8, _MI_INT32, _MI_UINT32, _MI_MATRIX, _MI_COMPRESSED = 1, 5, 6, 14, 15
_NUMERIC_CLASSES = range(6, 16)  # mxDOUBLE .. mxUINT64
_COMPLEX_FLAG = 0x0800


def parse_utd_name(name: str) -> dict[str, int]:
    """``"a3_s1_t2_skeleton"`` -> ``{"action": 3, "subject": 1, "trial": 2}``."""
    m = _NAME.search(name)
    if m is None:
        raise ValueError(f"{name!r} is not a UTD-MHAD name (aA_sS_tT)")
    return dict(zip(("action", "subject", "trial"), (int(g) for g in m.groups())))


def _matrix_header(path, data: bytes, bo: str) -> tuple[str, int, int, tuple[int, ...], int, int]:
    """``(name, class, flags, dims, real-part byte count, declared matrix bytes)`` from the start of an
    miMATRIX element (its tag included); refuses anything implausible."""

    def tag(pos: int) -> tuple[int, int, int, int]:
        """``(data type, byte count, data start, next element)`` of the element at ``pos``."""
        if pos + 8 > len(data):
            raise SkeletonFormatError(path, None, "MAT variable header is truncated")
        mdtype, count = struct.unpack_from(bo + "II", data, pos)
        if mdtype >> 16:  # small data element: 2-byte type, 2-byte size, 4 bytes of data
            return mdtype & 0xFFFF, mdtype >> 16, pos + 4, pos + 8
        return mdtype, count, pos + 8, pos + 8 + count + (-count % 8)

    mdtype, matrix_bytes, pos, _ = tag(0)
    if mdtype != _MI_MATRIX:
        raise SkeletonFormatError(path, None, f"MAT variable is not a matrix (data type {mdtype})")
    mdtype, count, p, pos = tag(pos)
    if mdtype != _MI_UINT32 or count != 8 or p + 8 > len(data):
        raise SkeletonFormatError(path, None, "MAT variable has no array flags")
    flags_word = struct.unpack_from(bo + "I", data, p)[0]
    mclass, flags = flags_word & 0xFF, flags_word & 0xFF00
    mdtype, count, p, pos = tag(pos)
    if mdtype != _MI_INT32 or count % 4 or not 8 <= count <= 4 * 32 or p + count > len(data):
        raise SkeletonFormatError(path, None, "MAT variable has no plausible dimensions")
    dims = struct.unpack_from(f"{bo}{count // 4}i", data, p)
    if min(dims) < 0:
        raise SkeletonFormatError(path, None, f"MAT variable has negative dimensions {dims}")
    mdtype, count, p, pos = tag(pos)
    if mdtype != _MI_INT8 or count > 256 or p + count > len(data):
        raise SkeletonFormatError(path, None, "MAT variable has no plausible name")
    name = data[p : p + count].decode("latin-1")
    real_bytes = 0
    if mclass in _NUMERIC_CLASSES:
        _, real_bytes, _, _ = tag(pos)
    return name, mclass, flags, dims, real_bytes, matrix_bytes


def _scan_mat(path, raw: bytes, limits: ReadLimits) -> None:
    """Check a MAT v5 file's variables by their headers (inflating only a few hundred bytes of each) and
    inflate ``d_skel`` in bounded chunks, before scipy reads anything."""
    if len(raw) < 128:
        raise SkeletonFormatError(path, None, "not a MATLAB v5 file (shorter than its 128-byte header)")
    version, endian = raw[124:126], raw[126:128]
    if endian not in (b"IM", b"MI"):
        raise SkeletonFormatError(path, None, "not a MATLAB v5 file (no endian indicator)")
    bo = "<" if endian == b"IM" else ">"
    if struct.unpack(bo + "H", version)[0] == 0x0200:
        raise SkeletonFormatError(path, None, "MATLAB v7.3 (HDF5) files are not supported: save with -v7")
    pos, count, found, names = 128, 0, False, set()
    while pos < len(raw):
        if pos + 8 > len(raw):
            raise SkeletonFormatError(path, None, f"{len(raw) - pos} stray bytes after the last MAT variable")
        mdtype, nbytes = struct.unpack_from(bo + "II", raw, pos)
        end = pos + 8 + nbytes
        if end > len(raw):
            raise SkeletonFormatError(path, None, f"MAT variable {count + 1} is truncated")
        count += 1
        if count > MAX_MAT_VARIABLES:
            raise SkeletonFormatError(path, None, f"more than {MAX_MAT_VARIABLES} variables")
        if mdtype == _MI_COMPRESSED:
            inflate = zlib.decompressobj()
            try:
                head = inflate.decompress(raw[pos + 8 : end], 4096)
            except zlib.error as exc:
                raise SkeletonFormatError(path, None, f"MAT variable {count} is corrupt: {exc}") from None
        elif mdtype == _MI_MATRIX:
            head, inflate = raw[pos:end], None
        else:
            raise SkeletonFormatError(path, None, f"MAT element of data type {mdtype} at the top level")
        name, mclass, flags, dims, real_bytes, matrix_bytes = _matrix_header(path, head, bo)
        if name in names:
            raise SkeletonFormatError(path, None, f"two MAT variables named {name[:40]!r}: ambiguous")
        names.add(name)
        declared = f"MAT variable {name!r} declares {matrix_bytes} bytes"
        limits.check(path, "max_inflated_bytes", matrix_bytes, declared)
        if name == "d_skel":
            found = True
            _check_d_skel(path, mclass, flags, dims, real_bytes, matrix_bytes, limits)
            if inflate is not None:
                _bounded_inflate(path, raw[pos + 8 : end], limits.max_inflated_bytes)
        pos = end
    if not found:
        raise SkeletonFormatError(path, None, "no 'd_skel' variable")


def _check_d_skel(path, mclass, flags, dims, real_bytes, matrix_bytes, limits: ReadLimits) -> None:
    if mclass not in _NUMERIC_CLASSES:
        raise SkeletonFormatError(path, None, f"d_skel is not a numeric array (MATLAB class {mclass})")
    if flags & _COMPLEX_FLAG:
        raise SkeletonFormatError(path, None, "d_skel is complex; a skeleton is real")
    if len(dims) != 3 or tuple(dims[:2]) != (20, 3):
        raise SkeletonFormatError(path, None, f"d_skel has shape {tuple(dims)}, expected (20, 3, T)")
    limits.check_frames(path, dims[2])
    limits.check_array(path, tuple(dims), 8, "d_skel")
    if real_bytes > matrix_bytes:
        raise SkeletonFormatError(
            path, None, f"d_skel declares {real_bytes} data bytes in a {matrix_bytes}-byte variable"
        )


def _bounded_inflate(path, compressed: bytes, limit: int) -> None:
    inflate = zlib.decompressobj()
    total, data = 0, compressed
    try:
        while data:
            chunk = inflate.decompress(data, 1 << 24)
            total += len(chunk)
            if total > limit:
                reason = f"d_skel inflates to more than the limit of {limit} bytes (max_inflated_bytes)"
                raise ReadLimitExceeded(path, None, reason, "max_inflated_bytes", total, limit)
            data = inflate.unconsumed_tail
    except zlib.error as exc:
        raise SkeletonFormatError(path, None, f"d_skel is corrupt: {exc}") from None


def _ids_of_name(path, name: str, require_label: bool) -> dict[str, int]:
    """Action / subject / trial of a UTD-MHAD name (``{}`` for another name unless ``require_label``)."""
    try:
        meta = parse_utd_name(name)
    except ValueError:
        if require_label:
            raise SkeletonFormatError(path, None, "no action id aXX_sYY_tZZ in the file name") from None
        return {}
    if not 1 <= meta["action"] <= UTD_ACTIONS:
        raise SkeletonFormatError(
            path, None, f"action a{meta['action']} of the file name is outside a1..a{UTD_ACTIONS}"
        )
    return meta


def read_utd_mhad(
    path: str | os.PathLike, require_label: bool = False, limits: ReadLimits | None = None
) -> SkeletonSequence:
    """Read ``d_skel`` into ``data`` ``(1, frames, 20, 3)``, layout ``utd_mhad20``; ``label`` = action - 1.

    A name with an action id (``aXX_sYY_tZZ``) outside a1..a27 is refused; a name without one gives
    ``label=None``, or a :class:`SkeletonFormatError` when ``require_label`` (the converter's case). The file
    must be MAT v5 (as released); its variables' headers, ``d_skel``'s declared shape and class and its
    inflated size are checked against ``limits`` before scipy reads it. ``.mat`` is binary, so errors carry
    ``line=None``.
    """
    lim = resolve(limits)
    name = stem(path)
    meta = _ids_of_name(path, name, require_label)
    raw = read_bytes(path, lim)
    _scan_mat(path, raw, lim)

    from scipy.io import loadmat

    try:
        mat = loadmat(io.BytesIO(raw), variable_names=["d_skel"])
    except Exception as exc:  # scipy raises many types on corrupt files; all mean "not a valid .mat"
        raise SkeletonFormatError(
            path, None, f"not a readable MATLAB file: {type(exc).__name__}: {exc}"[:300]
        ) from None
    if "d_skel" not in mat:
        raise SkeletonFormatError(path, None, "no 'd_skel' variable")
    skel = mat["d_skel"]
    if not isinstance(skel, np.ndarray) or skel.ndim != 3 or skel.shape[:2] != (20, 3):
        raise SkeletonFormatError(
            path, None, f"d_skel has shape {getattr(skel, 'shape', None)}, expected (20, 3, T)"
        )
    if skel.shape[2] == 0:
        raise SkeletonFormatError(path, None, "zero frames")
    data = as_float32(path, skel, None, "d_skel").transpose(2, 0, 1)[None]
    label = meta["action"] - 1 if meta else None
    return SkeletonSequence(
        data=np.ascontiguousarray(data), name=name, layout="utd_mhad20", label=label, meta=meta
    )
