"""``junheng import-tongji``: 事业统计 exports read by label, checked against the spec's addresses.

The workbooks are synthetic (``tongji_exports``) with the shape of real exports; the addresses
asserted here are those ``shared/spec/shiye-tongji.md`` records for each version, i.e. the test
expectations of a layout the importer must find by its labels.
"""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal

import openpyxl
import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from junheng.evaluate import evaluate
from junheng.io import InputErrors, read_dataset
from junheng.io.template import write_template
from junheng.io.tongji import compare, import_tongji, write_import_workbook
from junheng.io.tongji.importer import plain_value
from junheng.io.tongji.output import IMPORT_SHEET
from junheng.schema import SCHOOLS
from junheng.standards import load_standard
from tongji_exports import STAGES, school, write_flat, write_v2020, write_v2021

TYPES = ("小学", "初中", "九年一贯制学校", "完全中学", "十二年一贯制学校")
NOT_IN_V2020 = {"migrant_students"}


def junheng(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "junheng.cli", *map(str, args)], capture_output=True, text=True,
                          timeout=300)


def expected(s: dict, version: str) -> dict:
    """What the export carries of a canonical school (no 高中 teachers: not a canonical field)."""
    fields = {f.id for f in SCHOOLS.fields}
    return {k: v for k, v in s.items() if k in fields and not (version == "V2020" and k in NOT_IN_V2020)}


def imported(path, **kw):
    result = import_tongji([path], **kw)
    assert len(result.records) == 1
    record = result.records[0]
    return {k: plain_value(v) for k, v in record.values.items()}, record


# ── every version and school type ───────────────────────────────────────────────────────────


@pytest.mark.parametrize("school_type", TYPES)
@pytest.mark.parametrize("version", ["V2020", "V2021"])
def test_every_field_of_every_school_type_is_read(version, school_type, tmp_path):
    s = school(3, school_type)
    writer = write_v2020 if version == "V2020" else write_v2021
    values, record = imported(writer(tmp_path / "export.xlsx", s))
    assert values == expected(s, version)
    assert record.version == version
    # stage fields only for the school's own 学段
    for stage in ("primary", "junior", "senior"):
        assert (f"{stage}_students" in values) == (stage in STAGES[school_type])


V2020_ADDRESSES = {  # spec §2 and §6, 基础基 (the K* importers' cells)
    "school_code": ["基础基111!B7"], "school_name": ["基础基111!D7"], "school_type": ["基础基111!D14"],
    "area_type": ["基础基111!G10"], "county_code": ["基础基111!H11"],
    "primary_students": ["基础基312!H7"], "junior_students": ["基础基313!G7"],
    "primary_classes": ["基础基212!E6"], "junior_classes": ["基础基213!E8"],
    "primary_teachers": ["基础基423!D8"],
    "primary_teachers_above_degree": ["基础基423!D11", "基础基423!D12", "基础基423!D13"],
    "primary_pe_arts_teachers": ["基础基423!M8", "基础基423!N8", "基础基423!P8", "基础基423!Q8"],
    "junior_teachers_above_degree": ["基础基424!D12", "基础基424!D13"],
    "junior_pe_arts_teachers": ["基础基424!V9", "基础基424!W9", "基础基424!X9", "基础基424!Y9"],
    "primary_senior_title_teachers": ["基础基422!D9", "基础基422!D10", "基础基422!D11"],
    "junior_senior_title_teachers": ["基础基422!D18", "基础基422!D19", "基础基422!D20"],
    "primary_key_teachers": ["基础基112!D30"], "junior_key_teachers": ["基础基112!D31"],
    "teaching_area": ["基础基512!E10"], "indoor_sports_area": ["基础基512!E16"],
    "sports_field_area": ["基础基522!F9"], "multimedia_rooms": ["基础基522!N9"], "equipment_value": ["基础基522!O9"],
}


