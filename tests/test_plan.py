"""达标规划 (issue 11): the least-cost plan, its proof by re-evaluation, its texts, its cost file."""

from __future__ import annotations

import json
import subprocess
import sys

import docx
import openpyxl
import polars as pl
import pytest

from junheng.demo import demo_dataset
from junheng.evaluate import evaluate
from junheng.io import read_dataset
from junheng.io.dataset_writer import write_dataset_xlsx
from junheng.plan import PlanError, apply_actions, load_costs, make_plan, texts
from junheng.plan.planner import failures
from junheng.standards import load_standard


@pytest.fixture(scope="module")
def standard():
    return load_standard("youzhi-2017")


@pytest.fixture(scope="module")
def demo_plan(standard):
    return make_plan(demo_dataset(), standard)


def junheng(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "junheng.cli", *map(str, args)], capture_output=True, text=True,
                          timeout=300)


# ── the demo county ──────────────────────────────────────────────────────────────────────────


def test_demo_plan_is_optimal_and_re_evaluates_to_a_pass(demo_plan, standard):
    plan = demo_plan
    assert plan.status == "optimal"
    assert plan.gap <= 0.01
    assert plan.before.to_dict()["counties"][0]["areas"]["resource"]["pass"] is False
    # the proof: the same engine on the data with the plan applied
    after = evaluate(apply_actions(demo_dataset(), plan.actions), standard)
    assert failures(after, plan.targets) == []
    county = after.to_dict()["counties"][0]
    assert county["areas"]["resource"]["pass"] is True
    for item in ("G3", "G4", "G5"):
        assert county["areas"]["government"]["items"][item]["pass"] is True
    assert plan.cost == pytest.approx(sum(a.cost for a in plan.actions))


def test_demo_plan_is_cheaper_than_the_naive_plan_and_uses_transfers(demo_plan):
    assert demo_plan.naive_passes
    assert demo_plan.cost < demo_plan.naive_cost
    assert demo_plan.saving == pytest.approx(demo_plan.naive_cost - demo_plan.cost)
    transfers = [a for a in demo_plan.actions if a.lever == "transfer"]
    assert transfers and all(a.from_school_code and "仍达标" in a.text for a in transfers)
    assert not [a for a in demo_plan.naive_actions if a.lever == "transfer" and a.school_code]


def test_donors_stay_compliant(demo_plan):
    after = {(u["school_code"], u["stage"]): u for u in demo_plan.after.to_dict()["units"]}
    for a in demo_plan.actions:
        if a.lever == "transfer":
            assert after[(a.from_school_code, a.stage)]["compliant"] is True


def test_years_phase_cheapest_first_and_pass_in_the_last_year(standard):
    plan = make_plan(demo_dataset(), standard, years=3)
    assert [y["year"] for y in plan.yearly] == [1, 2, 3]
    assert plan.yearly[-1]["targets_pass"] is True
    assert sum(y["cost"] for y in plan.yearly) == pytest.approx(plan.cost)
    first = [a.cost for a in plan.actions if a.year == 1 and a.lever != "train"]
    later = [a.cost for a in plan.actions if a.year == 3 and a.lever != "train"]
    assert max(first) <= min(later)


def test_infeasible_within_the_budget_names_the_binding_constraints(standard):
    plan = make_plan(demo_dataset(), standard, budget=3_000_000)
    assert plan.status == "infeasible"
    assert not plan.actions and plan.after is None  # never a silent partial plan
    assert plan.binding[0].startswith("总预算 3,000,000 元不足")
    assert plan.min_cost > 3_000_000
    assert any("达标" in b or "G3" in b for b in plan.binding[1:])


def test_a_switched_off_lever_that_is_needed_makes_the_plan_infeasible(standard):
    plan = make_plan(demo_dataset(), standard, costs=load_costs().without("move_pupils"))
    assert plan.status == "infeasible"
    assert any("G4" in b and "分流" in b for b in plan.binding)


def test_basic_balance_is_refused(standard):
    with pytest.raises(PlanError, match="优质均衡"):
        make_plan(demo_dataset(), load_standard("jiben-2012"))


# ── texts ─────────────────────────────────────────────────────────────────────────────────────


def test_texts_read_as_a_bureau_writes_them():
    assert texts.transfer_in("junior", "pe", 1, "甲校") == "从甲校调入初中体育艺术专任教师 1 人（甲校仍达标）"
    assert texts.transfer_out("primary", "key", 2, "乙校") == "向乙校调出小学县级及以上骨干教师 2 人（本校仍达标）"
    assert texts.recruit("primary", "pe", 1) == "招聘小学体育、艺术（音乐、美术）专任教师 1 人"
    assert texts.recruit("junior", "deg", 3) == "招聘初中专任教师（本科及以上学历） 3 人"
    assert texts.room("美术", "convert", 1, 90) == "改造普通教室 1 间为美术专用教室"
    assert texts.room("音乐", "build", 1, 96) == "新建音乐专用教室 1 间（每间 96 ㎡）"
    assert texts.facility("area_build", 340) == "新建教学及辅助用房 340 ㎡"
    assert texts.facility("equip", 85000) == "购置教学仪器设备 85,000 元"
    assert texts.add_class("primary", 2, 45) == "增设小学教学班 2 个，化解大班额（班额不超过 45 人）"


