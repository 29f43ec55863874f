"""How far the cells of an Excel 97–2003 (.xls) workbook reach, read without the Excel reader.

The reader builds a dense grid per sheet, so a 5 KB .xls with one value at IV65536 costs 1.6 GB
and 16 seconds. This module walks the file's Compound File directory to the ``Workbook`` stream
and its BIFF records (sheet names from BOUNDSHEET, cells from the records that hold a value) to
find each sheet's furthest row and column. A file it cannot follow is left to the reader, which
reports it as damaged if it is.
"""

from __future__ import annotations

import struct
from pathlib import Path

_FREE_OR_END = 0xFFFFFFFA  # sector ids at or above this end a chain
_MAX_SECTORS = 1 << 22  # 2 GB of 512-byte sectors: beyond any workbook the limits accept

# BIFF8 records that place a value in a cell: (row, first column) at the start of the body.
_CELL_RECORDS = {0x0203, 0x027E, 0x00FD, 0x0204, 0x0205, 0x0006, 0x00D6}
_MULRK = 0x00BD  # several RK values in one row: last column in the body's last two bytes
_BOUNDSHEET, _BOF, _EOF = 0x0085, 0x0809, 0x000A


class NotFollowed(Exception):
    """The file's structure is not one this module follows."""


def xls_extents(path: Path) -> dict[str, tuple[int, int, int]]:
    """Sheet name → (rows, columns) reached by cells with a value, and the number of such cells."""
    data = path.read_bytes()
    try:
        return _biff_extents(_workbook_stream(data))
    except (struct.error, IndexError, KeyError, ValueError, NotFollowed):
        return {}


def _workbook_stream(data: bytes) -> bytes:
    sector_size = 1 << struct.unpack_from("<H", data, 30)[0]
    mini_size = 1 << struct.unpack_from("<H", data, 32)[0]
    fat_count, first_dir = struct.unpack_from("<II", data, 44)
    mini_cutoff, first_minifat, minifat_count, first_difat, difat_count = struct.unpack_from("<IIIII", data, 56)
    if sector_size not in (512, 4096) or fat_count > _MAX_SECTORS:
        raise NotFollowed

    def sector(n: int) -> bytes:
        start = (n + 1) * sector_size
        if start >= len(data):
            raise NotFollowed
        return data[start:start + sector_size]

    fat_sectors = list(struct.unpack_from("<109I", data, 76))
    next_difat = first_difat
    for _ in range(difat_count):
        block = struct.unpack(f"<{sector_size // 4}I", sector(next_difat))
        fat_sectors += block[:-1]
        next_difat = block[-1]
    fat: list[int] = []
    for n in fat_sectors[:fat_count]:
        fat += struct.unpack(f"<{sector_size // 4}I", sector(n))

    def chain(start: int, table: list[int]) -> list[int]:
        found = []
        while start < _FREE_OR_END:
            if len(found) > len(table):
                raise NotFollowed  # a loop
            found.append(start)
            start = table[start]
        return found

    directory = b"".join(sector(n) for n in chain(first_dir, fat))
    entries = {}
    for at in range(0, len(directory) - 127, 128):
        name_length = struct.unpack_from("<H", directory, at + 64)[0]
        name = directory[at:at + max(name_length - 2, 0)].decode("utf-16-le", "replace")
        start, size = struct.unpack_from("<IQ", directory, at + 116)
        entries[name] = (start, size if sector_size == 4096 else size & 0xFFFFFFFF)
    name = "Workbook" if "Workbook" in entries else "Book"
    start, size = entries[name]
    if size >= mini_cutoff:
        return b"".join(sector(n) for n in chain(start, fat))[:size]
    root_start, root_size = entries["Root Entry"]
    mini_stream = b"".join(sector(n) for n in chain(root_start, fat))[:root_size]
    minifat: list[int] = []
    for n in chain(first_minifat, fat)[:minifat_count]:
        minifat += struct.unpack(f"<{sector_size // 4}I", sector(n))
    return b"".join(mini_stream[n * mini_size:(n + 1) * mini_size] for n in chain(start, minifat))[:size]


def _biff_extents(stream: bytes) -> dict[str, tuple[int, int, int]]:
    sheets: dict[int, str] = {}
    extents: dict[str, tuple[int, int, int]] = {}
    current: str | None = None
    rows = columns = filled = 0
    at = 0
    while at + 4 <= len(stream):
        kind, length = struct.unpack_from("<HH", stream, at)
        body = at + 4
        if kind == _BOUNDSHEET:
            offset = struct.unpack_from("<I", stream, body)[0]
            chars, flags = stream[body + 6], stream[body + 7]
            text = stream[body + 8:body + 8 + chars * (2 if flags & 1 else 1)]
            sheets[offset] = text.decode("utf-16-le" if flags & 1 else "latin-1", "replace")
        elif kind == _BOF and at in sheets:
            current, rows, columns, filled = sheets[at], 0, 0, 0
        elif kind == _EOF and current is not None:
            extents[current] = (rows, columns, filled)
            current = None
        elif current is not None and length >= 4 and (kind in _CELL_RECORDS or kind == _MULRK):
            row, first = struct.unpack_from("<HH", stream, body)
            column = struct.unpack_from("<H", stream, body + length - 2)[0] if kind == _MULRK else first
            rows, columns, filled = max(rows, row + 1), max(columns, column + 1), filled + column - first + 1
        at = body + length
    return extents
