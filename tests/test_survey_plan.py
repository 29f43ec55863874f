"""The 社会认可度 sampling plan against a hand computation, and the questionnaires' scoring rules."""

from __future__ import annotations

from fractions import Fraction

import pytest

from junheng.survey import AREAS, SchoolInfo, load_params, plan_sample
from junheng.survey.plan import PlanError, apportion, sample_size
from junheng.survey.questionnaire import (
    QUESTIONNAIRE_IDS,
    QuestionnaireError,
    check_answers,
    default_text,
    parse,
    straight_lined,
)
from junheng.survey.results import TableVI, Valid, percent, summarise

PARAMS = load_params(2025)


def county_of_550000():
    """城区 220,000, 镇区 165,000, 乡村 165,000 residents; 20 schools in each area.

    In 城区, schools U00–U04 have 2,000 pupils and U05–U19 1,000 (25,000 in all); every other
    school has 800 pupils and 50 teachers (城区: 60 each)."""
    residents = {"城区": 220_000, "镇区": 165_000, "乡村": 165_000}
    schools = [SchoolInfo(f"U{i:02d}", f"城区{i}小学", "城区", 2000 if i < 5 else 1000, 60) for i in range(20)]
    schools += [SchoolInfo(f"{p}{i:02d}", f"{area}{i}小学", area, 800, 50)
                for p, area in (("T", "镇区"), ("R", "乡村")) for i in range(20)]
    return residents, schools


def test_plan_for_a_county_of_550000_residents_matches_the_hand_computation():
    residents, schools = county_of_550000()
    plan = plan_sample(residents, schools, PARAMS)
    # Sample: 550,000 × 1.5‰ = 825 (above 400,000 residents, so the 600 minimum does not apply).
    assert plan.total == 825
    # Parents: ⌈825 × 50%⌉ = ⌈412.5⌉ = 413. The other 412 shared by 5 groups would be 82.4 each, but
    # principals are capped at one per school = 60; the remaining 352 shared by 4 groups = 88 each.
    assert plan.groups == {"parent": 413, "student": 88, "teacher": 88, "principal": 60, "deputy": 88, "public": 88}
    assert sum(plan.groups.values()) == 825
    # Areas 40% / 30% / 30%. Parents: 165.2, 123.9, 123.9 → floors 165, 123, 123 (411); the two
    # largest remainders (0.9, 0.9) get the 2 left → 165, 124, 124.
    assert [plan.by_area[("parent", a)] for a in AREAS] == [165, 124, 124]
    # 88 → 35.2, 26.4, 26.4 → 35, 26, 26 (87); one left to the first of the tied 0.4 (镇区).
    for group in ("student", "teacher", "deputy", "public"):
        assert [plan.by_area[(group, a)] for a in AREAS] == [35, 27, 26]
    # Principals follow the schools: 20 per area, one each.
    assert [plan.by_area[("principal", a)] for a in AREAS] == [20, 20, 20]
    assert all(plan.school_quotas(s.code)["principal"] == 1 for s in schools)
    # 城区 parents by pupils: 165 × 2000/25000 = 13.2 (U00–U04), 165 × 1000/25000 = 6.6 (U05–U19):
    # floors 65 + 90 = 155; the 10 left go to the larger remainders (0.6) in code order, U05–U14.
    urban = {s.code: plan.school_quotas(s.code)["parent"] for s in schools if s.area == "城区"}
    assert [urban[f"U{i:02d}"] for i in range(20)] == [13] * 5 + [7] * 10 + [6] * 5
    # 镇区 parents 124 over 20 equal schools: 6.2 each → 6 each (120), 4 left to T00–T03.
    town = [plan.school_quotas(f"T{i:02d}")["parent"] for i in range(20)]
    assert town == [7] * 4 + [6] * 16
    # 人大代表、政协委员 and other members answer county-wide links, one per area.
    county_wide = {(q.group, q.area): q.count for q in plan.quotas if q.school_code is None}
    assert county_wide == {("deputy", "城区"): 35, ("deputy", "镇区"): 27, ("deputy", "乡村"): 26,
                           ("public", "城区"): 35, ("public", "镇区"): 27, ("public", "乡村"): 26}
    # Grades: parents 413 / 9 grades = 45.9 → 46 for grades 1–8, 45 for grade 9; students 88 / 7
    # grades (3–9) = 12.57 → 13 for grades 3–6, 12 for 7–9.
    assert [plan.grades[("parent", g)] for g in range(1, 10)] == [46] * 8 + [45]
    assert [plan.grades[("student", g)] for g in range(3, 10)] == [13] * 4 + [12] * 3
    assert sum(q.count for q in plan.quotas) == 825
    assert plan.notices == []