def test_v2020_nine_year_school_is_read_from_the_spec_addresses(tmp_path):
    """基础基 for a 九年一贯制学校: both 学段 from their own tables, 骨干 D30/D31 of 112.

    213's 初中 row is E8 here (its 总计 E7 is what lexcel reads; for a school with a 高中 the
    total would mix in 高中 classes, so the importer reads the 初中 row); 424's 初中 block row
    (row 9) gives the PE/arts columns V–Y, not the 中学 total row 8 lexcel reads.
    """
    _, record = imported(write_v2020(tmp_path / "nine.xlsx", school(4, "九年一贯制学校")))
    for field_id, cells in V2020_ADDRESSES.items():
        assert record.sources[field_id] == cells, field_id


def test_v2021_addresses_with_type_suffix(tmp_path):
    _, record = imported(write_v2021(tmp_path / "nine.xlsx", school(4, "九年一贯制学校", year=2021)))
    suffix = "_九年一贯制学校"
    expect = {  # spec §3 (教基, lexcel bs*/JJ*)
        "school_name": ["教基1001!C4"], "school_type": ["教基1001!C25"],
        "primary_students": ["教基3112!I6"], "junior_students": ["教基3115!E6"], "migrant_students": ["教基3112!I11",
                                                                                                       "教基3115!E11"],
        "primary_classes": ["教基2106!C5"], "junior_classes": ["教基2107!C5"],
        "primary_teachers": ["教基4155!C6"], "junior_teachers": ["教基4156!C7"],
        "primary_teachers_above_degree": ["教基4155!C9", "教基4155!C10", "教基4155!C11", "教基4155!C12"],
        "junior_teachers_above_degree": ["教基4156!C10", "教基4156!C11", "教基4156!C12"],
        "primary_pe_arts_teachers": ["教基4155!L6", "教基4155!N6", "教基4155!O6", "教基4155!P6"],
        "primary_senior_title_teachers": ["教基4153!C8", "教基4153!C9", "教基4153!C10"],
        "junior_senior_title_teachers": ["教基4153!C17", "教基4153!C18", "教基4153!C19"],
        "primary_key_teachers": ["教基1102续!D12"], "junior_key_teachers": ["教基1102续!D13"],
        "teaching_area": ["教基5170!F10"], "indoor_sports_area": ["教基5170!F17"],
        "sports_field_area": ["教基5176!D7"], "books": ["教基5176!D12"], "multimedia_rooms": ["教基5176!D17"],
        "equipment_value": ["教基5176!D19"],
    }
    for field_id, cells in expect.items():
        assert record.sources[field_id] == [c.replace("!", suffix + "!") for c in cells], field_id


def test_v2021_plain_sheet_names_take_the_type_from_1001(tmp_path):
    s = school(5, "初中", year=2021)
    values, record = imported(write_v2021(tmp_path / "plain.xlsx", s, suffix=False))
    assert values == expected(s, "V2021")
    # a 初级中学's 1102续 lists only its own 学段: 骨干（初中） is D12 (what lexcel reads for it)
    assert record.sources["junior_key_teachers"] == ["教基1102续!D12"]
    assert record.sources["school_type"] == ["教基1001!C25"]


def test_1001_type_row_found_where_it_moved(tmp_path):
    """办学类型 is C25 in lexcel's JJ*1001 and C27 in JJT1001/EsImport: found by its label either way."""
    s = school(6, "十二年一贯制学校", year=2021)
    path = write_v2021(tmp_path / "a.xlsx", s)
    book = openpyxl.load_workbook(path)
    book["教基1001_十二年一贯制学校"].insert_rows(20, 2)
    book.save(path)
    values, record = imported(path)
    assert record.sources["school_type"] == ["教基1001_十二年一贯制学校!C27"]
    assert values == expected(s, "V2021")


@pytest.mark.parametrize("version", ["V2020", "V2021"])
def test_largest_class_is_left_to_fill_with_its_band(version, tmp_path):
    """Only 班额 bands exist (columns in 基础基212/213, rows in 教基2106/2107): the field stays blank,
    the note names the band of the largest class."""
    writer = write_v2020 if version == "V2020" else write_v2021
    _, record = imported(writer(tmp_path / "a.xlsx", school(2, "九年一贯制学校")))
    primary, junior = record.to_fill["primary_max_class_size"], record.to_fill["junior_max_class_size"]
    assert "primary_max_class_size" not in record.values
    if version == "V2020":
        assert "“36-40人”段，见 基础基212!I6" in primary and "“41-45人”段，见 基础基213!J8" in junior
    else:
        assert "“41-45人”段，见 教基2106_九年一贯制学校!C10" in primary
        assert "“46-50人”段，见 教基2107_九年一贯制学校!C11" in junior


