"""Match a sheet's header row to the schema: canonical id or Chinese header, with a unit in brackets.

``教学仪器设备值（万元）`` is the field ``equipment_value`` typed in 万元 (× 10,000). Headers are
compared after NFKC folding (full-width brackets and ``㎡``/``m²`` become plain), without spaces or
the ``*`` that marks a required column, ids case-insensitively. The whole header is tried first
because some names carry brackets of their own (``县(区)``); only then name and unit apart.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

import polars as pl

from junheng.schema import HEADER_ALIASES, TABLES, UNIT_FACTORS, Field, Table, split_header

from .errors import InputError

# Longer text in a header row is not a header (and is not folded: a 50 MB cell would take seconds).
MAX_HEADER_CHARS = 200
# The header row is normally row 1; a title row or two above it is tolerated.
HEADER_SEARCH_ROWS = 10


_LEADING_QIZHONG = re.compile(r"^其中[:：,，、]?")


def fold(text: str) -> tuple[str, str, str]:
    """(whole header, name, unit) as compared: lower-case, brackets plain, no spaces, no leading
    ``其中``, ``人数`` as ``数``."""
    name, unit = split_header(unicodedata.normalize("NFKC", str(text)))
    name = _LEADING_QIZHONG.sub("", name)
    if name.endswith("人数") and len(name) > 2:
        name = name[:-2] + "数"
    whole = f"{name}({unit})" if unit else name
    return whole.lower(), name.lower(), unit.lower()


def _unit_key(unit: str) -> str:
    return unicodedata.normalize("NFKC", unit).replace(" ", "").lower()


# A money or area field honours any unit of its kind and converts; the unit names tell the kind.
_UNITS_OF_KIND = {kind: [u for u in UNIT_FACTORS if u.endswith("元") == (kind == "元")] for kind in ("元", "㎡")}
_SCALED_UNITS = {kind: {_unit_key(u): UNIT_FACTORS[u] for u in units} for kind, units in _UNITS_OF_KIND.items()}
# Whole numbers may be headed by any counting word (人, 个, 间 …) or 年; none of them scales the number.
_PLAIN_INT_UNITS = {_unit_key(f.unit) for t in TABLES.values() for f in t.fields if f.type == "int" and f.unit} | {"年"}


@dataclass(frozen=True)
class Column:
    """A sheet column that holds a schema field."""

    field: Field
    source: str  # the grid column (c0, c1 …)
    header: str  # as the user wrote it
    factor: Decimal = Decimal(1)  # × this gives the canonical unit


@dataclass(frozen=True)
class Match:
    field: Field
    factor: Decimal = Decimal(1)
    problem: str | None = None  # a unit the field cannot take


def header_variants(field: Field) -> list[str]:
    """Every header that names ``field``: id, header, template header, listed aliases, and the
    header without its final 数 (``小学在校生``)."""
    texts = [field.id, field.header, field.display_header, *HEADER_ALIASES.get(field.id, ())]
    return texts + [t[:-1] for t in texts if t.endswith("数") and len(t) > 3]


def _names(table: Table) -> dict[str, Field]:
    names: dict[str, Field] = {}
    for f in table.fields:
        for text in header_variants(f):
            key = fold(text)[0]
            if names.setdefault(key, f) is not f:  # a schema mistake: caught by the tests at import
                raise ValueError(f"header “{text}” names both {names[key].id} and {f.id} in {table.id}")
    return names


_NAMES = {table_id: _names(table) for table_id, table in TABLES.items()}


def match_header(table: Table, header: str) -> Match | None:
    if len(header) > MAX_HEADER_CHARS:  # no field's header is anywhere near this long
        return None
    names = _NAMES[table.id]
    whole, name, unit = fold(header)
    if whole in names:
        return Match(names[whole])
    if name not in names:
        return None
    field = names[name]
    if field.unit in _SCALED_UNITS:
        factors = _SCALED_UNITS[field.unit]
        if unit in factors:
            return Match(field, factors[unit])
        return Match(field, problem=f"表头中的单位“{unit}”无法识别（可用：{'、'.join(_UNITS_OF_KIND[field.unit])}）")
    if unit == _unit_key(field.unit) or field.type not in ("int", "decimal") \
            or (field.type == "int" and unit in _PLAIN_INT_UNITS):
        return Match(field)
    expected = f"应为“{field.unit}”或不写单位" if field.unit else "该项不带单位"
    return Match(field, problem=f"表头中的单位“{unit}”不适用于此项（{expected}）")


def find_header_row(table: Table, cells: pl.DataFrame, text_columns: list[str]) -> int | None:
    """Index of the header row: the early row naming most fields, else the first non-blank row."""
    top = cells.head(HEADER_SEARCH_ROWS).select(text_columns).rows()
    best, best_hits = None, 0
    for index, row in enumerate(top):
        hits = sum(1 for cell in row if cell is not None and match_header(table, cell) is not None)
        if hits > best_hits:
            best, best_hits = index, hits
    if best is not None:
        return best
    return next((i for i, row in enumerate(top) if any(c is not None and c.strip() for c in row)), None)


def map_columns(table: Table, sheet: str, header_row: int, header: dict[str, str | None]
                ) -> tuple[list[Column], set[str], list[InputError]]:
    """The columns holding schema fields, the ids of all fields named (even with a bad unit) and the
    header errors; unknown columns are ignored, bad units and repeated fields are errors."""
    columns: dict[str, Column] = {}
    named: set[str] = set()
    errors: list[InputError] = []
    for source, text in header.items():
        if text is None or not text.strip():
            continue
        found = match_header(table, text)
        if found is None:
            continue
        named.add(found.field.id)
        if found.problem:
            errors.append(InputError(sheet, header_row, text, None, found.problem))
        elif found.field.id in columns:
            first = columns[found.field.id].header
            errors.append(InputError(sheet, header_row, text, None, f"与“{first}”列是同一项，只能保留一列"))
        else:
            columns[found.field.id] = Column(found.field, source, text.strip(), found.factor)
    return list(columns.values()), named, errors
