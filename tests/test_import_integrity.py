"""Nothing a clerk types is silently lost (issue 9): every sheet, column, row and year is used or named."""

from __future__ import annotations

import pytest

from import_helpers import county, grid, monitoring, room, school, write_csv, write_xlsx
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