def test_money_in_wan_yuan_is_converted_exactly(tmp_path):
    s = school(6, "小学", equipment_value=1_234_567.89)
    values, record = imported(write_v2020(tmp_path / "a.xlsx", s))
    assert record.values["equipment_value"] == Decimal("1234567.89")


def test_a_missing_table_leaves_its_fields_to_fill_and_unused_sheets_are_named(tmp_path):
    result = import_tongji([write_v2020(tmp_path / "a.xlsx", school(2), drop=("522",))])
    record = result.records[0]
    assert {"sports_field_area", "equipment_value", "multimedia_rooms"} <= set(record.to_fill)
    assert record.to_fill["sports_field_area"] == "导出中没有基础基522表"
    assert "sports_field_area" not in record.values
    assert any("未读取" in n and "基础基412" in n and "封面" not in n for n in result.notices)


def test_an_export_contradicting_itself_is_named_with_its_cells(tmp_path):
    s = school(3, "小学", primary_key_teachers=99)
    result = junheng("import-tongji", write_v2020(tmp_path / "a.xlsx", s), "--out", tmp_path / "out.xlsx")
    assert result.returncode == 0
    assert "小学县级及以上骨干教师数 99（基础基112!D30）多于小学专任教师数" in result.stderr


def test_year_and_county_come_from_the_cover_and_111(tmp_path):
    values, record = imported(write_v2020(tmp_path / "a.xlsx", school(1, year=2019)))
    assert (values["year"], values["county_name"], values["county_code"]) == (2019, "清溪县", "330101")
    values, _ = imported(tmp_path / "a.xlsx", year=2024, county="白水县")
    assert (values["year"], values["county_name"]) == (2024, "白水县")


# ── the standard's rules where the public importers went wrong (spec §5 "Bugs found in lexcel") ──


def test_nine_year_junior_above_degree_is_graduate_plus_bachelor_not_bachelor_plus_college(tmp_path):
    """lexcel bug 1: JJN4156 counts C12 + C13 (本科 + 专科) for a 九年一贯制 初中."""
    s = school(9, "九年一贯制学校", year=2021)
    values, record = imported(write_v2021(tmp_path / "nine.xlsx", s))
    sheet = openpyxl.load_workbook(tmp_path / "nine.xlsx")["教基4156_九年一贯制学校"]
    lexcel = sheet["C12"].value + sheet["C13"].value
    ours = sum(sheet[c].value for c in ("C10", "C11", "C12"))
    assert values["junior_teachers_above_degree"] == ours == s["junior_teachers_above_degree"] != lexcel


def test_primary_above_degree_counts_doctors(tmp_path):
    """lexcel bug 2 (九年 4155 omits C9 博士) and S3 bug 7 (博士研究生 never counted)."""
    s = school(8, "九年一贯制学校", year=2021)
    path = write_v2021(tmp_path / "nine.xlsx", s)
    sheet = openpyxl.load_workbook(path)["教基4155_九年一贯制学校"]
    assert sheet["C9"].value == 1  # one 博士
    values, _ = imported(path)
    assert values["primary_teachers_above_degree"] == sum(sheet[c].value for c in ("C9", "C10", "C11", "C12"))
    flat = import_tongji([write_flat(tmp_path / "小学.xlsx", [s], "primary"),
                          write_flat(tmp_path / "初中.xlsx", [s], "junior")]).records[0]
    assert plain_value(flat.values["primary_teachers_above_degree"]) == s["primary_teachers_above_degree"]


def test_pe_arts_sums_four_different_columns(tmp_path):
    """lexcel bug 3: K424 sums V8 four times."""
    s = school(9, "初中", junior_pe_arts_teachers=7)
    values, record = imported(write_v2020(tmp_path / "a.xlsx", s))
    sheet = openpyxl.load_workbook(tmp_path / "a.xlsx")["基础基424"]
    assert len(set(record.sources["junior_pe_arts_teachers"])) == 4
    assert values["junior_pe_arts_teachers"] == 7 != 4 * sheet["V9"].value


