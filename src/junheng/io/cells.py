"""Typing one column of text cells into the canonical polars type, vectorised.

Each converter takes the normalised text (NFKC, so full-width digits and brackets are plain;
stripped; empty → null) and gives the typed value, or null where the text is not a valid value.
A cell that had text but gives null is a located error; an empty cell stays null ("not reported").
"""

from __future__ import annotations

import unicodedata
from decimal import Decimal

import polars as pl

from junheng.schema import BOOL_FALSE, BOOL_TRUE, LEVEL_LABELS, LEVELS, Field

# Digits with optional thousands separators ("1,234"); Excel hands whole numbers back as "12" or "12.0".
_WHOLE = r"^\+?(\d+|\d{1,3}(,\d{3})+)(\.0*)?$"
_DECIMAL = r"^\+?((\d+|\d{1,3}(,\d{3})+)(\.\d*)?|\.\d+)$"
_BARE_WHOLE = r"^\d+$"
_BARE_DECIMAL = r"^\d+(\.\d+)?$"
_ALPHANUMERIC = r"^[0-9A-Za-z]+$"
_UINT64_SAFE_DIGITS = 19  # 10**19 - 1 < 2**64
_ASCII_DECIMAL = r"^[0-9]+(\.[0-9]+)?$"  # \d would take other scripts' digits, which NFKC may change
_DECIMAL_DIGITS = 38  # polars Decimal precision: the exact arithmetic behind unit conversion

DTYPES = {"int": pl.Int64, "decimal": pl.Float64, "bool": pl.Boolean, "level": pl.Int64,
          "enum": pl.String, "text": pl.String, "code": pl.String}


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def has_non_ascii(text: pl.Expr) -> pl.Expr:
    return (text.str.len_bytes() != text.str.len_chars()).any()


def normalised(text: pl.Expr, fold: bool) -> pl.Expr:
    """Trimmed text, blank → null; NFKC-folded (full-width digits and letters, Ⅲ …) when ``fold``.

    Names (type ``text``) are never folded: a school's name stays as the county spells it.
    """
    if fold:
        text = text.str.normalize("NFKC")
    return text.str.strip_chars().replace("", None)


def _plain_number(text: pl.Expr) -> pl.Expr:
    return text.str.replace_all(",", "", literal=True).str.strip_prefix("+")


def column_profile(field: Field, factor: Decimal, text: pl.Expr) -> pl.Expr:
    """What typing a whole column needs to know first (one pass, then one typed pass).

    ``plain``: every cell is bare digits (with a decimal point for decimals) — the common case,
    cast directly without the separator and sign handling. ``scale``: the most digits after the
    decimal point, for the exact conversion of a unit such as 万元.
    """
    simple = {"int": _BARE_WHOLE, "decimal": _BARE_DECIMAL}.get(field.type)
    plain = text.str.contains(simple).all() if simple else pl.lit(False)
    scale = _plain_number(text).str.extract(r"\.(\d*)$").str.len_chars().max().fill_null(0) \
        if field.type == "decimal" and factor != 1 else pl.lit(0)
    return pl.struct(plain=plain, scale=scale)


def to_int(text: pl.Expr, plain: bool) -> pl.Expr:
    if plain:
        return text.cast(pl.Int64, strict=False)  # only an overflow gives null
    whole = _plain_number(text).str.replace(r"\.0*$", "")
    return pl.when(text.str.contains(_WHOLE)).then(whole.cast(pl.Int64, strict=False))


def to_decimal(text: pl.Expr, factor: Decimal, profile: dict) -> pl.Expr:
    """Non-negative decimal × unit factor, as the float nearest the exact product.

    The product is formed in decimal arithmetic (``12.3456`` 万元 → ``123456.0000``) and only then
    parsed as a float, so the float's repr is the exact decimal (never 123455.99999999999).
    """
    plain = text if profile["plain"] else _plain_number(text)
    valid = pl.lit(True) if profile["plain"] else text.str.contains(_DECIMAL)
    if factor == 1:
        return pl.when(valid).then(plain.cast(pl.Float64, strict=False))
    scale = profile["scale"]
    multiplier = int(factor)
    # Keep out values too long for exact arithmetic (they are errors, not numbers anyone typed).
    room = _DECIMAL_DIGITS - scale - len(str(multiplier))
    fits = plain.str.extract(r"^(\d*)").str.len_chars() <= room
    exact = pl.when(valid & fits).then(plain).cast(pl.Decimal(_DECIMAL_DIGITS, scale), strict=False)
    return (exact * multiplier).cast(pl.String).cast(pl.Float64)


def _lookup(text: pl.Expr, mapping: dict, dtype: pl.DataType) -> pl.Expr:
    return text.replace_strict(mapping, default=None, return_dtype=dtype)


