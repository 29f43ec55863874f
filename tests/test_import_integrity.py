"""Nothing a clerk types is silently lost (issue 9): every sheet, column, row and year is used or named."""

from __future__ import annotations

import pytest

from import_helpers import county, errors_of, grid, monitoring, room, school, write_csv, write_xlsx
from junheng.io import read_dataset
from junheng.io.errors import notice_lines


def notices(path) -> list[str]:
    return [str(n) for n in read_dataset(path).notices]


# ---- renamed and unused sheets ------------------------------------------------------------------

@pytest.mark.parametrize(("sheet", "table", "attribute", "rows"), [
    ("专用教室 (2)", "专用教室", "rooms", grid("rooms", [room()])),
    ("县级指标(2025)", "县级指标", "county", grid("county", [county()])),
    ("监测", "质量监测", "monitoring", grid("monitoring", [monitoring()])),
    ("学校(2)", "学校", "schools", grid("schools", [school()])),
])
def test_a_renamed_sheet_is_read_with_a_notice(tmp_path, sheet, table, attribute, rows):
    sheets = {"学校": grid("schools", [school()])} if table != "学校" else {}
    path = write_xlsx(tmp_path / "w.xlsx", {**sheets, sheet: rows})
    ds = read_dataset(path)
    assert getattr(ds, attribute).height == 1
    assert f"工作簿“w.xlsx”中的“{sheet}”按{table}表读取" in [str(n) for n in ds.notices]


def test_an_unused_sheet_is_named(tmp_path):
    path = write_xlsx(tmp_path / "w.xlsx", {"学校": grid("schools", [school()]), "Sheet3": [["备注"]],
                                             "填表说明": [["说明"]]})
    assert "工作簿“w.xlsx”中的“Sheet3”未使用（可读取的表：学校、专用教室、县级指标、质量监测）" in notices(path)
    assert not any("填表说明" in line for line in notices(path))


def test_two_sheets_resembling_one_table_are_not_guessed(tmp_path):
    path = write_xlsx(tmp_path / "w.xlsx", {"学校": grid("schools", [school()]), "专用教室1": grid("rooms", [room()]),
                                             "专用教室2": grid("rooms", [room()])})
    ds = read_dataset(path)
    assert ds.rooms is None
    assert "工作簿“w.xlsx”中“专用教室1”“专用教室2”都像专用教室表，均未读取；请把要用的一个改名为“专用教室”" \
        in [str(n) for n in ds.notices]


def test_a_renamed_csv_file_in_a_folder(tmp_path):
    write_csv(tmp_path / "schools.csv", grid("schools", [school()]))
    write_csv(tmp_path / "rooms (1).csv", grid("rooms", [room()]))
    ds = read_dataset(tmp_path)
    assert ds.rooms.height == 1
    assert f"文件夹“{tmp_path.name}”中的“rooms (1).csv”按专用教室表读取" in [str(n) for n in ds.notices]


def test_tables_not_supplied_are_named(tmp_path):
    path = write_xlsx(tmp_path / "w.xlsx", {"学校": grid("schools", [school()])})
    assert notices(path) == ["未提供专用教室、县级指标、质量监测表：依赖这些表的项目为“未评估”"]


def test_notice_lines_group_by_sheet():
    from junheng.io.errors import Notice

    lines = notice_lines([Notice("学校", "第 3 行是空行，已跳过"), Notice(None, "未提供质量监测表"),
                          Notice("学校", "“备注”列未使用"), Notice("rooms.csv", "第 2 行与前面的某一行完全相同")])
    assert lines == ["学校 表：", "  第 3 行是空行，已跳过", "  “备注”列未使用", "未提供质量监测表",
                     "rooms.csv 第 2 行与前面的某一行完全相同"]


# ---- header aliases and unused columns ------------------------------------------------------------

_ROW_OF = {"schools": school, "rooms": room, "county": county, "monitoring": monitoring}


def _sample(field) -> tuple[object, object]:
    """(value as typed, value as read) for a field of any type."""
    if field.id == "county_code":
        return "330101", "330101"
    if field.type == "enum":
        return field.choices[0], field.choices[0]
    return {"int": (2024, 2024) if "year" in field.id else (7, 7), "decimal": (7.5, 7.5), "text": ("甲", "甲"),
            "code": ("3301010001", "3301010001"), "bool": ("是", True), "level": ("Ⅲ", 3)}[field.type]


def _alias_cases():
    from junheng.schema import HEADER_ALIASES, TABLES

    for table in TABLES.values():
        for field in table.fields:
            for alias in HEADER_ALIASES.get(field.id, ()):
                yield pytest.param(table.id, field.id, alias, id=f"{table.id}-{alias}")