def test_primary_teachers_and_above_degree_are_not_swapped(tmp_path):
    """lexcel bug 4: K423 swaps 合计 (D8) and the 学历 rows."""
    s = school(10, "小学")
    values, record = imported(write_v2020(tmp_path / "a.xlsx", s))
    assert values["primary_teachers"] == s["primary_teachers"] > values["primary_teachers_above_degree"]
    assert record.sources["primary_teachers"] == ["基础基423!D8"]


@pytest.mark.parametrize("version", ["V2020", "V2021"])
def test_complete_middle_school_junior_figures_come_from_the_junior_block(version, tmp_path):
    """lexcel bugs 5 and 6: 完全中学 not handled, the whole-school 4149 D6 / 中学 total used as 初中."""
    s = school(11, "完全中学", year=2021, senior_teachers=40)
    writer = write_v2020 if version == "V2020" else write_v2021
    values, record = imported(writer(tmp_path / "a.xlsx", s))
    assert values["school_type"] == "完全中学"
    assert values["junior_teachers"] == s["junior_teachers"]
    assert values["junior_pe_arts_teachers"] == s["junior_pe_arts_teachers"]
    assert values["senior_students"] == s["senior_students"]
    sheet = openpyxl.load_workbook(tmp_path / "a.xlsx").worksheets[0 if version == "V2021" else 0]
    assert sheet is not None
    total_sheet = "基础基424" if version == "V2020" else "教基4156_完全中学"
    total = openpyxl.load_workbook(tmp_path / "a.xlsx")[total_sheet]["D8" if version == "V2020" else "C6"].value
    assert total == s["junior_teachers"] + 40 != values["junior_teachers"]


def test_arts_subtotal_is_counted_once(tmp_path):
    """艺术 / 计 over 音乐 and 美术: only the subtotal is taken (no double count)."""
    s = school(12, "小学", year=2021, primary_pe_arts_teachers=9)
    values, record = imported(write_v2021(tmp_path / "a.xlsx", s, arts_group=True))
    assert values["primary_pe_arts_teachers"] == 9
    assert len(record.sources["primary_pe_arts_teachers"]) == 2  # 体育 + 艺术计


# ── layouts that move, and layouts that are not known ──────────────────────────────────────


def test_a_moved_row_is_still_read_right(tmp_path):
    s = school(13, "小学")
    values, record = imported(write_v2020(tmp_path / "a.xlsx", s, moved_row=True))
    assert values["primary_students"] == s["primary_students"]
    assert record.sources["primary_students"] == ["基础基312!H8"]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10**6), school_type=st.sampled_from(TYPES))
def test_rows_in_any_order_are_read_by_label(seed, school_type, tmp_path):
    """The list tables (1102续, 5176) with their rows in any order give the same values."""
    s = school(seed % 50 + 1, school_type, year=2021)
    values, _ = imported(write_v2021(tmp_path / f"{seed}.xlsx", s, shuffle=seed))
    assert values == expected(s, "V2021")


def _write(path, sheets: dict[str, list[list]]):
    book = xlsxwriter.Workbook(str(path))
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is not None:
                    sheet.write(r, c, value)
    book.close()
    return path


def test_unknown_layout_is_refused_naming_the_sheet(tmp_path):
    """A 基础基312 without its 甲/乙 row: refused, never read from H7."""
    path = write_v2020(tmp_path / "a.xlsx", school(14), drop=("312",))
    good = openpyxl.load_workbook(path)
    sheet = good.create_sheet("基础基312")
    sheet["B2"], sheet["B3"], sheet["H7"] = "小学学生数", "基础基312  单位：人", 500
    good.save(path)
    with pytest.raises(InputErrors) as caught:
        import_tongji([path])
    assert "基础基312" in str(caught.value) and "甲 乙" in str(caught.value)
    result = junheng("import-tongji", path, "--out", tmp_path / "out.xlsx")
    assert result.returncode == 2
    assert "基础基312" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out.xlsx").exists()


