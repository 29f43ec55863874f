"""Fuzzing the importer: whatever the file holds, the reader returns a data set or raises InputErrors
(Chinese, located), never another exception. Bounded: a few dozen examples of each kind."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
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
# Derandomised: CI runs the same 25 examples every time (a landing is never decided by a lucky
# draw); run with --hypothesis-seed=N locally to explore further.
_FUZZ = settings(max_examples=25, deadline=None, derandomize=True,
                 suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


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


def test_a_calamine_panic_is_an_unreadable_file_not_a_crash(tmp_path, monkeypatch):
    """Some corrupted .xls bytes make calamine panic; pyo3 raises that as a BaseException subclass
    (PanicException) that ``except Exception`` does not catch. It must become the Chinese error."""
    import fastexcel

    class PanicException(BaseException):
        """The same name pyo3 gives its exception."""

    def panic(*args, **kwargs):
        raise PanicException("range start index 2413431994 out of range for slice of length 3812")

    monkeypatch.setattr(fastexcel, "read_excel", panic)
    path = tmp_path / "broken.xls"
    path.write_bytes((Path(__file__).parent / "data" / "import" / "schools.xls").read_bytes())
    with pytest.raises(InputErrors, match="无法读取"):
        read_dataset(path)


def test_a_keyboard_interrupt_is_not_swallowed(tmp_path, monkeypatch):
    import fastexcel

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(fastexcel, "read_excel", interrupted)
    path = tmp_path / "schools.xls"
    path.write_bytes((Path(__file__).parent / "data" / "import" / "schools.xls").read_bytes())
    with pytest.raises(KeyboardInterrupt):
        read_dataset(path)


def test_unpaired_quotes_in_a_csv_are_a_located_error(tmp_path):
    """Found by the fuzz test: a quote that does not pair used to escape as csv.Error."""
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "schools.csv").write_bytes('学校标识码,学校名称\n""0",0\n'.encode("gb18030"))
    with pytest.raises(InputErrors, match="schools.csv"):
        read_dataset(folder)


@_FUZZ
@given(st.lists(st.one_of(st.text(alphabet="0123456789+-. _\t\n１٠²eE", max_size=8), st.text(max_size=8)), max_size=40))
def test_a_code_is_typed_quickly_exactly_when_it_is_that_many_ascii_digits(cells):
    import polars as pl

    from junheng.io.cells import quick_typed
    codes = [*cells, "330101", "+30101", " 30101", "30101 ", "3301011", "999999", "３３0101", "3301010001", "+301010001"]
    for field in (f for t in TABLES.values() for f in t.fields if f.type == "code" and f.digits):
        quick = pl.select(quick_typed(field, pl.lit(pl.Series(codes, dtype=pl.String)), 1)).to_series()
        assert quick.to_list() == [c if re.fullmatch(f"[0-9]{{{field.digits}}}", c, re.ASCII) else None for c in codes]
