"""calamine (behind fastexcel and polars.read_excel) says a workbook is damaged in two ways: a
``FastExcelError`` (or a polars error), and, for some corrupted byte patterns, a Rust panic that
pyo3 raises as ``PanicException`` — a ``BaseException``, which ``except Exception`` lets through
and which would end the process with a traceback. Both mean "this file cannot be read"."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import fastexcel
import polars as pl


def is_panic(exc: BaseException) -> bool:
    """pyo3's PanicException (its module, ``pyo3_runtime``, cannot be imported to name the class)."""
    return type(exc).__name__ == "PanicException"


@contextmanager
def unreadable_as(error: Callable[[BaseException], Exception]) -> Iterator[None]:
    """Turn calamine's failures inside the block into ``error(exc)`` (a Chinese, user-facing error)."""
    try:
        yield
    except (fastexcel.FastExcelError, pl.exceptions.PolarsError, OSError) as exc:
        raise error(exc) from exc
    except BaseException as exc:
        if not is_panic(exc):
            raise
        raise error(exc) from None