def test_a_missing_row_label_is_refused(tmp_path):
    path = write_v2020(tmp_path / "a.xlsx", school(15))
    book = openpyxl.load_workbook(path)
    book["基础基512"]["B10"] = "教学用房（新口径）"
    book.save(path)
    with pytest.raises(InputErrors, match="基础基512.*找不到“教学及辅助用房”行"):
        import_tongji([path])


def test_an_ambiguous_column_is_refused(tmp_path):
    path = write_v2020(tmp_path / "a.xlsx", school(16))
    book = openpyxl.load_workbook(path)
    book["基础基522"]["M7"] = "网络多媒体教室"  # 教室 / 计 renamed: two 网络多媒体教室 columns
    book.save(path)
    with pytest.raises(InputErrors, match="网络多媒体教室.*不止一处"):
        import_tongji([path])


def test_text_in_a_number_cell_is_refused_with_its_address(tmp_path):
    path = write_v2021(tmp_path / "a.xlsx", school(17, year=2021))
    book = openpyxl.load_workbook(path)
    book["教基3112_小学"]["I6"] = "不详"
    book.save(path)
    with pytest.raises(InputErrors, match="教基3112_小学.*I6.*不详"):
        import_tongji([path])


def test_legacy_xls_is_refused_rather_than_read_without_its_merged_headers(tmp_path):
    (tmp_path / "old.xls").write_bytes(b"not read")
    with pytest.raises(InputErrors, match="另存为 .xlsx"):
        import_tongji([tmp_path])


def test_a_workbook_unpacking_to_gigabytes_is_refused_unread(tmp_path, monkeypatch):
    from junheng.io.tongji import grid

    path = write_v2020(tmp_path / "a.xlsx", school(1))
    monkeypatch.setattr(grid, "MAX_UNPACKED_BYTES", 10_000)
    with pytest.raises(InputErrors, match="解压后超过"):
        import_tongji([path])


def test_a_workbook_that_is_no_export_is_refused(tmp_path):
    path = _write(tmp_path / "x.xlsx", {"Sheet1": [["姓名", "电话"], ["张三", "123"]]})
    result = junheng("import-tongji", path, "--out", tmp_path / "out.xlsx")
    assert result.returncode == 2
    assert "x.xlsx" in result.stderr and "既不是学校基层表导出" in result.stderr


def test_a_kindergarten_is_skipped_with_a_notice_and_a_duplicate_is_refused(tmp_path):
    path = write_v2021(tmp_path / "k.xlsx", school(18, year=2021))
    book = openpyxl.load_workbook(path)
    book["教基1001_小学"]["C25"] = "幼儿园"
    for sheet in book.worksheets:
        sheet.title = sheet.title.replace("_小学", "")
    book.save(path)
    write_v2021(tmp_path / "p.xlsx", school(19, year=2021))
    result = import_tongji([tmp_path])
    assert [r.values["school_code"] for r in result.records] == ["3301000019"]
    assert any("幼儿园" in n and "未导入" in n for n in result.notices)
    write_v2021(tmp_path / "p2.xlsx", school(19, year=2021))
    with pytest.raises(InputErrors, match="3301000019 出现在两个导出文件中"):
        import_tongji([tmp_path])


def test_sheet_type_suffix_contradicting_1001_is_refused(tmp_path):
    path = write_v2021(tmp_path / "a.xlsx", school(20, year=2021))
    book = openpyxl.load_workbook(path)
    book["教基1001_小学"]["C25"] = "初级中学"
    book.save(path)
    with pytest.raises(InputErrors, match="办学类型互相矛盾"):
        import_tongji([path])


# ── county flat export ───────────────────────────────────────────────────────────────────────