# ── the cost file ────────────────────────────────────────────────────────────────────────────


def test_every_default_cost_has_a_unit_and_a_reference():
    costs = load_costs()
    for entry in costs.entries.values():
        assert entry.value >= 0 and entry.unit and entry.reference and entry.description


def test_a_county_cost_file_overrides_with_its_reference(tmp_path):
    path = tmp_path / "本县.yaml"
    path.write_text("name: 本县\nreference: 本县2025年预算标准\ncosts:\n  recruit.teacher: 150000\n"
                    "  build.teaching_area: {value: 3800, reference: 住建局造价信息}\nlevers:\n  move_pupils: false\n",
                    encoding="utf-8")
    costs = load_costs(path)
    assert costs["recruit.teacher"] == 150000
    assert costs.entries["recruit.teacher"].reference == "本县2025年预算标准"
    assert costs.entries["build.teaching_area"].reference == "住建局造价信息"
    assert costs.entries["build.teaching_area"].source == "本县"
    assert not costs.enabled("move_pupils") and costs.enabled("transfer")


@pytest.mark.parametrize("body, message", [
    ("costs:\n  recruit.teacher: 很多\n", "recruit.teacher：“很多”不是数字"),
    ("costs:\n  build.teaching_area: -5\n", "为负数"),
    ("costs:\n  hire.robot: 5\n", "costs.hire.robot：没有这一项"),
    ("levers:\n  teleport: true\n", "levers.teleport：没有这一措施"),
    ("levers:\n  transfer: 也许\n", "须为 true 或 false"),
    ("limits:\n  transfer.max_share_per_year: 2\n", "超过 1"),
    ("price: 3\n", "无法识别的项：price"),
    ("costs: [1, 2\n", "不是有效的 YAML"),
])
def test_cost_file_errors_are_chinese(tmp_path, body, message):
    path = tmp_path / "costs.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(PlanError, match=message.replace("(", r"\(")):
        load_costs(path)


# ── the command ──────────────────────────────────────────────────────────────────────────────


@pytest.fixture(scope="module")
def demo_book(tmp_path_factory):
    path = tmp_path_factory.mktemp("plan") / "清溪县-2024.xlsx"
    write_dataset_xlsx(demo_dataset(), path)
    return path


def test_cli_end_to_end_on_the_demo_data(demo_book, tmp_path, standard):
    book, out, data = tmp_path / "规划.xlsx", tmp_path / "plan.json", tmp_path / "规划后数据"
    report = tmp_path / "报告.docx"
    result = junheng("plan", demo_book, "--xlsx", book, "--json", out, "--write-data", data, "--docx", report)
    assert result.returncode == 0, result.stderr
    assert "求解状态：最优" in result.stdout and "节省" in result.stdout and "HiGHS" not in result.stdout
    assert "规划后达标" in result.stdout
    plan = json.loads(out.read_text(encoding="utf-8"))["plan"]
    assert plan["status"] == "optimal" and plan["cost"] < plan["naive_cost"]
    assert {"cost", "lower_bound", "gap", "naive_cost", "years", "actions", "after"} <= set(plan)
    action = plan["actions"][0]
    assert {"school_code", "stage", "lever", "field", "change", "from_school_code", "year", "cost", "text"} <= set(action)
    assert {a["lever"] for a in plan["actions"]} <= {"recruit", "transfer", "train", "build", "convert", "equip",
                                                     "move_pupils", "add_class", "fund"}
    assert len(plan["cvs"]) == 14 and all(r["after_pass"] for r in plan["cvs"])
    assert all(u["compliant_after"] for u in plan["units"])
    assert plan["after"]["counties"][0]["verdict"]["pass"] is True
    # anyone can re-evaluate the written data independently
    again = evaluate(read_dataset(data), standard).to_dict()["counties"][0]
    assert again["areas"]["resource"]["pass"] is True and again["verdict"]["pass"] is True
    sheets = openpyxl.load_workbook(book, read_only=True).sheetnames
    assert sheets == ["规划摘要", "各校措施", "分项汇总", "逐年复核", "差异系数前后", "评估单元前后", "朴素方案"]
    rows = list(openpyxl.load_workbook(book, read_only=True)["各校措施"].iter_rows(values_only=True))
    assert any("调入" in str(r[5]) for r in rows) and any("调出" in str(r[5]) for r in rows)
    # the county report gets its 达标规划 chapter
    paragraphs = [p.text for p in docx.Document(str(report)).paragraphs]
    chapter = next(i for i, text in enumerate(paragraphs) if text.endswith("、达标规划"))
    assert "节省" in paragraphs[chapter + 1] and "复核" in paragraphs[chapter + 1]
    assert any("各校措施" in text for text in paragraphs[chapter:])


def test_cli_infeasible_budget_and_bad_cost_file(demo_book, tmp_path):
    result = junheng("plan", demo_book, "--xlsx", tmp_path / "a.xlsx", "--budget", "100万元")
    assert result.returncode == 0
    assert "无法达标" in result.stdout and "总预算 1,000,000 元不足" in result.stdout
    bad = tmp_path / "costs.yaml"
    bad.write_text("costs:\n  recruit.teacher: -1\n", encoding="utf-8")
    result = junheng("plan", demo_book, "--xlsx", tmp_path / "b.xlsx", "--costs", bad)
    assert result.returncode == 2 and "为负数" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "b.xlsx").exists()
    result = junheng("plan", demo_book, "--xlsx", tmp_path / "c.xlsx", "--budget", "很多")
    assert result.returncode == 2 and "不是金额" in result.stderr


def test_split_facilities_of_a_through_school_count_through_their_shares(standard):
    """A 九年一贯制 school short of floor area for its 初中部: what is built lifts both units by their
    shares, and the plan builds exactly what the engine's school shortfall says (no more)."""
    data = demo_dataset()
    code = data.schools.filter(pl.col("school_type") == "九年一贯制学校")["school_code"][0]
    schools = data.schools.with_columns(
        pl.when(pl.col("school_code") == code).then(pl.col("teaching_area") * 0.7).otherwise(pl.col("teaching_area"))
        .alias("teaching_area"))
    data = type(data)(schools, data.rooms, data.county, data.monitoring)
    before = evaluate(data, standard)
    shortfalls = [p for p in before.to_dict()["problems"] if p["school_code"] == code and p["item"] == "L4"
                  and p["kind"] != "cv_driver"]
    assert {p["stage"] for p in shortfalls} == {"primary", "junior"}  # the 初中部 below its 85% floor
    plan = make_plan(data, standard)
    added = sum(change for a in plan.actions for school, name, change in a.changes
                if school == code and name == "teaching_area")
    floor = next(p["floor_shortfall"] for p in shortfalls if p["stage"] == "junior")
    assert floor <= added <= max(p["school_shortfall"] for p in shortfalls)
    assert failures(plan.after, plan.targets) == []


def test_a_county_that_already_passes_needs_nothing(demo_plan, standard):
    planned = apply_actions(demo_dataset(), demo_plan.actions)
    again = make_plan(planned, standard)
    assert again.status == "optimal" and again.actions == [] and again.cost == 0 and again.naive_cost == 0


def test_key_teachers_are_trained_only_when_the_plan_spans_the_training_years(standard):
    """L2 (骨干) cannot be recruited: in one year only transfers can fill it; over the training years
    培养 can, counted from the year the training ends."""
    data = demo_dataset()
    code = "3301010029"  # a village 小学
    schools = data.schools.with_columns(
        pl.when(pl.col("school_code") == code).then(0).otherwise(pl.col("primary_key_teachers"))
        .alias("primary_key_teachers"))
    county = data.county.with_columns(pl.col("exchanged").alias("exchanged_key"))  # G11 met: transfers optional
    data = type(data)(schools, data.rooms, county, data.monitoring)
    costs = load_costs().without("transfer")
    one = make_plan(data, standard, costs=costs)
    assert one.status == "infeasible" and any("枫林小学小学L2" in b for b in one.binding)
    two = make_plan(data, standard, costs=costs, years=2)
    assert two.status == "optimal"
    trained = [a for a in two.actions if a.lever == "train"]
    assert trained and all(a.school_code == code and a.year == 2 and "培养" in a.text for a in trained)
    assert two.yearly[0]["targets_pass"] is False and two.yearly[1]["targets_pass"] is True
    assert failures(two.after, two.targets) == []


def test_a_failing_cv_is_brought_within_its_maximum_by_cuts(standard):
    """Three urban 小学 with four times their multimedia rooms push the 小学 L7 CV to about 0.70: the
    cuts (at the solutions, at the cone's boundary, then the cone's polyhedral relaxation) bring it
    under 0.50, and the engine's re-evaluation agrees."""
    data = demo_dataset()
    rich = pl.col("school_name").str.contains("城东小学|城西小学|城北小学")
    schools = data.schools.with_columns(
        pl.when(rich).then(pl.col("multimedia_rooms") * 4).otherwise(pl.col("multimedia_rooms")).alias("multimedia_rooms"))
    data = type(data)(schools, data.rooms, data.county, data.monitoring)
    before = evaluate(data, standard).to_dict()["counties"][0]["stages"]["primary"]["indicators"]["L7"]
    assert before["cv_pass"] is False and before["cv"] > 0.6
    plan = make_plan(data, standard, time_limit=120)
    assert plan.status in ("optimal", "feasible") and plan.rounds > 1 and plan.gap <= 0.05
    after = plan.after.to_dict()["counties"][0]["stages"]["primary"]["indicators"]["L7"]
    assert after["cv_pass"] is True and after["cv"] <= 0.5
    assert failures(plan.after, plan.targets) == []
    assert plan.lower_bound <= plan.cost
    assert any(a.field == "multimedia_rooms" for a in plan.actions)
