"""Outputs at any scale: the streamed JSON, --tables, one file per county, --county, labels of
what-if files, progress on standard error."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import time
from dataclasses import replace

import openpyxl
import polars as pl
import pytest
from docx import Document

import junheng.progress as progress_module
from junheng import cli
from junheng.demo import demo_dataset
from junheng.evaluate import Evaluation, evaluate
from junheng.io.county_files import county_targets
from junheng.io.dataset_writer import write_dataset_csv
from junheng.io.evaluation_json import write_evaluation_json
from junheng.io.evaluation_tables import write_evaluation_tables
from junheng.progress import Progress
from junheng.standards import load_standard


def two_counties():
    demo = demo_dataset()

    def other(frame: pl.DataFrame | None) -> pl.DataFrame | None:
        if frame is None:
            return None
        copy = frame.with_columns(pl.col("school_code").str.replace("^3301", "3399")) \
            if "school_code" in frame.columns else frame
        if "county_name" in frame.columns:
            copy = copy.with_columns(county_name=pl.lit("白水县"), county_code=pl.lit("339901"))
        return pl.concat([frame, copy])

    return replace(demo, **{name: other(getattr(demo, name)) for name in ("schools", "rooms", "county", "monitoring")})


@pytest.fixture(scope="module")
def two_folder(tmp_path_factory):
    return write_dataset_csv(two_counties(), tmp_path_factory.mktemp("two") / "data")


def run(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "junheng.cli", *map(str, args)], capture_output=True, text=True,
                          timeout=300)


# ── JSON ─────────────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize("standard_id", ["youzhi-2017", "jiben-2012"])
def test_streamed_json_is_the_to_dict_contract(standard_id, tmp_path):
    evaluation = evaluate(two_counties(), load_standard(standard_id))
    path = write_evaluation_json(evaluation, tmp_path / "e.json")
    written = json.loads(path.read_text(encoding="utf-8"))
    expected = json.loads(json.dumps(evaluation.to_dict()))
    assert list(written) == list(expected)
    for key in expected:
        assert written[key] == expected[key], key


def test_json_is_streamed_from_the_frames_not_built_as_one_structure(youzhi, tmp_path, monkeypatch):
    def refused(self):
        raise AssertionError("the whole result built as Python objects")

    for method in ("to_dict", "units_list", "schools_list"):
        monkeypatch.setattr(Evaluation, method, refused, raising=False)
    path = write_evaluation_json(youzhi, tmp_path / "e.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert len(data["units"]) == youzhi.units.height
    assert len(path.read_text(encoding="utf-8").splitlines()) > youzhi.units.height  # a record per line


# ── tables ───────────────────────────────────────────────────────────────────────────────────


def test_tables_as_csv_with_bom_for_excel(youzhi, tmp_path):
    paths = write_evaluation_tables(youzhi, tmp_path / "t")
    assert sorted(p.name for p in paths) == sorted(f"{n}.csv" for n in (
        "units", "excluded", "schools", "cv", "counties", "county_items", "problems"))
    for path in paths:
        assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    result = youzhi.to_dict()
    units = pl.read_csv(tmp_path / "t" / "units.csv", infer_schema_length=0)
    assert units.height == len(result["units"])
    first = result["units"][0]
    assert units["school_code"][0] == first["school_code"]  # codes stay text (leading zeros kept)
    assert float(units["L1_value"][0]) == first["indicators"]["L1"]["value"]  # unrounded
    problems = pl.read_csv(tmp_path / "t" / "problems.csv", infer_schema_length=0)
    assert problems.height == len(result["problems"])
    assert problems["message"].to_list() == [p["message"] for p in result["problems"]]
    counties = pl.read_csv(tmp_path / "t" / "counties.csv", infer_schema_length=0)
    assert counties["county_name"].to_list() == ["清溪县"]
    assert counties["pass"].to_list() == ["false"]
    items = pl.read_csv(tmp_path / "t" / "county_items.csv", infer_schema_length=0)
    g11 = items.filter(pl.col("item") == "G11").row(0, named=True)
    assert g11["note"] == result["counties"][0]["areas"]["government"]["items"]["G11"]["note"]
    assert set(items["item"]) >= {*(f"G{i}" for i in range(1, 16)), *(f"Q{i}" for i in range(1, 10)), "S1", "V1"}


def test_tables_as_parquet(youzhi, tmp_path):
    write_evaluation_tables(youzhi, tmp_path / "t", "parquet")
    units = pl.read_parquet(tmp_path / "t" / "units.parquet")
    assert units.equals(youzhi.units)
    assert pl.read_parquet(tmp_path / "t" / "problems.parquet").height == len(youzhi.problems)


def test_cli_writes_tables_and_json(two_folder, tmp_path):
    result = run("evaluate", two_folder, "--tables", tmp_path / "t", "--tables-format", "parquet",
                 "--json", tmp_path / "e.json")
    assert result.returncode == 0, result.stderr
    assert pl.read_parquet(tmp_path / "t" / "counties.parquet")["county_name"].to_list() == ["清溪县", "白水县"]
    assert len(json.loads((tmp_path / "e.json").read_text(encoding="utf-8"))["counties"]) == 2


# ── one file per county, --county ────────────────────────────────────────────────────────────


def test_several_counties_get_one_file_each_in_a_folder(two_folder, tmp_path):
    result = run("evaluate", two_folder, "--xlsx", tmp_path / "测算表.xlsx")
    assert result.returncode == 0, result.stderr
    folder = tmp_path / "测算表"
    assert sorted(p.name for p in folder.iterdir()) == ["各县汇总.xlsx", "清溪县测算表.xlsx", "白水县测算表.xlsx"]
    assert str(folder) in result.stdout
    result = run("problems", two_folder, "--xlsx", tmp_path / "问题清单.xlsx")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "问题清单").iterdir()) == ["清溪县问题清单.xlsx", "白水县问题清单.xlsx"]
    result = run("report", two_folder, "--docx", tmp_path / "报告.docx")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "报告").iterdir()) == ["清溪县评估报告.docx", "白水县评估报告.docx"]


def test_help_says_what_happens_with_several_counties():
    for command in ("evaluate", "problems", "report"):
        text = run(command, "--help").stdout
        assert "多个县时为文件夹" in text and "--county" in text


def test_county_selects_one_county_by_code(two_folder, tmp_path):
    result = run("evaluate", two_folder, "--county", "339901", "--json", tmp_path / "e.json", "--xlsx", tmp_path / "b.xlsx")
    assert result.returncode == 0, result.stderr
    data = json.loads((tmp_path / "e.json").read_text(encoding="utf-8"))
    assert [c["county_name"] for c in data["counties"]] == ["白水县"]
    assert data["units"] and all(u["school_code"].startswith("3399") for u in data["units"])
    assert data["counties"][0]["areas"]["quality"]["items"]["Q9"]["pass"] is not None  # its monitoring rows came along
    assert openpyxl.load_workbook(tmp_path / "b.xlsx")["表Ⅰ"]["B5"].value == "339901"
    for command, out in (("problems", "--xlsx"), ("report", "--docx")):
        target = tmp_path / f"{command}.{out[2:]}"
        result = run(command, two_folder, "--county", "330101", out, target)
        assert result.returncode == 0, result.stderr
        assert target.is_file()


def test_unknown_county_code_is_a_chinese_error_naming_the_codes(two_folder, tmp_path):
    result = run("evaluate", two_folder, "--county", "110101")
    assert result.returncode == 2
    assert "110101" in result.stderr and "330101 清溪县" in result.stderr and "339901 白水县" in result.stderr
    assert "Traceback" not in result.stderr


# ── what-if and profile labels ───────────────────────────────────────────────────────────────


@pytest.fixture(scope="module")
def profile(tmp_path_factory):
    path = tmp_path_factory.mktemp("profile") / "zj.yaml"
    path.write_text("name: 某省细则\nbase: youzhi-2017\nreference: 某教督〔2019〕1号\nparameters:\n"
                    "  G7.min_per_pupil_funds: 8000\n", encoding="utf-8")
    return path


def test_what_if_outputs_say_so(two_folder, tmp_path):
    result = run("evaluate", two_folder, "--county", "330101", "--set", "3301010001.primary_teachers=130",
                 "--xlsx", tmp_path / "w.xlsx", "--json", tmp_path / "w.json", "--tables", tmp_path / "t")
    assert result.returncode == 0, result.stderr
    first = openpyxl.load_workbook(tmp_path / "w.xlsx").worksheets[0]
    texts = " ".join(str(c.value) for row in first.iter_rows(max_row=6) for c in row if c.value)
    assert "假设分析（3301010001.primary_teachers=130）" in texts and "不是正式测算表" in texts
    assert "假设分析" in json.loads((tmp_path / "w.json").read_text(encoding="utf-8"))["scenario"]
    assert "假设分析" in pl.read_csv(tmp_path / "t" / "scenario.csv")["scenario"][0]


def test_profile_outputs_name_the_profile(two_folder, profile, tmp_path):
    result = run("evaluate", two_folder, "--county", "330101", "--profile", profile, "--xlsx", tmp_path / "p.xlsx")
    assert result.returncode == 0, result.stderr
    first = openpyxl.load_workbook(tmp_path / "p.xlsx").worksheets[0]
    assert "某省细则" in first["A2"].value and "不是正式测算表" in str(first["A4"].value)
    result = run("problems", two_folder, "--county", "330101", "--profile", profile, "--xlsx", tmp_path / "q.xlsx")
    assert result.returncode == 0, result.stderr
    assert "某省细则" in openpyxl.load_workbook(tmp_path / "q.xlsx").worksheets[0]["A2"].value
    result = run("report", two_folder, "--county", "330101", "--profile", profile, "--docx", tmp_path / "r.docx")
    assert result.returncode == 0, result.stderr
    cover = " ".join(p.text for p in Document(str(tmp_path / "r.docx")).paragraphs[:15])
    assert "某省细则" in cover


# ── progress ─────────────────────────────────────────────────────────────────────────────────


def test_a_long_step_reports_progress_and_a_short_one_is_silent():
    stream = io.StringIO()
    progress = Progress(stream, after=0.05, every=0)
    with progress.step("快的一步"):
        time.sleep(0)
    assert stream.getvalue() == ""
    with progress.step("写出测算表"):
        time.sleep(0.1)
        progress.advance(3, 10, "个县")
    lines = stream.getvalue().splitlines()
    assert lines[0] == "正在写出测算表……"
    assert lines[1].strip() == "写出测算表：3/10 个县"
    assert lines[2].startswith("写出测算表完成（")


def test_the_cli_shows_progress_of_a_long_run_on_stderr(youzhi, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(progress_module, "Progress", lambda *a, **k: Progress(sys.stderr, after=0))
    folder = write_dataset_csv(demo_dataset(), tmp_path / "data")
    assert cli.main(["evaluate", str(folder), "--json", str(tmp_path / "e.json")]) == 0
    captured = capsys.readouterr()
    assert "正在测算……" in captured.err and "写出评估单元完成" in captured.err
    assert "正在" not in captured.out


def test_county_targets_one_file_or_a_folder(tmp_path):
    one = [{"county_name": "清溪县", "county_code": "330101", "year": 2024}]
    assert county_targets(tmp_path / "a.xlsx", ".xlsx", "测算表", one) == [tmp_path / "a.xlsx"]
    assert county_targets(tmp_path / "out", ".xlsx", "测算表", one) == [tmp_path / "out" / "清溪县测算表.xlsx"]
    # Jiangsu has two 鼓楼区: the code tells their files apart; two years of one county, the year
    several = [*one, {"county_name": "鼓楼区", "county_code": "320106", "year": 2024},
               {"county_name": "鼓楼区", "county_code": "320302", "year": 2024},
               {"county_name": "清溪县", "county_code": "330101", "year": 2025}]
    names = [p.name for p in county_targets(tmp_path / "报告.docx", ".docx", "评估报告", several)]
    assert names == ["清溪县_2024评估报告.docx", "鼓楼区_320106评估报告.docx", "鼓楼区_320302评估报告.docx",
                     "清溪县_2025评估报告.docx"]
    assert {p.parent for p in county_targets(tmp_path / "报告.docx", ".docx", "评估报告", several)} == {tmp_path / "报告"}


def test_a_school_row_without_a_code_stays_with_its_county(tmp_path):
    data = two_counties()
    blank = data.schools.with_columns(
        county_code=pl.when(pl.col("school_code") == "3399010002").then(None).otherwise(pl.col("county_code")))
    chosen = cli.select_county(replace(data, schools=blank), "339901")
    assert chosen.schools.height == data.schools.height // 2
    assert set(chosen.schools["county_name"]) == {"白水县"}
    assert chosen.rooms["school_code"].str.starts_with("3399").all()
    assert set(chosen.county["county_code"]) == {"339901"}