def test_county_flat_export_joins_the_stage_files(tmp_path):
    schools = [school(i, t, year=2021) for i, t in enumerate(("小学", "初中", "九年一贯制学校", "完全中学"), start=1)]
    files = [write_flat(tmp_path / f"{zh}.xlsx", schools, stage)
             for stage, zh in (("primary", "小学"), ("junior", "初中"), ("senior", "高中"))]
    result = import_tongji(files)
    assert len(result.records) == 4
    for record, s in zip(result.records, schools, strict=True):
        values = {k: plain_value(v) for k, v in record.values.items()}
        wanted = {k: v for k, v in expected(s, "V2021").items()
                  if k not in ("ownership", "area_type", "county_code", "migrant_students", "computers", "books")
                  and not k.endswith("senior_title_teachers")}
        assert values == wanted
        assert {"ownership", "area_type"} <= set(record.to_fill)
    nine = result.records[2]
    assert nine.file == "小学.xlsx、初中.xlsx"
    # 艺术 / 计 taken once, 音乐 and 美术 under it not again
    assert len(nine.sources["primary_pe_arts_teachers"]) == 2


def test_a_site_not_counted_as_a_school_is_imported_as_its_own_campus_with_a_notice(tmp_path):
    schools = [school(1, year=2021), school(2, year=2021, school_name="清溪县第1小学东校区")]
    path = write_flat(tmp_path / "小学.xlsx", schools, "primary")
    book = openpyxl.load_workbook(path)
    sheet = book.active
    column = next(c.column for row in sheet.iter_rows(max_row=6) for c in row if c.value == "是否计校数")
    row = next(c.row for c in sheet["A"] if c.value == "清溪县第1小学东校区")
    sheet.cell(row, column).value = 0
    book.save(path)
    result = import_tongji([path])
    assert len(result.records) == 2
    assert any("东校区" in n and "是否计校数 = 0" in n for n in result.notices)


def test_county_flat_export_without_the_junior_file_of_a_nine_year_school_is_refused(tmp_path):
    s = school(1, "九年一贯制学校", year=2021)
    with pytest.raises(InputErrors, match="没有它的初中学段数据"):
        import_tongji([write_flat(tmp_path / "小学.xlsx", [s], "primary")])


# ── the output workbook, the CLI, the evaluation ──────────────────────────────────────────


def county_folder(folder, count=30):
    """30 exports of one county: every type, both versions (the 教基 ones with 2020 headings too)."""
    schools = []
    for n in range(1, count + 1):
        school_type = TYPES[n % len(TYPES)] if n % 3 == 0 else ("小学" if n % 2 else "初中")
        s = school(n, school_type)
        if n % 2:
            write_v2020(folder / f"{n:02d}-{s['school_name']}.xlsx", s)
            s.pop("migrant_students", None)
        else:
            write_v2021(folder / f"{n:02d}-{s['school_name']}.xlsx", s, suffix=n % 4 == 0)
        schools.append(s)
    return schools


def type_into_template(schools, path):
    """The same numbers typed into the blank template by a person (openpyxl)."""
    template = write_template(path, year=2020, county="清溪县")
    book = openpyxl.load_workbook(template)
    sheet = book["学校"]
    for row, s in enumerate(schools, start=2):
        for col, f in enumerate(SCHOOLS.fields, start=1):
            if f.id in s:
                sheet.cell(row, col).value = s[f.id]
    county = book["县级指标"]
    county["A2"], county["B2"], county["C2"] = 2020, "330101", "清溪县"
    book.save(path)
    return path


