"""Row-level building blocks of validation: why rows are rejected, repeated keys, content hashes, subsets."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from portal.ingest.values import TEXT, arrow_objects


class Reasons:
    """Collects the reasons why rows are rejected, as (positions, texts) pairs."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.parts: list[tuple[np.ndarray, list[str]]] = []

    def add(self, mask: np.ndarray, texts: list[str] | str) -> None:
        """Record ``texts`` (one per True in ``mask``, or one text for all of them)."""
        positions = np.flatnonzero(mask)
        if len(positions):
            self.parts.append((positions, [texts] * len(positions) if isinstance(texts, str) else texts))

    def bad(self) -> np.ndarray:
        """Return a bool array: True for every rejected row."""
        out = np.zeros(self.n, dtype=bool)
        for positions, _ in self.parts:
            out[positions] = True
        return out

    def joined(self, rows: np.ndarray) -> list[str]:
        """Return the reasons of the rejected positions ``rows`` joined with "; ", in order of checks."""
        slot = {int(p): i for i, p in enumerate(rows)}
        texts: list[list[str]] = [[] for _ in rows]
        for positions, reasons in self.parts:
            for p, reason in zip(positions.tolist(), reasons):
                texts[slot[p]].append(reason)
        return ["; ".join(t) for t in texts]


def _short(values: np.ndarray, limit: int = 40) -> list[str]:
    """Return the values shortened for a message."""
    return [v if len(v) <= limit else v[: limit - 1] + "…" for v in values]


def value_codes(arr: pa.Array) -> tuple[np.ndarray, int]:
    """Return an integer code per value (equal values share a code, null is -1) and the number of codes."""
    encoded = pc.dictionary_encode(arr)
    codes = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False).astype("int64")
    return codes, len(encoded.dictionary)


def repeats(keys: pa.Array, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return a mask of keys already seen on an earlier row and, for those, the row where each first appeared."""
    codes, count = value_codes(keys)
    present = codes >= 0
    order = np.arange(len(codes))
    first = np.zeros(count, dtype="int64")
    first[codes[present][::-1]] = order[present][::-1]  # the last write wins: the earliest row
    repeated = present.copy()
    repeated[present] = first[codes[present]] != order[present]
    return repeated, rows[first[codes[repeated]]]


def row_hashes(arrays: list[pa.Array], head: str) -> pa.Array:
    """Return the blake2b (16 bytes, hex) of ``head`` plus each row's values joined, as an Arrow array."""
    base = hashlib.blake2b(head.encode("utf-8", "surrogatepass"), digest_size=16)
    filled = [pc.fill_null(a, "\x00") for a in arrays]
    joined = pc.binary_join_element_wise(*filled, pa.scalar("\x1e", TEXT))
    digests: list[bytes] = []
    append = digests.append
    for row in pc.cast(joined, pa.large_binary()).to_pylist():
        h = base.copy()
        h.update(row)
        append(h.digest())
    hexed = np.frombuffer(b"".join(digests).hex().encode("ascii"), dtype="S32")
    out = pc.cast(pa.array(hexed, type=pa.binary(32)), TEXT)
    return out.combine_chunks() if isinstance(out, pa.ChunkedArray) else out


def join_text(*parts: str | pa.Array) -> pa.Array:
    """Return the element-wise concatenation of Arrow string arrays and plain strings."""
    items = [pa.scalar(p, TEXT) if isinstance(p, str) else p for p in parts]
    return pc.binary_join_element_wise(*items, pa.scalar("", TEXT))


def row_subset(frame: pd.DataFrame, arrays: dict[str, pa.Array], exact: set[str], mask: np.ndarray) -> pd.DataFrame:
    """Return the rows of ``mask`` as a frame of ``str``/None values with the original column names.

    Columns in ``exact`` are taken from ``frame`` as they are; the others are rebuilt from ``arrays``.
    """
    if exact.issuperset(frame.columns):
        return frame[mask]
    keep = pa.array(mask)
    index = frame.index[mask]
    data = {
        c: frame[c][mask] if c in exact else pd.Series(arrow_objects(arrays[c].filter(keep)), index=index, dtype=object)
        for c in frame.columns
    }
    return pd.DataFrame(data, index=index, columns=frame.columns)


def no_text(n: int) -> np.ndarray:
    """Return an object array of ``n`` None values."""
    return np.full(n, None, dtype=object)


def shortened(arr: pa.Array, mask: np.ndarray) -> list[str]:
    """Return the values of ``arr`` where ``mask`` is True, shortened for a message."""
    return _short(arrow_objects(arr.filter(pa.array(mask))))
