"""End to end: the `junheng` command as a user runs it, on good data and on bad."""

from __future__ import annotations

import json
import subprocess
import sys

import openpyxl
import pytest

from junheng.demo import demo_dataset
from junheng.io.dataset_writer import write_dataset_csv, write_dataset_xlsx


def junheng(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "junheng.cli", *map(str, args)], capture_output=True, text=True,
                          input=stdin, timeout=300)


@pytest.fixture(scope="module")
def demo_book(tmp_path_factory):
    path = tmp_path_factory.mktemp("data") / "清溪县-2024.xlsx"
    write_dataset_xlsx(demo_dataset(), path)
    return path


def test_evaluate_prints_a_chinese_summary_and_writes_the_json_contract(demo_book, tmp_path):
    out = tmp_path / "结果.json"
    result = junheng("evaluate", demo_book, "--json", out)
    assert result.returncode == 0, result.stderr
    assert "结论：未通过" in result.stdout
    assert "差异系数" in result.stdout and "≤0.50" in result.stdout and "≤0.45" in result.stdout
    data = json.loads(out.read_text(encoding="utf-8"))
    assert set(data) >= {"standard", "counties", "units", "excluded", "schools", "problems"}
    county = data["counties"][0]
    assert set(county) >= {"year", "county_code", "county_name", "stages", "areas", "veto", "verdict"}
    primary = county["stages"]["primary"]
    assert set(primary) >= {"units", "students", "units_compliant", "indicators", "composite_cv", "pass"}
    assert set(primary["indicators"]["L1"]) >= {"mean", "sd", "cv", "cv_max", "cv_pass", "units_meeting",
                                                "units_at_floor"}
    assert set(county["areas"]) == {"resource", "government", "quality", "recognition"}
    assert set(county["areas"]["government"]["items"]) == {f"G{i}" for i in range(1, 16)}
    assert set(county["areas"]["quality"]["items"]) == {f"Q{i}" for i in range(1, 10)}
    assert set(county["veto"]) == {f"V{i}" for i in range(1, 7)}
    unit = data["units"][0]
    assert set(unit) >= {"school_code", "school_name", "county_name", "year", "stage", "students", "share",
                         "indicators", "met_count", "compliant"}
    assert set(unit["indicators"]["L1"]) >= {"value", "standard", "met", "floor_met"}
    problem = data["problems"][0]
    assert set(problem) >= {"school_code", "stage", "item", "kind", "value", "standard", "shortfall",
                            "school_shortfall", "unit"}
    assert county["verdict"]["reasons"]


def test_csv_folder_and_workbook_give_the_same_result(demo_book, tmp_path):
    folder = tmp_path / "csv"
    write_dataset_csv(demo_dataset(), folder)
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    assert junheng("evaluate", demo_book, "--json", a).returncode == 0
    assert junheng("evaluate", folder, "--json", b).returncode == 0
    assert json.loads(a.read_text(encoding="utf-8")) == json.loads(b.read_text(encoding="utf-8"))


def test_basic_balance_standard(demo_book):
    result = junheng("evaluate", demo_book, "--standard", "jiben-2012")
    assert result.returncode == 0, result.stderr
    assert "基本均衡" in result.stdout and "综合差异系数" in result.stdout and "B8" in result.stdout


def test_bad_cells_are_located_in_chinese_with_exit_2(demo_book, tmp_path):
    book = openpyxl.load_workbook(demo_book)
    sheet = book["学校"]
    headers = [c.value for c in sheet[1]]
    column = next(i for i, h in enumerate(headers, 1) if str(h).startswith("小学在校生数"))
    sheet.cell(row=5, column=column, value="不详")
    bad = tmp_path / "bad.xlsx"
    book.save(bad)
    out = tmp_path / "never.json"
    result = junheng("evaluate", bad, "--json", out)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "学校" in result.stderr and "第 5 行" in result.stderr and "小学在校生数" in result.stderr
    assert "不详" in result.stderr
    assert not out.exists()  # nothing computed from a half-valid file


@pytest.mark.parametrize("args, message", [
    (["evaluate", "/nonexistent/data.xlsx"], "找不到"),
    (["evaluate"], "缺少必需的参数"),
    (["evaluate", "x.xlsx", "--standard", "youzhi-2030"], "无效的选项"),
    (["frobnicate"], "无效的选项"),
])
def test_usage_and_missing_files_exit_2_without_traceback(args, message):
    result = junheng(*args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_profile_exits_2(demo_book, tmp_path):
    profile = tmp_path / "p.yaml"
    profile.write_text("parameters:\n  no.such.parameter: 3\n", encoding="utf-8")
    result = junheng("evaluate", demo_book, "--profile", profile)
    assert result.returncode == 2 and "未知参数“no.such.parameter”" in result.stderr and "Traceback" not in result.stderr


def test_unwritable_output_exits_2(demo_book, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = junheng("evaluate", demo_book, "--json", blocker / "sub" / "out.json")
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_help_is_chinese():
    result = junheng("--help")
    assert result.returncode == 0
    assert "用法" in result.stdout and "测算" in result.stdout
    evaluate_help = junheng("evaluate", "--help").stdout
    assert "评估标准" in evaluate_help and "选项" in evaluate_help
