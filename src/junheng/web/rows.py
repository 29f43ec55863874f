"""One schema, one validation: form data and uploads go through the importer.

A school's form is checked by writing it as a one-row 学校 table (plus its 专用教室 rows) in the
CSV folder layout the importer reads, and calling :func:`junheng.io.read_dataset` on it, so the
web form accepts exactly what the template accepts and shows the importer's Chinese messages.
"""

from __future__ import annotations

import csv
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from junheng.dataset import Dataset
from junheng.io import InputErrors, read_dataset
from junheng.schema import COUNTY, ROOMS, SCHOOLS, Field, Table

from .forms import display
from .results import json_rows

MAX_UPLOAD_BYTES = 50 * 2**20  # a county workbook of thousands of schools is a few MB


@dataclass(frozen=True)
class InputProblem:
    """One input error: the importer's message, and the form field it belongs to when known."""

    message: str
    field_id: str | None = None
    row: int | None = None


class InvalidInput(Exception):
    def __init__(self, problems: list[InputProblem]):
        super().__init__("\n".join(p.message for p in problems))
        self.problems = problems

    def by_field(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for p in self.problems:
            if p.field_id:
                found.setdefault(p.field_id, []).append(p.message)
        return found

    def general(self) -> list[str]:
        return [p.message for p in self.problems if not p.field_id]


def _field(table: Table, column: str | None) -> Field | None:
    """The field an importer error names (the CSV headers written are the display headers)."""
    return next((f for f in table.fields if column in (f.id, f.header, f.display_header)), None)


def _form_problems(exc: InputErrors) -> list[InputProblem]:
    """Importer errors on a form's one-row tables, worded for the form (no CSV file or line)."""
    found = []
    for err in exc.errors:
        table = ROOMS if (err.sheet or "").startswith(ROOMS.id) else SCHOOLS if err.sheet else None
        field = _field(table, err.column) if table is not None else None
        if table is ROOMS:
            where = f"专用教室第 {err.row - 1} 行" if err.row else "专用教室"
            found.append(InputProblem(f"{where}{f'“{field.header}”' if field else ''}：{err.message}"))
        elif field is not None:
            found.append(InputProblem(f"{field.display_header}：{err.message}", field.id))
        else:
            found.append(InputProblem(err.message))
    if exc.omitted:
        found.append(InputProblem(f"另有 {exc.omitted} 处错误未列出"))
    return found


def _write_csv(path: Path, table: Table, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([f.display_header for f in table.fields])
        for row in rows:
            writer.writerow([row.get(f.id, "") for f in table.fields])


def _read_folder(*tables: tuple[Table, list[dict[str, str]]]) -> Dataset:
    with tempfile.TemporaryDirectory(prefix="junheng-form-") as folder:
        for table, rows in tables:
            _write_csv(Path(folder) / f"{table.id}.csv", table, rows)
        try:
            return read_dataset(folder)
        except InputErrors as exc:
            raise InvalidInput(_form_problems(exc)) from None


def check_school(values: dict[str, str], rooms: list[dict[str, str]]) -> tuple[dict, list[dict]]:
    """Typed values of one school's form, or :class:`InvalidInput` with the importer's messages."""
    room_rows = [{**r, "year": values.get("year", ""), "school_code": values.get("school_code", "")} for r in rooms]
    ds = _read_folder((SCHOOLS, [values]), (ROOMS, room_rows))
    typed_rooms = [{k: v for k, v in r.items() if k not in ("year", "school_code")}
                   for r in json_rows(ROOMS, ds.rooms)]
    return json_rows(SCHOOLS, ds.schools)[0], typed_rooms


def check_county(values: dict[str, str], school: dict[str, Any]) -> dict:
    """Typed values of the county form, checked beside one of the county's school rows (the
    importer reads no data set without a 学校 table)."""
    school_row = {k: display(v) for k, v in school.items()}
    ds = _read_folder((SCHOOLS, [school_row]), (COUNTY, [values]))
    return json_rows(COUNTY, ds.county)[0]


def read_upload(upload) -> Dataset:
    """An uploaded workbook or CSV file, read by the importer (errors as :class:`InvalidInput`)."""
    suffix = Path(upload.name).suffix.lower()
    if suffix not in (".xlsx", ".xls", ".csv", ".xlsm"):
        raise InvalidInput([InputProblem(f"不支持的文件类型“{suffix or upload.name}”，请上传 .xlsx、.xls 或 .csv 文件")])
    if upload.size > MAX_UPLOAD_BYTES:
        raise InvalidInput([InputProblem(f"文件过大（{upload.size // 2**20} MB，上限 {MAX_UPLOAD_BYTES // 2**20} MB）")])
    with tempfile.TemporaryDirectory(prefix="junheng-upload-") as folder:
        path = Path(folder) / f"upload{suffix}"
        with path.open("wb") as fh:
            for chunk in upload.chunks():
                fh.write(chunk)
        try:
            return read_dataset(path)
        except InputErrors as exc:
            lines = [InputProblem(str(err)) for err in exc.errors]
            raise InvalidInput(lines + ([InputProblem(f"另有 {exc.omitted} 处错误未列出")] if exc.omitted else [])) from None
