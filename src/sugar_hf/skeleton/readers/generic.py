"""Corpora we do not know: NumPy ``.npy`` / ``.npz`` arrays, and a folder of them with a CSV of labels."""

from __future__ import annotations

import csv
import os
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

from ...skeleton_layouts import SkeletonLayout, get_layout
from .base import SkeletonSequence, as_float32, open_regular, read_text, stem
from .errors import SkeletonFormatError
from .limits import ReadLimits, resolve

_MAGIC_NAMES = (
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip file"),
    (b"BZh", "a bzip2 file"),
    (b"\xfd7zXZ", "an xz file"),
    (b"\x89HDF", "an HDF5 file"),
    (b"MATLAB", "a MATLAB file"),
    (b"%PDF", "a PDF document"),
    (b"\x80", "pickled Python data"),
    (b"{", "JSON or text"),
    (b"[", "JSON or text"),
)


def describe_magic(head: bytes) -> str:
    """What a file that is not a NumPy file looks like, from its first bytes."""
    for magic, what in _MAGIC_NAMES:
        if head.startswith(magic):
            return what
    if not head:
        return "empty"
    if all(32 <= b < 127 or b in b"\t\r\n" for b in head[:64]):
        return "text"
    return "unknown binary data"


ShapeCheck = Callable[[tuple, np.dtype], None]


def _check_header(
    path, shape, dtype: np.dtype, limits: ReadLimits, check: ShapeCheck | None, what: str
) -> int:
    """Refuse an array by its ``.npy`` header (before any data is read); returns its data bytes."""
    if dtype.hasobject:
        raise SkeletonFormatError(path, None, f"{what} is an object array (pickled data): refused")
    if dtype.kind == "c":
        raise SkeletonFormatError(path, None, f"{what} is complex ({dtype}); a skeleton is real")
    if dtype.kind not in "iuf" or dtype.fields is not None or dtype.subdtype is not None:
        raise SkeletonFormatError(path, None, f"{what} dtype {dtype} is not numeric")
    if not isinstance(shape, tuple) or any(type(n) is not int or n < 0 for n in shape):
        raise SkeletonFormatError(
            path, None, f"{what}: bad .npy header: shape {str(shape)[:80]} is not a tuple of integers >= 0"
        )
    if len(shape) > 32:
        raise SkeletonFormatError(path, None, f"{what}: bad .npy header: {len(shape)} dimensions")
    if check is not None:
        check(tuple(shape), dtype)
    limits.check_array(path, tuple(shape), dtype.itemsize, what)
    count = 1
    for n in shape:
        count *= int(n)
    return count * dtype.itemsize


