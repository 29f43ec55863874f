"""The four outcomes of every item, check and area (``shared/design.md``, standard.md §1.4).

``met`` and ``not_met``; ``not_assessed`` — data missing, which blocks the verdict (``pass: null``,
never counted as a pass); ``not_applicable`` (不适用) — the item's subject does not exist in the
county (no 特殊教育学校, no eligible 随迁子女 …): it does not block (``pass: true``) and is never
counted as not assessed. Combining: one failure fails; else one unknown is unknown; else met when
anything was met; all not applicable stays not applicable.
"""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

MET, NOT_MET, NOT_ASSESSED, NOT_APPLICABLE = "met", "not_met", "not_assessed", "not_applicable"
STATUSES = (MET, NOT_MET, NOT_ASSESSED, NOT_APPLICABLE)
PASS_OF = {MET: True, NOT_APPLICABLE: True, NOT_MET: False, NOT_ASSESSED: None}


def all_of(results: Iterable[bool | None]) -> bool | None:
    """Kleene AND: False if any is False, else None if any is None, else True (also for none)."""
    unknown = False
    for result in results:
        if result is False:
            return False
        if result is None:
            unknown = True
    return None if unknown else True


def status_of(passed: bool | None) -> str:
    return {True: MET, False: NOT_MET}.get(passed, NOT_ASSESSED)


def combine(statuses: Iterable[str]) -> str:
    """The status of a whole made of parts (an area of items, a school's 学段, a county's schools)."""
    seen = set(statuses)
    for status in (NOT_MET, NOT_ASSESSED, MET):
        if status in seen:
            return status
    return NOT_APPLICABLE


def combine_expr(*statuses: pl.Expr) -> pl.Expr:
    """:func:`combine` over status columns, row by row (nulls are ignored)."""
    listed = pl.concat_list(statuses)
    result = pl.lit(NOT_APPLICABLE)
    for status in (MET, NOT_ASSESSED, NOT_MET):  # the last matching rule wins: NOT_MET first
        result = pl.when(listed.list.contains(status)).then(pl.lit(status)).otherwise(result)
    return result


def status_expr(passed: pl.Expr) -> pl.Expr:
    """A boolean column (null: not assessed) as a status column."""
    return pl.when(passed.is_null()).then(pl.lit(NOT_ASSESSED)).when(passed).then(pl.lit(MET)).otherwise(pl.lit(NOT_MET))


def outcome(status: str, note: str, **fields) -> dict:
    """An item, check or area as the JSON contract writes it: ``pass``, ``status``, ``note`` and its figures."""
    return {"pass": PASS_OF[status], "status": status, "note": note, **fields}