_BOOLS = {**{_nfkc(v).lower(): True for v in BOOL_TRUE}, **{_nfkc(v).lower(): False for v in BOOL_FALSE}}
# Ⅲ folds to III under NFKC; "3级" and "Ⅲ级" are as good as "3".
_LEVELS = {f"{_nfkc(k).upper()}{suffix}": v for k, v in LEVELS.items() for suffix in ("", "级")}


def to_typed(field: Field, text: pl.Expr, factor: Decimal, profile: dict) -> pl.Expr:
    """The typed value of a normalised text column (null where invalid); ``profile``: column_profile's."""
    kind = field.type
    if kind == "int":
        return to_int(text, profile["plain"])
    if kind == "decimal":
        return to_decimal(text, factor, profile)
    if kind == "bool":
        return _lookup(text.str.to_lowercase(), _BOOLS, pl.Boolean)
    if kind == "level":
        return _lookup(text.str.to_uppercase().str.replace(r"\.0*$", ""), _LEVELS, pl.Int64)
    if kind == "enum":
        choices = {c: c for c in field.choices}
        return _lookup(text.str.replace_all(r"\s", ""), {**field.aliases, **choices}, pl.String)
    if kind == "code":
        pattern = rf"^\d{{{field.digits}}}$" if field.digits else _ALPHANUMERIC
        return pl.when(text.str.contains(pattern)).then(text)
    return text


def quick_typed(field: Field, cells: pl.Expr, factor: Decimal) -> pl.Expr | None:
    """The typed value straight from the cells as read, for the spellings that need no normalising
    (bare digits, a choice as listed); null for any other filled cell. ``None``: no quick way.

    Where a filled cell gives null, the column must be typed the careful way (normalised text,
    then :func:`to_typed`), which gives the same value for every cell the quick way types.
    """
    kind = field.type
    if kind == "int":  # UInt64 parsing takes exactly an optional "+" and ASCII digits
        return cells.cast(pl.UInt64, strict=False).cast(pl.Int64, strict=False)
    if kind == "decimal" and factor == 1:
        return pl.when(cells.str.contains(_ASCII_DECIMAL)).then(cells.cast(pl.Float64, strict=False))
    if kind in ("bool", "level", "enum"):
        return cells.replace_strict(_quick_spellings(field), default=None, return_dtype=DTYPES[kind])
    if kind == "code" and field.digits and field.digits <= _UINT64_SAFE_DIGITS:
        # Exactly ``digits`` ASCII digits, as the regex ^[0-9]{n}$ says, at a third of its cost:
        # the UInt64 parse takes an optional "+" and ASCII digits, and every n-digit number fits.
        digits = (cells.str.len_bytes() == field.digits) & ~cells.str.starts_with("+")
        return pl.when(digits & cells.cast(pl.UInt64, strict=False).is_not_null()).then(cells)
    if kind == "code":
        ascii_code = rf"^[0-9]{{{field.digits}}}$" if field.digits else _ALPHANUMERIC
        return pl.when(cells.str.contains(ascii_code)).then(cells)
    return None


_SPELLINGS: dict[tuple, dict] = {}  # per kind of field and its choices: worked out once per process


def _quick_spellings(field: Field) -> dict:
    """The usual spellings of ``field``'s values, each with the value the careful way gives it."""
    key = (field.type, field.choices, tuple(field.aliases.items()))
    if key not in _SPELLINGS:
        if field.type == "bool":
            spellings = [*BOOL_TRUE, *BOOL_FALSE, *_BOOLS]
        elif field.type == "level":
            spellings = [f"{k}{suffix}" for k in [*LEVELS, *_LEVELS] for suffix in ("", "级")]
        else:
            spellings = [*field.choices, *field.aliases]
        text = pl.Series(list(dict.fromkeys(spellings)), dtype=pl.String)
        values = pl.select(to_typed(field, normalised(pl.lit(text), fold=True), Decimal(1), {})).to_series()
        _SPELLINGS[key] = {s: v for s, v in zip(text, values, strict=True) if v is not None}
    return _SPELLINGS[key]


def type_problem(field: Field, value: str) -> str:
    """Why ``value`` is not valid for ``field`` (Chinese)."""
    kind = field.type
    if kind == "int":
        return f"值“{value}”不是非负整数"
    if kind == "decimal":
        return f"值“{value}”不是非负数"
    if kind == "bool":
        return f"值“{value}”应填“是”或“否”"
    if kind == "level":
        return f"值“{value}”不是有效的学业水平（可填：{'、'.join(LEVEL_LABELS)}）"
    if kind == "enum":
        return f"值“{value}”不是有效的{field.header}（可填：{'、'.join(field.choices)}）"
    if field.digits:
        return f"值“{value}”应为 {field.digits} 位数字"
    return f"值“{value}”只能由数字和字母组成"