@pytest.mark.parametrize(("table_id", "field_id", "header"), [
    *_alias_cases(),
    ("schools", "indoor_sports_area", "室内体育用房面积(㎡)"),
    ("schools", "indoor_sports_area", "其中:室内体育用房面积"),
    ("schools", "indoor_sports_area", "其中：室内体育用房面积（平方米）"),
    ("schools", "indoor_sports_area", "室内体育馆面积"),
    ("schools", "primary_teachers", "小学专任教师人数"),
    ("schools", "primary_students", "小学在校生"),
    ("schools", "multimedia_rooms", "网络多媒体教室"),
    ("county", "exchanged_key", "其中:骨干教师数"),
])
def test_every_header_alias_is_read(tmp_path, table_id, field_id, header):
    from junheng.schema import TABLES

    field = TABLES[table_id].field(field_id)
    row = _ROW_OF[table_id]()
    if field_id in row:  # keep the valid row's own value (cross-field rules hold)
        typed = row[field_id]
        expected = {"是": True, "否": False, "Ⅲ": 3}.get(typed, typed) if field.type in ("bool", "level") else typed
    else:
        typed, expected = (0, 0) if field_id.endswith("_students") else \
            (45, 45) if field_id.endswith("_max_class_size") else _sample(field)
        row[field_id] = typed
    sheets = {"学校": grid("schools", [school()])} if table_id != "schools" else {}
    path = write_xlsx(tmp_path / "a.xlsx", {**sheets, TABLES[table_id].sheet: grid(table_id, [row], {field_id: header})})
    ds = read_dataset(path)
    assert getattr(ds, table_id).item(0, field_id) == expected
    assert not any("未使用" in str(n) and "列" in str(n) for n in ds.notices)


def test_aliases_name_one_field_each():
    from junheng.io.headers import _names
    from junheng.schema import TABLES

    for table in TABLES.values():  # building the lookup raises on a header naming two fields
        assert _names(table)


def test_every_column_not_used_is_named(tmp_path):
    rows = grid("schools", [school()])
    rows[0] += ["备注", "校长", None]
    rows[1] += ["新建校区", None, "孤立的值"]
    path = write_xlsx(tmp_path / "w.xlsx", {"学校": rows})
    found = notices(path)
    assert "学校 表：“备注”“校长”列不是学校表的项目，未使用" in found
    width = len(rows[0])
    from junheng.io.limits import column_letters

    assert f"学校 表第 {column_letters(width)} 列没有表头，其中填写的内容未使用" in found


def test_an_unused_csv_column_is_named(tmp_path):
    rows = grid("schools", [school()])
    rows[0].append("室内体育馆个数")
    rows[1].append(1)
    write_csv(tmp_path / "schools.csv", rows)
    assert "schools.csv：“室内体育馆个数”列不是学校表的项目，未使用" in notices(tmp_path)


# ---- one county, one year ------------------------------------------------------------------------

def _county_schools(n: int, **changes_of_last) -> list[dict]:
    rows = [school(school_code=f"33010100{i:02d}") for i in range(1, n + 1)]
    rows[-1].update(changes_of_last)
    return rows


@pytest.mark.parametrize("variant", ["清溪 县", "清溪县教育局", " 清溪县 ", "清溪县教育和体育局"])
def test_a_county_written_another_way_is_unified_with_a_notice(tmp_path, variant):
    rows = _county_schools(4, county_name=variant)
    path = write_xlsx(tmp_path / "w.xlsx", {"学校": grid("schools", rows),
                                             "县级指标": grid("county", [county(county_name="清溪县教育局")])})
    ds = read_dataset(path)
    assert set(ds.schools.get_column("county_name")) == {"清溪县"}
    assert ds.county.item(0, "county_name") == "清溪县"
    found = [str(n) for n in ds.notices]
    if variant.strip() != "清溪县":
        assert f"学校 表第 5 行的县(区)写作“{variant.strip()}”，已按同一县(区)其他行的“清溪县”计" in found
    assert "县级指标 表第 2 行的县(区)写作“清溪县教育局”，已按同一县(区)其他行的“清溪县”计" in found


def test_a_county_variant_without_a_code_is_unified_too(tmp_path):
    rows = _county_schools(3, county_name="清溪 县", county_code=None)
    ds = read_dataset(write_xlsx(tmp_path / "w.xlsx", {"学校": grid("schools", rows)}))
    assert set(ds.schools.get_column("county_name")) == {"清溪县"}


def test_one_code_under_two_different_names_is_refused(tmp_path):
    rows = _county_schools(3, county_name="临江县")
    lines = errors_of(write_xlsx(tmp_path / "w.xlsx", {"学校": grid("schools", rows)}))
    assert lines == ["学校 表第 4 行“县(区)”列：县(区)代码 330101 在其他 2 行是“清溪县”，同一代码只能是一个县(区)："
                     "请核对本行的县(区)名称或代码"]


