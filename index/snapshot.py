"""The Library's index saved to disk and memory-mapped back, so a start need not rebuild it from
every stored passage (issue 13: 7–8 s and ~1 GB at a million passages).

A snapshot is one file per database and analyzer version in the index folder
(``NABA_INDEX_DIR``), ``<store id>-<analyzer version>.naba-index``:

* an 8-byte magic, the header's length and CRC-32, then the header: JSON giving the format
  version, what the snapshot must match to be used (`Key`: the store's identity, the analyzer
  version, the BM25 parameters, how the fields are derived), the store's change-log cursor it
  reflects, a few scalars, and each array's dtype, shape and place;
* then the arrays, each aligned to 64 bytes, and their CRC-32 in the header.

Loading checks the magic, the header's CRC, the key, the file's size and the arrays' CRC (a
read through the page cache: ~4 GB/s, and the pages do not count in the process's memory),
then maps the file copy-on-write and hands out numpy views of it: postings stay on disk until
a query reads them, and processes on one machine share them in the page cache. Anything wrong
— a missing, truncated or corrupted file, another format, another key — is a `None` and a
reason, and the caller rebuilds; a snapshot never loads half.

Writing goes to a temporary file in the same folder, fsynced, then renamed over the old one
(and the folder fsynced): a crash leaves the old snapshot or the new one, never a mix, and a
process that has the old one mapped keeps reading it (the rename does not touch its inode).
Two processes writing at once each rename a whole file; the last one wins.
"""

from __future__ import annotations

import json
import logging
import mmap
import os
import re
import secrets
import struct
import time
import zlib
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from index.bm25 import Frozen
from index.docmap import DocMapState
from index.postings import ARRAYS as POSTINGS_ARRAYS
from index.postings import BLOCK, START
from index.terms import TermTable

log = logging.getLogger(__name__)

# bump when the layout or the meaning of an array changes (2: block-max bounds, impacts no
# longer stored; 3: a posting is one word, doc << 8 | impact code, its tf read from the code;
# 4: doc ids packed by blocks of 128, codes apart — index.postings)
FORMAT = 4
MAGIC = b"NABAIDX\x00"
SUFFIX = ".naba-index"
_PREFIX = struct.Struct("<8sQI")  # magic, header length, header CRC-32
_ALIGN = 64
_CHUNK = 1 << 23  # bytes read at a time to check the CRC
# A temporary file older than this is a writer's that died: removed by the next writer.
_STALE_TEMP_S = 3600.0


