"""Fuzzing the importer: whatever the file holds, the reader returns a data set or raises InputErrors
(Chinese, located), never another exception. Bounded: a few dozen examples of each kind."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from import_helpers import csv_text, grid, room, school, write_xlsx
from junheng.io import InputErrors, read_dataset
from junheng.schema import HEADER_ALIASES, SCHOOLS, TABLES

_HEADERS = sorted({f.display_header for t in TABLES.values() for f in t.fields}
                  | {a for aliases in HEADER_ALIASES.values() for a in aliases} | {"备注", "", "其中", "(万元)"})
_CELL = st.one_of(
    st.none(),
    st.integers(-10**12, 10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["", " ", "是", "否", "小学", "初中", "公办", "2024", "330101", "3301010001", "不详", "1,200",
                     "１２", "#N/A", "=1+1", "Ⅲ", "12.5%", "0x1F", "1e400", "\u3000", "清溪 县", "清溪县教育局"]),
    st.text(max_size=12),
)
_ROW = st.lists(_CELL, min_size=0, max_size=8)
_WORKBOOK_CELL = _CELL.filter(lambda v: not (isinstance(v, float) and (v != v or v in (float("inf"), float("-inf")))))
_FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                          HealthCheck.too_slow])


def _read(path: Path) -> None:
    try:
        dataset = read_dataset(path)
    except InputErrors as errors:
        assert str(errors)
        return
    assert dataset.schools is not None
    assert all(str(n) for n in dataset.notices)


@_FUZZ
@given(headers=st.lists(st.sampled_from(_HEADERS), min_size=1, max_size=10), rows=st.lists(_ROW, max_size=6))
def test_random_csv_tables(tmp_path_factory, headers, rows):
    folder = tmp_path_factory.mktemp("fuzz")
    width = len(headers)
    body = [[*r[:width], *[None] * (width - len(r[:width]))] for r in rows]
    (folder / "schools.csv").write_text(csv_text([headers, *body]), encoding="utf-8")
    _read(folder)


@_FUZZ
@given(changes=st.dictionaries(st.sampled_from([f.id for f in SCHOOLS.fields]), _WORKBOOK_CELL, max_size=6),
       sheet=st.sampled_from(["学校", "学校(2)", "Sheet1"]), rooms=st.booleans())
def test_a_valid_workbook_with_random_cells(tmp_path_factory, changes, sheet, rooms):
    path = tmp_path_factory.mktemp("fuzz") / "w.xlsx"
    sheets = {sheet: grid("schools", [school(), school(**{"school_code": "3301010002", **changes})])}
    if rooms:
        sheets["专用教室"] = grid("rooms", [room(), room()])
    write_xlsx(path, sheets)
    _read(path)


@_FUZZ
@given(at=st.integers(0, 10**6), data=st.binary(min_size=1, max_size=64))
def test_corrupted_workbook_bytes(tmp_path_factory, at, data):
    folder = tmp_path_factory.mktemp("fuzz")
    original = write_xlsx(folder / "ok.xlsx", {"学校": grid("schools", [school()])}).read_bytes()
    at %= len(original)
    broken = folder / "broken.xlsx"
    broken.write_bytes(original[:at] + data + original[at + len(data):])
    _read(broken)


@_FUZZ
@given(xml=st.binary(max_size=400), name=st.sampled_from(["xl/worksheets/sheet1.xml", "xl/sharedStrings.xml"]))
def test_random_sheet_xml(tmp_path_factory, xml, name):
    folder = tmp_path_factory.mktemp("fuzz")
    original = write_xlsx(folder / "ok.xlsx", {"学校": grid("schools", [school()])})
    buffer = io.BytesIO()
    with zipfile.ZipFile(original) as zin, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            zout.writestr(item, xml if item.filename == name else zin.read(item.filename))
    path = folder / "x.xlsx"
    path.write_bytes(buffer.getvalue())
    _read(path)


@_FUZZ
@given(at=st.integers(0, 10**6), data=st.binary(min_size=1, max_size=64))
def test_corrupted_xls_bytes(tmp_path_factory, at, data):
    original = (Path(__file__).parent / "data" / "import" / "schools.xls").read_bytes()
    at %= len(original)
    broken = tmp_path_factory.mktemp("fuzz") / "broken.xls"
    broken.write_bytes(original[:at] + data + original[at + len(data):])
    _read(broken)