def _read_npy_stream(path, fp, limits: ReadLimits, check: ShapeCheck | None, available: int, what: str):
    """Read one ``.npy`` from the stream ``fp`` (``available`` bytes in all) after checking its header."""
    head = fp.read(6)
    if head != b"\x93NUMPY":
        raise SkeletonFormatError(path, None, f"{what} is not a NumPy .npy array ({describe_magic(head)})")
    try:
        version = tuple(fp.read(2))
        if version == (1, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_1_0(fp, max_header_size=10000)
        elif version in ((2, 0), (3, 0)):
            shape, fortran, dtype = np.lib.format.read_array_header_2_0(fp, max_header_size=10000)
        else:
            raise ValueError(f"unsupported .npy version {version}")
    except SkeletonFormatError:
        raise
    except Exception as exc:  # a corrupt header: ValueError, SyntaxError...
        raise SkeletonFormatError(
            path, None, f"{what}: bad .npy header ({type(exc).__name__}; its text is not quoted)"
        ) from None
    nbytes = _check_header(path, shape, dtype, limits, check, what)
    offset = fp.tell()
    if offset + nbytes > available:
        raise SkeletonFormatError(
            path,
            None,
            f"{what} is truncated: its header promises {nbytes} data bytes, {available - offset} follow",
        )
    if offset + nbytes < available:
        raise SkeletonFormatError(
            path, None, f"{what}: data after the array ({available - offset - nbytes} bytes beyond what its header declares)"
        )
    data = fp.read(nbytes)
    if len(data) != nbytes:
        raise SkeletonFormatError(path, None, f"{what} is truncated: {len(data)} of {nbytes} data bytes")
    if fp.read(1):
        raise SkeletonFormatError(path, None, f"{what}: data after the array (the file grew while it was read)")
    order = "F" if fortran else "C"
    try:
        return np.frombuffer(data, dtype=dtype).reshape(shape, order=order)
    except ValueError as exc:
        raise SkeletonFormatError(path, None, f"{what}: bad .npy header: {exc}"[:300]) from None


def _open_zip(path, fp):
    """The zip archive in the open file ``fp``; its member list must be exact (see :func:`npz_names`)."""
    try:
        zf = zipfile.ZipFile(fp)
    except Exception as exc:  # BadZipFile, OSError, ValueError, NotImplementedError...
        raise SkeletonFormatError(
            path, None, f"not a readable npz: {type(exc).__name__}: {exc}"[:300]
        ) from None
    try:
        npz_names(zf, path)
        fp.seek(-22, os.SEEK_END)
        end = fp.read(22)
        if not (end.startswith(b"PK\x05\x06") and end[-2:] == b"\x00\x00"):
            raise SkeletonFormatError(path, None, "npz has a comment or bytes after its end record")
    except OSError as exc:
        zf.close()
        raise SkeletonFormatError(path, None, f"not a readable npz: {exc.strerror}") from None
    except BaseException:
        zf.close()
        raise
    return zf


MAX_NPZ_MEMBERS = 1000
"""More members than this in one ``.npz`` is refused (a skeleton file holds one or a few)."""


def npz_names(zf: zipfile.ZipFile, path=None) -> dict[str, zipfile.ZipInfo]:
    """Array names of an npz (member names without ``.npy``, as ``np.load`` lists them) -> members.

    Exact: two members of one name (``a.npy`` twice, or ``a`` and ``a.npy``, which ``np.load`` would give as
    one array), encrypted members, members compressed other than stored or deflated (what ``np.savez`` /
    ``np.savez_compressed`` write; zipfile inflates a bzip2 / LZMA chunk whole, so a few hundred bytes could
    become hundreds of MB in one call before any limit is checked) and more than ``MAX_NPZ_MEMBERS`` are
    refused."""
    where = path if path is not None else zf.filename
    infos = zf.infolist()
    if len(infos) > MAX_NPZ_MEMBERS:
        raise SkeletonFormatError(where, None, f"npz holds {len(infos)} members, more than {MAX_NPZ_MEMBERS}")
    out: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        name = info.filename
        key = name[:-4] if name.endswith(".npy") else name
        if key in out:
            raise SkeletonFormatError(where, None, f"npz holds two members named {key[:60]!r}: ambiguous")
        if info.flag_bits & 0x1:
            raise SkeletonFormatError(where, None, f"npz member {key[:60]!r} is encrypted")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise SkeletonFormatError(
                where, None, f"npz member {key[:60]!r} is compressed with method {info.compress_type}; "
                "only stored or deflated members (what numpy writes) are read"
            )
        out[key] = info
    return out


def _read_member(path, zf: zipfile.ZipFile, info: zipfile.ZipInfo, limits: ReadLimits, check, what: str):
    limits.check(path, "max_inflated_bytes", info.file_size, f"{what} inflates to {info.file_size} bytes")
    try:
        with zf.open(info) as fp:
            array = _read_npy_stream(path, fp, limits, check, info.file_size, what)
            if fp.read(1):
                raise SkeletonFormatError(path, None, f"{what}: data after the array")
    except SkeletonFormatError:
        raise
    except Exception as exc:  # bad CRC, truncated deflate stream, unsupported compression...
        raise SkeletonFormatError(
            path, None, f"not a readable npz: {type(exc).__name__}: {exc}"[:300]
        ) from None
    return array


def load_npz_member(
    path, key: str, limits: ReadLimits | None = None, check: ShapeCheck | None = None
) -> np.ndarray:
    """The array ``key`` of an ``.npz``, its declared shape, dtype and size checked before it is inflated
    (``check(shape, dtype)`` may refuse more). Object arrays, complex and non-numeric dtypes, members larger
    than the limits and members that are not ``.npy`` arrays raise :class:`SkeletonFormatError`."""
    lim = resolve(limits)
    fp, _ = open_regular(path, lim)
    with fp, _open_zip(path, fp) as zf:
        names = npz_names(zf, path)
        if key not in names:
            shown = [n[:40] for n in sorted(names)[:20]]
            raise SkeletonFormatError(path, None, f"no {key!r} array (found {shown})")
        return _read_member(path, zf, names[key], lim, check, repr(key))


def load_npy(path, limits: ReadLimits | None = None, check: ShapeCheck | None = None) -> np.ndarray:
    """A ``.npy`` file, its header checked (as :func:`load_npz_member`) before the data is read; the file must
    end where the declared array ends."""
    lim = resolve(limits)
    fp, size = open_regular(path, lim)
    try:
        with fp:
            return _read_npy_stream(path, fp, lim, check, size, "array")
    except OSError as exc:
        raise SkeletonFormatError(path, None, f"cannot read file: {exc.strerror}") from None


def _skeleton_shape_check(path, lay: SkeletonLayout, lim: ReadLimits) -> ShapeCheck:
    """The header check of :func:`read_array`: ``(T, V, C)`` or ``(M, T, V, C)`` in ``lay`` within ``lim``."""

    def check(shape, dtype):
        if len(shape) not in (3, 4):
            raise SkeletonFormatError(path, None, f"shape {shape}: expected (T, V, C) or (M, T, V, C)")
        if len(shape) == 3:
            shape = (1, *shape)
        lim.check(path, "max_joints", shape[2], f"{shape[2]} joints")
        if shape[2] != lay.num_joints:
            raise SkeletonFormatError(
                path, None, f"{shape[2]} joints, layout {lay.name!r} has {lay.num_joints}"
            )
        if shape[1] == 0 or shape[0] == 0:
            raise SkeletonFormatError(path, None, "zero frames or persons")
        if not 1 <= shape[3] <= lim.max_channels:
            raise SkeletonFormatError(path, None, f"{shape[3]} channels a joint")
        lim.check_frames(path, shape[1])
        lim.check_persons(path, shape[0])

    return check


def _read_npz_skeleton(path, fp, key: str | None, lim: ReadLimits, check: ShapeCheck) -> np.ndarray:
    """The array ``key`` of an ``.npz`` open as ``fp`` (default: ``"skeleton"``, or the only one)."""
    with _open_zip(path, fp) as zf:
        names = npz_names(zf, path)
        pick = key or (
            "skeleton" if "skeleton" in names else (next(iter(names)) if len(names) == 1 else None)
        )
        if pick is None or pick not in names:
            shown = [n[:40] for n in sorted(names)[:20]]
            raise SkeletonFormatError(path, None, f"choose the array with key=...; found {shown}")
        return _read_member(path, zf, names[pick], lim, check, repr(pick))


def read_array(
    path: str | os.PathLike,
    layout: str | SkeletonLayout = "ntu25",
    key: str | None = None,
    limits: ReadLimits | None = None,
) -> SkeletonSequence:
    """Read one ``.npy`` or ``.npz`` skeleton (``(T, V, C)`` or ``(M, T, V, C)``) checked against ``layout``.

    For ``.npz``, ``key`` picks the array (default: the only one, or ``"skeleton"``). The header (shape,
    dtype) is checked against the layout and ``limits`` before any data is read or inflated; pickled objects,
    complex, string and structured arrays are refused, and values must be finite in float32. Which of the two
    a file is comes from its first bytes, not its suffix. Binary format: errors carry ``line=None``.
    """
    lay = get_layout(layout)
    lim = resolve(limits)
    check = _skeleton_shape_check(path, lay, lim)
    fp, size = open_regular(path, lim)  # opened once: what is checked is what is read
    try:
        with fp:
            head = fp.read(6)
            fp.seek(0)
            if head.startswith(b"PK"):
                array = _read_npz_skeleton(path, fp, key, lim, check)
            elif head == b"\x93NUMPY":
                array = _read_npy_stream(path, fp, lim, check, size, "array")
            else:
                raise SkeletonFormatError(
                    path, None, f"not a NumPy file (.npy or .npz): it looks like {describe_magic(head)}"
                )
    except OSError as exc:
        raise SkeletonFormatError(path, None, f"cannot read file: {exc.strerror}") from None
    if array.ndim == 3:
        array = array[None]
    data = as_float32(path, array, None, "array")
    return SkeletonSequence(data=np.ascontiguousarray(data), name=stem(path), layout=lay.name)


def read_label_csv(path: str | os.PathLike) -> list[dict[str, str]]:
    """Rows of a labels CSV with a header containing at least ``file`` and ``label`` columns."""
    text, _ = read_text(path)
    reader = csv.DictReader(text.splitlines())
    fields = reader.fieldnames or []
    if "file" not in fields or "label" not in fields:
        raise SkeletonFormatError(path, 1, f"header must name 'file' and 'label' columns, found {fields}")
    rows = []
    for k, row in enumerate(reader, start=2):
        if None in row or any(v is None for v in row.values()):
            raise SkeletonFormatError(path, k, "wrong number of columns")
        if not row["file"].strip() or not row["label"].strip():
            raise SkeletonFormatError(path, k, "empty file or label")
        row["_line"] = str(k)
        rows.append(row)
    if not rows:
        raise SkeletonFormatError(path, 1, "no rows")
    return rows


def read_array_folder(
    folder: str | os.PathLike, labels_csv: str | os.PathLike, layout: str | SkeletonLayout
) -> tuple[list[SkeletonSequence], list[str]]:
    """Read every array listed in ``labels_csv`` (paths relative to ``folder``).

    ``label`` column values are class names; the returned class list is their sorted set unless all are
    integers (then ids are used as given). Extra CSV columns (``subject``, ``camera``, ``split``...) go to
    ``meta``. Returns ``(sequences, class_names)``; an unreadable array raises.
    """
    rows = read_label_csv(labels_csv)
    raw = [r["label"].strip() for r in rows]
    if all(v.isdigit() for v in raw):
        classes = [str(i) for i in range(max(int(v) for v in raw) + 1)]
    else:
        classes = sorted(set(raw))
    out = []
    for row, value in zip(rows, raw):
        seq = read_array(Path(folder) / row["file"].strip(), layout)
        seq.label = classes.index(value)
        seq.meta.update({k: v for k, v in row.items() if k not in ("file", "label", "_line")})
        out.append(seq)
    return out, classes
