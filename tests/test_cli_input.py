"""The CLI never writes over its input, and speaks clearly about what it read (issue 9)."""

from __future__ import annotations

import os

import pytest

from import_helpers import grid, room, school, write_xlsx
from junheng.cli import main
from junheng.demo import demo_dataset
from junheng.io.dataset_writer import write_dataset_csv, write_dataset_xlsx


@pytest.fixture(scope="module")
def demo_book(tmp_path_factory):
    path = tmp_path_factory.mktemp("data") / "清溪县-2024.xlsx"
    write_dataset_xlsx(demo_dataset(), path)
    return path


def run(capsys, *args) -> tuple[int, str, str]:
    status = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return status, out, err


# ---- output over input ---------------------------------------------------------------------------

@pytest.mark.parametrize(("command", "option"), [
    ("evaluate", "--xlsx"), ("evaluate", "--json"), ("problems", "--xlsx"), ("report", "--docx"),
])
def test_an_output_over_the_input_is_refused(capsys, tmp_path, demo_book, command, option):
    data = tmp_path / "data.xlsx"
    data.write_bytes(demo_book.read_bytes())
    before = data.read_bytes()
    status, out, err = run(capsys, command, data, option, data)
    assert status == 2
    assert err == f"错误：输出“{data}”（{option}）就是输入的数据文件，写出会覆盖原始数据：请换一个输出文件名\n"
    assert data.read_bytes() == before and out == ""


def test_the_same_file_by_another_name_is_refused(capsys, tmp_path, demo_book, monkeypatch):
    data = tmp_path / "data.xlsx"
    data.write_bytes(demo_book.read_bytes())
    (tmp_path / "link.xlsx").symlink_to(data)
    monkeypatch.chdir(tmp_path)
    assert run(capsys, "evaluate", "./data.xlsx", "--xlsx", "link.xlsx")[0] == 2
    assert run(capsys, "report", "data.xlsx", "--docx", "x.docx", "--pdf", os.path.join("..", tmp_path.name, "data.xlsx"))[0] == 2


def test_an_output_over_an_input_csv_or_the_folder_is_refused(capsys, tmp_path):
    folder = write_dataset_csv(demo_dataset(), tmp_path / "csv")
    assert run(capsys, "evaluate", folder, "--json", folder / "schools.csv")[0] == 2
    status, _, err = run(capsys, "report", folder, "--docx", folder)
    assert status == 2 and "就是输入的数据文件" in err


def test_the_profile_and_the_schools_list_are_inputs_too(capsys, tmp_path, demo_book):
    profile = tmp_path / "p.yaml"
    profile.write_text("name: 某省方案\nparameters: {}\n", encoding="utf-8")
    status, _, err = run(capsys, "evaluate", demo_book, "--profile", profile, "--json", profile)
    assert status == 2 and "就是输入的--profile" in err
    status, _, err = run(capsys, "template", demo_book, "--schools", demo_book)
    assert status == 2 and "就是输入的--schools" in err


def test_two_outputs_over_each_other_are_refused(capsys, tmp_path, demo_book):
    status, _, err = run(capsys, "evaluate", demo_book, "--json", tmp_path / "a", "--xlsx", tmp_path / "a")
    assert status == 2 and "--json 和 --xlsx 是同一个文件" in err


# ---- notices on stderr -----------------------------------------------------------------------------

def test_notices_are_printed_grouped_by_sheet(capsys, tmp_path):
    rows = grid("schools", [school(), school(school_code="3301010002"), school(school_code="3301010003")])
    rows[2:2], rows[4:4] = [None], [None]
    rooms = grid("rooms", [room(), room()])
    path = write_xlsx(tmp_path / "d.xlsx", {"学校": rows, "专用教室": rooms})
    status, _, err = run(capsys, "evaluate", path)
    assert status == 0
    assert "提示：学校 表第 3、5 行是空行，已跳过\n" in err
    assert "提示：专用教室 表第 3 行与前面的某一行完全相同" in err


# ---- problems on the screen --------------------------------------------------------------------------

def test_problems_without_xlsx_prints_the_list(capsys, tmp_path, demo_book, monkeypatch):
    monkeypatch.chdir(tmp_path)
    status, out, _ = run(capsys, "problems", demo_book)
    assert status == 0
    lines = out.splitlines()
    assert lines[0].startswith("清溪县（2024 年度）：") and "项影响达标" in lines[0]
    assert "  清溪县实验小学（3301010001）" in lines
    assert any(line.startswith("    【影响达标】小学L5 生均体育运动场馆面积") for line in lines)
    assert list(tmp_path.iterdir()) == []


def test_every_command_with_files_is_covered(capsys, tmp_path, demo_book):
    data = tmp_path / "data.xlsx"
    data.write_bytes(demo_book.read_bytes())
    status, _, err = run(capsys, "sample", data, "--xlsx", data)
    assert status == 2 and "就是输入的数据文件" in err
    status, _, err = run(capsys, "findings", data, "--docx-dir", data)
    assert status == 2 and "（--docx-dir）就是输入的数据文件" in err
