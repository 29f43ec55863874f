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


RANK = {NOT_APPLICABLE: 0, MET: 1, NOT_ASSESSED: 2, NOT_MET: 3}  # the order in which :func:`combine` decides


def combine_expr(*statuses: pl.Expr) -> pl.Expr:
    """:func:`combine` over status columns, row by row (nulls are ignored; none at all: not applicable)."""
    def rank(status: pl.Expr) -> pl.Expr:
        expr = pl.when(status == NOT_MET).then(3)
        for word in (NOT_ASSESSED, MET, NOT_APPLICABLE):
            expr = expr.when(status == word).then(RANK[word])
        return expr

    highest = pl.max_horizontal(*(rank(s) for s in statuses))
    result = pl.lit(NOT_APPLICABLE)
    for word in (MET, NOT_ASSESSED, NOT_MET):
        result = pl.when(highest == RANK[word]).then(pl.lit(word)).otherwise(result)
    return result


def status_expr(passed: pl.Expr) -> pl.Expr:
    """A boolean column (null: not assessed) as a status column."""
    return pl.when(passed.is_null()).then(pl.lit(NOT_ASSESSED)).when(passed).then(pl.lit(MET)).otherwise(pl.lit(NOT_MET))


def outcome(status: str, note: str, **fields) -> dict:
    """An item, check or area as the JSON contract writes it: ``pass``, ``status``, ``note`` and its figures."""
    return {"pass": PASS_OF[status], "status": status, "note": note, **fields}


def rank_expr(passed: pl.Expr) -> pl.Expr:
    """A boolean column (null: not assessed) as a :data:`RANK`; the highest rank of the parts is the whole's."""
    return pl.when(passed.is_null()).then(RANK[NOT_ASSESSED]).when(passed).then(RANK[MET]).otherwise(RANK[NOT_MET])


def status_of_rank(rank: pl.Expr) -> pl.Expr:
    return rank.replace_strict({r: word for word, r in RANK.items()}, return_dtype=pl.Utf8)