def test_small_county_gets_the_minimum_and_unplaced_schools_are_named():
    assert sample_size(399_999, PARAMS) == 600  # 599.9985 → 600, and the minimum is 600 anyway
    assert sample_size(200_000, PARAMS) == 600
    assert sample_size(400_000, PARAMS) == 600
    assert sample_size(400_001, PARAMS) == 601  # ⌈600.0015⌉
    schools = [SchoolInfo("A", "甲小学", "城区", 500, 30), SchoolInfo("B", "乙小学", "", 300, 20)]
    plan = plan_sample({"城区": 100_000, "乡村": 50_000}, schools, PARAMS)
    assert plan.total == 600 and plan.groups["parent"] == 300
    assert plan.groups["principal"] == 1  # one placed school
    assert any("乙小学（B）未填写城乡类型" in n for n in plan.notices)
    assert any(n.startswith("乡村没有学校") for n in plan.notices)
    assert sum(q.count for q in plan.quotas) == 600


def test_plan_refuses_impossible_figures():
    with pytest.raises(PlanError, match="常住人口"):
        plan_sample({}, [], PARAMS)
    with pytest.raises(PlanError, match="负数"):
        plan_sample({"城区": -5, "乡村": 10}, [], PARAMS)


def test_apportion_always_adds_up():
    assert apportion(10, [1, 1, 1]) == [4, 3, 3]
    assert apportion(7, [0, 0]) == [4, 3]
    assert apportion(0, [5, 3]) == [0, 0]
    assert sum(apportion(825, [Fraction(1, 3), 7, 11, 13])) == 825


@pytest.mark.parametrize("qid", QUESTIONNAIRE_IDS)
def test_default_questionnaires_load_and_catch_straight_lining(qid):
    q = parse(default_text(qid), qid)
    assert len(q.items) >= 10 and q.overall == q.items[-1].id
    same = {i.id: "0" for i in q.items}  # the first option everywhere contradicts the reverse items
    answers, missing = check_answers(q, same)
    assert not missing and straight_lined(q, answers, 6, 2)
    honest = {i.id: str(min(i.scale.satisfied)) for i in q.items}
    answers, _ = check_answers(q, honest)
    assert answers.satisfied and not straight_lined(q, answers, 6, 2)
    assert answers.satisfied_items == answers.counted_items == len(q.items)
    critical = {**same, **{i.id: str(min(i.scale.satisfied)) for i in q.items if 0 not in i.scale.satisfied}}
    burden = next(i for i in q.items if i.topic == "课业负担")
    critical[burden.id] = "0"  # 满意 everywhere but the burden is too heavy: honest, not straight-lined
    answers, _ = check_answers(q, critical)
    assert not straight_lined(q, answers, 6, 2)


def test_one_contradiction_is_an_opinion_two_are_straight_lining():
    q = parse(default_text("society"))
    top = {i.id: "0" for i in q.items}  # 满意 … and S06 “存在”, S07 “过重”: two contradictions
    answers, _ = check_answers(q, top)
    assert straight_lined(q, answers, 6, 2)
    second = {i.id: "1" for i in q.items}  # 比较满意 … S06 “不存在” (满意), S07 “偏重”: one only
    answers, _ = check_answers(q, second)
    assert not straight_lined(q, answers, 6, 2) and straight_lined(q, answers, 6, 1)


def test_answers_must_be_complete_and_within_the_options():
    q = parse(default_text("society"))
    raw = {i.id: "1" for i in q.items}
    raw["S03"] = "9"
    del raw["S05"]
    answers, missing = check_answers(q, raw)
    assert answers is None and missing == ["第 3 题", "第 5 题"]


@pytest.mark.parametrize(("change", "message"), [
    (lambda t: t.replace("overall: S12", "overall: S99"), "overall"),
    (lambda t: t.replace("scale: burden", "scale: heavy", 1), "选项组“heavy”未在 scales 中定义"),
    (lambda t: t.replace("satisfied: [适中, 较轻]", "satisfied: [适中, 很轻]"), "“很轻”不是该组的选项"),
    (lambda t: t.replace("id: S02", "id: S01"), "重复"),
    (lambda t: "items: [", "YAML"),
    (lambda t: t.replace("id: society", "id: staff"), "应为“society”"),
])
def test_bad_questionnaire_text_is_refused_in_chinese(change, message):
    with pytest.raises(QuestionnaireError, match=message):
        parse(change(default_text("society")), "society")


def test_rates_and_table_vi_are_exact():
    q = parse(default_text("society"))
    questionnaires = {"society": q}
    top = {i.id: min(i.scale.satisfied) for i in q.items}
    low = {i.id: 4 if len(i.scale.options) > 4 else 0 for i in q.items}
    valid = [Valid("parent", "城区", "A", 3, "society", top, True)] * 17 + \
            [Valid("public", "乡村", None, None, "society", low, False)] * 3
    summary = summarise(valid, questionnaires)
    assert summary.overall.rate == Fraction(17, 20)
    assert summary.groups["parent"].rate == 1 and summary.groups["public"].rate == 0
    assert summary.items[("society", "S06")].rate == Fraction(17, 20)
    table = TableVI(received=23, valid=20, satisfied=17, visited=10, visit_satisfied=9, method="pooled")
    assert table.questionnaire_rate == 85  # exactly 85: meets "85% 以上"
    assert table.combined_rate == Fraction(100 * 26, 30)
    assert percent(table.combined_rate) == "86.67%"
    assert TableVI(23, 20, 17, 10, 9, "questionnaire").combined_rate == 85