@dataclass(frozen=True, slots=True)
class Key:
    """What a snapshot must match to be loaded: the same database (its random identity, not its
    path or URL) with the same tokens (`tokens` changes when passages are re-tokenized in
    place), the same analyzer version, the same BM25 parameters, and the same derivation of the
    fields from the tokens (the root stemmer)."""

    store: str
    tokens: str
    analyzer: str
    params: tuple[float, float, float]  # k1, b, epsilon
    fields: str

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "params": list(self.params)}


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A loaded snapshot: the change-log cursor it reflects, its scalars, its arrays (views of
    the mapped file) and its size on disk."""

    cursor: int
    scalars: dict[str, Any]
    arrays: dict[str, np.ndarray]
    path: Path
    size: int


def path_for(folder: Path, key: Key) -> Path:
    """The snapshot file of this database and analyzer version in `folder`."""
    name = re.sub(r"[^A-Za-z0-9._+-]", "_", f"{key.store}-{key.analyzer}")
    return folder / f"{name}{SUFFIX}"


def _aligned(offset: int) -> int:
    return -(-offset // _ALIGN) * _ALIGN


def write(
    folder: Path, key: Key, cursor: int, scalars: Mapping[str, Any],
    arrays: Mapping[str, np.ndarray],
) -> Path:
    """Save a snapshot atomically; returns its path. Raises OSError when the folder cannot be
    written (the caller logs it: an index without a snapshot still answers)."""
    folder.mkdir(parents=True, exist_ok=True)
    _remove_stale_temps(folder)
    layout: dict[str, dict[str, Any]] = {}
    offset = 0
    crc = 0
    contiguous = {name: np.ascontiguousarray(a) for name, a in arrays.items()}
    # each as its bytes (flat: a memoryview cannot cast an array with a zero in its shape)
    raw = {name: memoryview(a.reshape(-1).view(np.uint8)) for name, a in contiguous.items()}
    for name, a in contiguous.items():
        start = _aligned(offset)
        crc = zlib.crc32(bytes(start - offset), crc)
        crc = zlib.crc32(raw[name], crc)
        layout[name] = {"dtype": a.dtype.str, "shape": list(a.shape), "offset": start,
                        "nbytes": a.nbytes}
        offset = start + a.nbytes
    header = json.dumps({
        "format": FORMAT, "key": key.as_json(), "cursor": cursor, "scalars": dict(scalars),
        "arrays": layout, "payload_bytes": offset, "payload_crc32": crc,
        "written": time.time(), "pid": os.getpid(),
    }).encode()
    target = path_for(folder, key)
    temp = folder / f".{target.name}.tmp-{os.getpid()}-{secrets.token_hex(4)}"
    try:
        with open(temp, "wb") as f:
            f.write(_PREFIX.pack(MAGIC, len(header), zlib.crc32(header)))
            f.write(header)
            payload = _aligned(_PREFIX.size + len(header))
            f.write(bytes(payload - _PREFIX.size - len(header)))
            written = 0
            for name, a in contiguous.items():
                start = layout[name]["offset"]
                f.write(bytes(start - written))
                f.write(raw[name])
                written = start + a.nbytes
            f.flush()
            os.fsync(f.fileno())
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    _fsync_folder(folder)
    return target


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some filesystems cannot fsync a folder: the rename is still atomic
    finally:
        os.close(fd)


def _remove_stale_temps(folder: Path) -> None:
    now = time.time()
    for temp in folder.glob(f".*{SUFFIX}.tmp-*"):
        try:
            if now - temp.stat().st_mtime > _STALE_TEMP_S:
                temp.unlink()
        except OSError:
            pass  # another writer removed it first, or finished it


class Unusable(Exception):
    """Why a snapshot file cannot be used (missing, stale, damaged)."""


# ---- the Library's state as arrays ----------------------------------------------------------

_FIELD_ARRAYS = ("offsets", *POSTINGS_ARRAYS, "qtab", "tf_table", "tf_exc_pos", "tf_exc_tf",
                 "max_impact", "block_slot", "block_max", "doc_len", "live")


def save(
    folder: Path, key: Key, cursor: int, fields: Mapping[str, Frozen], docs: DocMapState
) -> Path:
    """Save the fields (as their merges left them) and the doc map, which reflect the change
    log up to `cursor`."""
    scalars: dict[str, Any] = {"n_docs": docs.n, "fields": list(fields)}
    arrays: dict[str, np.ndarray] = {}
    for name, frozen in fields.items():
        if len(frozen.doc_len) != docs.n:
            raise ValueError(f"field {name} has {len(frozen.doc_len)} docs, the map {docs.n}")
        scalars[f"{name}.avgdl"] = frozen.avgdl
        scalars[f"{name}.block_shift"] = frozen.block_shift
        arrays.update({f"{name}.{part}": getattr(frozen, part) for part in _FIELD_ARRAYS})
        arrays.update({f"{name}.terms.{part}": a for part, a in frozen.terms.arrays().items()})
    arrays.update({f"map.{part}": a for part, a in docs.arrays().items()})
    return write(folder, key, cursor, scalars, arrays)


@dataclass(frozen=True, slots=True)
class Loaded:
    """A snapshot read back as the fields' states and the doc map's arrays."""

    snapshot: Snapshot
    fields: dict[str, Frozen]
    doc_map: dict[str, np.ndarray]


def load(folder: Path, key: Key) -> Loaded:
    """The snapshot of `key` in `folder`, checked; raises Unusable (never anything else)."""
    snap = read(folder, key)
    try:
        return _unpack(snap)
    except (KeyError, TypeError, ValueError, IndexError) as err:
        raise Unusable(f"{snap.path} does not hold a consistent index: {err!r}") from None


def _unpack(snap: Snapshot) -> Loaded:
    arrays, scalars = snap.arrays, snap.scalars
    n = int(scalars["n_docs"])
    fields = {}
    for name in scalars["fields"]:
        part = {p: arrays[f"{name}.{p}"] for p in _FIELD_ARRAYS}
        terms = TermTable.from_arrays(
            {p: arrays[f"{name}.terms.{p}"] for p in ("text", "starts", "hashes", "order")}
        )
        offsets = part["offsets"]
        n_terms = len(offsets) - 1
        # what the sizes must be for the search kernel to stay in bounds (the values were
        # checked by the CRC: they are what a consistent index wrote)
        codes, exc_pos = part["codes"], part["tf_exc_pos"]
        if not (len(part["doc_len"]) == len(part["live"]) == n
                and len(part["max_impact"]) == len(terms) == n_terms
                and int(offsets[-1]) == len(codes) and _postings_fit(part)
                and part["qtab"].shape == (256,) and part["qtab"].dtype == np.float32
                and offsets.dtype == np.int64
                and part["doc_len"].dtype in (np.uint16, np.int64)
                and part["live"].dtype == np.bool_):
            raise ValueError(f"field {name}: the arrays' sizes or types do not match")
        # the tf decoding (index.kernel._tf_at) reads table[length, code], then the exceptions
        if not (part["tf_table"].dtype == np.uint8 and part["tf_table"].ndim == 2
                and part["tf_table"].shape[1] == 256 and len(part["tf_table"]) >= 1
                and exc_pos.dtype == np.int64 and part["tf_exc_tf"].dtype == np.int32
                and len(exc_pos) == len(part["tf_exc_tf"])
                and (not len(exc_pos) or 0 <= int(exc_pos[0]) <= int(exc_pos[-1]) < len(codes))):
            raise ValueError(f"field {name}: the term frequencies' decoding does not match")
        shift = int(scalars[f"{name}.block_shift"])
        slots, bounds = part["block_slot"], part["block_max"]
        # the windowed search reads bounds[slot, window] for every window of the base's docs
        if not (len(slots) == n_terms and slots.dtype == np.int32 and bounds.ndim == 2
                and bounds.dtype == np.uint8 and 0 < shift < 31
                and bounds.shape[1] >= (n + (1 << shift) - 1) >> shift
                and int(slots.max(initial=-1)) < bounds.shape[0]):
            raise ValueError(f"field {name}: the block-max bounds do not match the postings")
        fields[name] = Frozen(**part, block_shift=shift, avgdl=float(scalars[f"{name}.avgdl"]),
                              terms=terms)
    doc_map = {p.removeprefix("map."): a for p, a in arrays.items() if p.startswith("map.")}
    if len(doc_map["passages"]) != n:
        raise ValueError("the doc map's size does not match the fields'")
    return Loaded(snap, fields, doc_map)


def _postings_fit(part: Mapping[str, np.ndarray]) -> bool:
    """Whether the packed postings' arrays have the types and sizes the kernel reads them by
    (index.postings.Postings): a first doc id per 128 codes, a row of doc_meta per 128 codes
    and one more, each block's
    bits inside doc_bits (a width of 0 to 32 bits, 4 words a bit), the two spare words after
    the last block; or plain words (index.postings.is_plain): every block 32 bits wide on the
    line 0, three spare words."""
    meta, bits, first = part["doc_meta"], part["doc_bits"], part["doc_first"]
    n_blocks = -(-len(part["codes"]) // BLOCK)
    if not (meta.dtype == first.dtype == np.int32 and meta.shape == (n_blocks + 1, 3)
            and first.shape == (n_blocks,)
            and bits.dtype == np.uint32 and part["codes"].dtype == np.uint8):
        return False
    start = meta[:, START].astype(np.int64)
    steps = np.diff(start)
    spare = len(bits) - int(start[-1])
    plain = spare == 3 and bool((steps == 128).all()) and not meta[:, :START].any()
    return (int(start[0]) == 0 and bool(((steps >= 0) & (steps <= 128) & (steps % 4 == 0)).all())
            and (spare == 2 or plain))


def read(folder: Path, key: Key) -> Snapshot:
    """The snapshot of this key in `folder`, checked whole and mapped; raises Unusable."""
    path = path_for(folder, key)
    try:
        f = open(path, "rb")  # noqa: SIM115  (kept open only while checking and mapping)
    except FileNotFoundError:
        raise Unusable(f"no snapshot at {path}") from None
    except OSError as err:
        raise Unusable(f"cannot open {path}: {err}") from None
    with f:
        try:
            return _read_open(f, path, key)
        except OSError as err:
            raise Unusable(f"cannot read {path}: {err}") from None
        except (KeyError, TypeError, ValueError) as err:  # a header JSON of another shape
            raise Unusable(f"{path} has an unreadable header: {err!r}") from None


def _read_open(f: Any, path: Path, key: Key) -> Snapshot:
    size = os.fstat(f.fileno()).st_size
    prefix = f.read(_PREFIX.size)
    if len(prefix) < _PREFIX.size:
        raise Unusable(f"{path} is truncated")
    magic, header_len, header_crc = _PREFIX.unpack(prefix)
    if magic != MAGIC:
        raise Unusable(f"{path} is not a naba index snapshot")
    header = f.read(header_len) if header_len <= size else b""
    if len(header) != header_len or zlib.crc32(header) != header_crc:
        raise Unusable(f"{path} has a damaged header")
    meta = json.loads(header)
    if meta.get("format") != FORMAT:
        raise Unusable(f"{path} is of format {meta.get('format')}, not {FORMAT}")
    if meta.get("key") != key.as_json():
        theirs = meta.get("key") or {}
        differ = [k for k, v in key.as_json().items() if theirs.get(k) != v]
        raise Unusable(f"{path} is stale: its {', '.join(differ)} differ")
    start = _aligned(_PREFIX.size + header_len)
    if size != start + meta["payload_bytes"]:
        raise Unusable(f"{path} is {size} bytes, not {start + meta['payload_bytes']}: truncated")
    f.seek(start)
    crc, buffer = 0, bytearray(_CHUNK)
    while n := f.readinto(buffer):
        crc = zlib.crc32(memoryview(buffer)[:n], crc)
    if crc != meta["payload_crc32"]:
        raise Unusable(f"{path} is damaged: its arrays' checksum differs")
    # Copy-on-write: writable views (numba compiles the search kernel for writable arrays,
    # and types read-only ones anew), and a stray write could never reach the file.
    mapped = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_COPY) if size else None
    arrays = {}
    for name, spec in meta["arrays"].items():
        dtype = np.dtype(spec["dtype"])
        count = int(np.prod(spec["shape"], dtype=np.int64))
        if count * dtype.itemsize != spec["nbytes"] or spec["offset"] + spec["nbytes"] > (
            meta["payload_bytes"]
        ):
            raise Unusable(f"{path}: array {name} does not fit")
        if count == 0:
            arrays[name] = np.zeros(spec["shape"], dtype=dtype)
            continue
        arrays[name] = np.frombuffer(
            mapped, dtype=dtype, count=count, offset=start + spec["offset"]
        ).reshape(spec["shape"])
    return Snapshot(meta["cursor"], meta["scalars"], arrays, path, size)