def test_county_folder_imports_and_evaluates_like_the_typed_template(tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    schools = county_folder(folder)
    out = tmp_path / "数据.xlsx"
    result = junheng("import-tongji", folder, "--out", out)
    assert result.returncode == 0, result.stderr
    assert "已导入 30 所学校" in result.stdout
    # per school, on stderr, what is left to fill
    assert result.stderr.count("待补填") == 30 and "建成年份" in result.stderr and "专用教室" in result.stderr
    from_export = read_dataset(out)
    typed = read_dataset(type_into_template(schools, tmp_path / "typed.xlsx"))
    assert from_export.schools.drop("source_row").equals(typed.schools.drop("source_row"))
    standard = load_standard("youzhi-2017")
    assert evaluate(from_export, standard).to_dict() == evaluate(typed, standard).to_dict()


def test_output_workbook_marks_what_to_fill_and_lists_the_sources(tmp_path):
    s = school(21, "九年一贯制学校")
    result = import_tongji([write_v2020(tmp_path / "a.xlsx", s)])
    out = write_import_workbook(result, tmp_path / "out.xlsx")
    book = openpyxl.load_workbook(out)
    assert book.sheetnames[:5] == ["填表说明", "学校", "专用教室", "县级指标", "质量监测"]
    sheet = book["学校"]
    headers = {c.value: c.column_letter for c in sheet[1]}
    built = sheet[f"{headers['建成年份']}2"]
    assert built.value is None and "建成年份" in built.comment.text and built.fill.fgColor.rgb.endswith("FFF2CC")
    assert sheet[f"{headers['小学在校生数(人)']}2"].value == s["primary_students"]
    listing = [[c.value for c in row] for row in book[IMPORT_SHEET].iter_rows(min_row=2)]
    sources = {row[3]: row[5] for row in listing}
    assert sources["小学在校生数(人)"] == "基础基312!H7"
    assert sources["小学最大班额(人)"].startswith("事业统计只有班额分段")
    assert any(row[3] == "专用教室" for row in listing)


# ── cross-check ─────────────────────────────────────────────────────────────────────────────


def test_check_lists_every_disagreement_with_both_values(tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    schools = county_folder(folder, count=4)
    schools[0]["primary_students"] += 5
    schools[1]["teaching_area"] = 1234.5
    typed = type_into_template(schools[:3], tmp_path / "typed.xlsx")  # the 4th school not filled in
    differences = compare(read_dataset(typed), import_tongji([folder]))
    lines = [d.line() for d in differences]
    assert len(differences) == 3, lines
    assert any(schools[0]["school_name"] in line and f"填报 {schools[0]['primary_students']}" in line
               and f"事业统计 {schools[0]['primary_students'] - 5}" in line and "基础基312!H7" in line for line in lines)
    assert any("教学及辅助用房面积" in line and "填报 1234.5" in line for line in lines)
    assert any("数据集中没有该校" in line for line in lines)
    result = junheng("import-tongji", folder, "--check", typed, "--out", tmp_path / "差异.csv")
    assert result.returncode == 0, result.stderr
    assert "与事业统计不一致：3 所学校，共 3 处" in result.stdout
    csv = (tmp_path / "差异.csv").read_text(encoding="utf-8-sig")
    assert csv.splitlines()[0] == "学校标识码,学校名称,字段,填报值,事业统计值,差额,事业统计来源"
    assert "-5" in csv
    result = junheng("import-tongji", folder, "--check", typed, "--out", tmp_path / "差异.xlsx")
    rows = list(openpyxl.load_workbook(tmp_path / "差异.xlsx").active.iter_rows(values_only=True))
    assert len(rows) == 4


def test_check_of_agreeing_data_says_so(tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    schools = county_folder(folder, count=3)
    typed = type_into_template(schools, tmp_path / "typed.xlsx")
    result = junheng("import-tongji", folder, "--check", typed)
    assert result.returncode == 0 and "完全一致" in result.stdout


def test_output_in_the_export_folder_is_not_read_back_as_an_export(tmp_path):
    write_v2020(tmp_path / "a.xlsx", school(1))
    out = tmp_path / "数据.xlsx"
    for _ in range(2):  # the second run finds the first run's output in the folder
        result = junheng("import-tongji", tmp_path, "--out", out)
        assert result.returncode == 0, result.stderr
    result = junheng("import-tongji", tmp_path / "a.xlsx", "--out", tmp_path / "a.xlsx")
    assert result.returncode == 2 and "覆盖原始数据" in result.stderr
    assert openpyxl.load_workbook(tmp_path / "a.xlsx").sheetnames[0] == "封面"
    result = junheng("import-tongji", tmp_path / "a.xlsx", "--check", out, "--out", out)
    assert result.returncode == 2 and "--check" in result.stderr
    assert read_dataset(out).schools.height == 1


def test_usage_without_out_or_check_is_a_chinese_error(tmp_path):
    path = write_v2020(tmp_path / "a.xlsx", school(1))
    result = junheng("import-tongji", path)
    assert result.returncode == 2 and "--out" in result.stderr
    result = junheng("import-tongji", path, "--out", tmp_path / "数据.csv")
    assert result.returncode == 2 and ".xlsx" in result.stderr