def test_two_counties_of_one_name_and_two_codes_stay_two(tmp_path):
    rows = [school(county_name="鼓楼区", county_code="320106"),
            school(county_name="鼓楼区", county_code="350102", school_code="3501020001")]
    ds = read_dataset(write_xlsx(tmp_path / "w.xlsx", {"学校": grid("schools", rows)}))
    assert ds.schools.get_column("county_code").to_list() == ["320106", "350102"]
    assert not any("县(区)写作" in str(n) for n in ds.notices)


def test_a_school_typed_with_another_year_is_refused(tmp_path):
    rows = _county_schools(4, year=2023)
    lines = errors_of(write_xlsx(tmp_path / "w.xlsx", {"学校": grid("schools", rows)}))
    assert lines == ["学校 表第 5 行“年度”列：年度 2023 与本县(区)其他 3 行的 2024 年度不同；"
                     "若是笔误请改正，若确为另一年度的数据请与该年度其他学校一并填报"]


def test_several_full_years_are_evaluated_apart_with_a_notice(tmp_path):
    rows = _county_schools(2) + [dict(r, year=2025) for r in _county_schools(2)]
    ds = read_dataset(write_xlsx(tmp_path / "w.xlsx", {"学校": grid("schools", rows)}))
    assert ds.schools.height == 4
    assert "学校 表：清溪县有多个年度的数据（2024 年度 2 行、2025 年度 2 行），按年度分别测算" in [str(n) for n in ds.notices]


# ---- the impossible and the implausible ------------------------------------------------------------

@pytest.mark.parametrize(("changes", "line"), [
    ({"primary_classes": 700}, "学校 表第 2 行“小学班级数(个)”列：小学班级数 700 多于小学在校生数（600）"),
    ({"primary_max_class_size": 601}, "学校 表第 2 行“小学最大班额(人)”列：小学最大班额 601 人多于小学在校生数（600）"),
    ({"primary_max_class_size": 40}, "学校 表第 2 行“小学最大班额(人)”列：小学最大班额 40 人小于平均班额（600 人 ÷ 14 个班）"),
    ({"primary_teachers": 0, "primary_teachers_above_degree": 0, "primary_key_teachers": 0,
      "primary_pe_arts_teachers": 0, "primary_senior_title_teachers": 0},
     "学校 表第 2 行“小学专任教师数(人)”列：小学在校生数为 600，小学专任教师数(人)不能为 0"),
])
def test_impossible_school_figures_are_errors(tmp_path, changes, line):
    assert line in errors_of(write_xlsx(tmp_path / "w.xlsx", {"学校": grid("schools", [school(**changes)])}))


def test_a_possible_largest_class_is_accepted(tmp_path):
    ds = read_dataset(write_xlsx(tmp_path / "w.xlsx", {"学校": grid("schools", [school(primary_max_class_size=43)])}))
    assert ds.schools.item(0, "primary_max_class_size") == 43


def test_wan_yuan_under_a_yuan_header_is_noticed(tmp_path):
    """150 typed for 150 万元 under 教学仪器设备值(元): 0.25 元 per pupil."""
    path = write_xlsx(tmp_path / "w.xlsx", {"学校": grid("schools", [school(equipment_value=150)])})
    ds = read_dataset(path)
    assert ds.schools.item(0, "equipment_value") == 150  # used as typed: the notice says how to fix it
    assert ("学校 表第 2 行“教学仪器设备值(元)”列：值“150”折合每生不足 10 元/生，是否按万元填写？"
            "若是，请把表头改为“教学仪器设备值(万元)”") in [str(n) for n in ds.notices]


def test_yuan_under_a_wan_yuan_header_is_noticed(tmp_path):
    path = write_xlsx(tmp_path / "w.xlsx", {"学校": grid("schools", [school(equipment_value=1500000)],
                                                                   {"equipment_value": "教学仪器设备值(万元)"})})
    assert ("学校 表第 2 行“教学仪器设备值(万元)”列：值“1500000”折合每生超过 1,000,000 元/生，请核对数值和表头中的单位"
            in notices(path))


def test_ordinary_figures_raise_no_notice(tmp_path):
    assert notices(write_xlsx(tmp_path / "w.xlsx", {"学校": grid("schools", [school()])})) == [
        "未提供专用教室、县级指标、质量监测表：依赖这些表的项目为“未评估”"]


def test_county_rows_of_another_year_are_named(tmp_path):
    path = write_xlsx(tmp_path / "w.xlsx", {"学校": grid("schools", [school()]),
                                             "县级指标": grid("county", [county(), county(year=2023)]),
                                             "质量监测": grid("monitoring", [monitoring(county_name="临江县")])})
    found = notices(path)
    assert "县级指标 表第 3 行：“学校”表中没有清溪县 2023 年度的学校，这些行未使用" in found
    assert "质量监测 表第 2 行：“学校”表中没有临江县 2024 年度的学校，这些行未使用" in found
