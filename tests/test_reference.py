"""The engine against a plain reference: the standard's formulas written out with exact fractions.

Random counties of every school type that spans 学段, with resources drawn close to the standards
(where binary floating point would flip a verdict), must give the same values, verdicts and CVs.
"""

from __future__ import annotations

import math
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from junheng.evaluate import evaluate
from junheng.frames import dataset
from junheng.standards import load_standard

STANDARD = load_standard("youzhi-2017")
P = STANDARD.at(2024)
WEIGHTS = {"primary": Fraction(1), "junior": Fraction(11, 10), "senior": Fraction(132, 100)}
TYPES = {"小学": ("primary",), "初中": ("junior",), "九年一贯制学校": ("primary", "junior"),
         "完全中学": ("junior", "senior"), "十二年一贯制学校": ("primary", "junior", "senior")}


def reference(schools: list[dict]) -> tuple[dict, dict]:
    """Per unit (code, stage): values, met, floor_met, compliant; per stage: the weighted CV of each indicator."""
    units = {}
    for s in schools:
        stages = TYPES[s["school_type"]]
        weighted = sum(WEIGHTS[k] * s[f"{k}_students"] for k in stages)
        for stage in ("primary", "junior"):
            if stage not in stages:
                continue
            pupils = s[f"{stage}_students"]
            share = WEIGHTS[stage] * pupils / weighted
            facility = {"L4": Fraction(str(s["teaching_area"])),
                        "L5": Fraction(str(s["sports_field_area"])) + Fraction(str(s["indoor_sports_area"])),
                        "L6": Fraction(str(s["equipment_value"])), "L7": 100 * Fraction(s["multimedia_rooms"])}
            values = {
                "L1": Fraction(100 * s[f"{stage}_teachers_above_degree"], pupils),
                "L2": Fraction(100 * s[f"{stage}_key_teachers"], pupils),
                "L3": Fraction(100 * s[f"{stage}_pe_arts_teachers"], pupils),
                **{k: v * share / pupils for k, v in facility.items()},
            }
            met = {k: v >= P[f"{k}.standard.{stage}"] for k, v in values.items()}
            floor = {k: v >= P["unit.floor_ratio"] * P[f"{k}.standard.{stage}"] for k, v in values.items()}
            # the smallest whole additions that reach the standard: to the unit's own resource, and to the
            # whole school's (of which the unit gets its share)
            per = {"L1": 100, "L2": 100, "L3": 100, "L4": 1, "L5": 1, "L6": 1, "L7": 100}
            own = {k: v * pupils / per[k] for k, v in values.items()}
            gaps = {k: (max(0, math.ceil(P[f"{k}.standard.{stage}"] * pupils / per[k] - own[k])),
                        max(0, math.ceil(P[f"{k}.standard.{stage}"] * pupils / per[k] / share - own[k] / share))
                        if k in facility else None) for k in values if not met[k]}
            units[(s["school_code"], stage)] = {"values": values, "met": met, "floor": floor, "pupils": pupils,
                                                "compliant": sum(met.values()) >= 6 and all(floor.values()),
                                                "gaps": gaps}
    cvs = {}
    for stage in ("primary", "junior"):
        group = [u for (_, st_), u in units.items() if st_ == stage]
        if not group:
            continue
        total = sum(u["pupils"] for u in group)
        for ind in ("L1", "L2", "L3", "L4", "L5", "L6", "L7"):
            mean = sum(u["pupils"] * u["values"][ind] for u in group) / total
            variance = sum(Fraction(u["pupils"], total) * (u["values"][ind] - mean) ** 2 for u in group)
            cvs[(stage, ind)] = math.sqrt(variance / mean**2) if mean else None
    return units, cvs


def near(target: Fraction, scale: int, draw) -> int:
    """A whole amount at, just below or just above ``target`` (the boundaries that matter)."""
    return max(0, math.ceil(target * scale) + draw(st.integers(-2, 2))) if draw(st.booleans()) else \
        max(0, int(target * scale * draw(st.sampled_from([Fraction(8, 10), Fraction(9, 10), 1, Fraction(12, 10)]))))


@st.composite
def schools(draw):
    rows = []
    for i in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(list(TYPES)))
        pupils = {k: draw(st.integers(30, 1600)) for k in ("primary", "junior", "senior")}
        row = {"year": 2024, "county_name": "参照县", "school_code": f"S{i}", "school_name": f"学校{i}",
               "school_type": kind, "ownership": "公办", "indoor_sports_area": 0.0}
        weighted = sum(WEIGHTS[k] * pupils[k] for k in TYPES[kind])
        stage = TYPES[kind][0] if TYPES[kind][0] != "senior" else "junior"
        for k in TYPES[kind]:
            row[f"{k}_students"] = pupils[k]
            if k == "senior":
                continue
            n = pupils[k]
            row[f"{k}_classes"] = max(1, n // 45)
            above = near(P[f"L1.standard.{k}"] * n / 100, 1, draw)
            key = near(P[f"L2.standard.{k}"] * n / 100, 1, draw)
            pe = near(P[f"L3.standard.{k}"] * n / 100, 1, draw)
            row[f"{k}_teachers"] = max(above, key, pe, 1)
            row[f"{k}_teachers_above_degree"], row[f"{k}_key_teachers"], row[f"{k}_pe_arts_teachers"] = above, key, pe
        # facilities sized on the first 学段's standard for the whole weighted enrolment, in 0.01 steps
        row["teaching_area"] = near(P[f"L4.standard.{stage}"] * weighted, 100, draw) / 100
        row["sports_field_area"] = near(P[f"L5.standard.{stage}"] * weighted, 100, draw) / 100
        row["equipment_value"] = float(near(P[f"L6.standard.{stage}"] * weighted, 1, draw))
        row["multimedia_rooms"] = near(P[f"L7.standard.{stage}"] * weighted / 100, 1, draw)
        rows.append(row)
    return rows


@settings(max_examples=60, deadline=None)
@given(schools())
def test_engine_matches_the_exact_reference(rows):
    units, cvs = reference(rows)
    result = evaluate(dataset(rows), STANDARD).to_dict()
    assert len(result["units"]) == len(units)
    for unit in result["units"]:
        expected = units[(unit["school_code"], unit["stage"])]
        for ind, value in expected["values"].items():
            got = unit["indicators"][ind]
            assert math.isclose(got["value"], float(value), rel_tol=1e-12, abs_tol=1e-12)
            assert got["met"] == expected["met"][ind], (unit["school_code"], unit["stage"], ind, value)
            assert got["floor_met"] == expected["floor"][ind], (unit["school_code"], unit["stage"], ind, value)
        assert unit["compliant"] == expected["compliant"]
    shortfalls = {(p["school_code"], p["stage"], p["item"]): (p["shortfall"], p["school_shortfall"])
                  for p in result["problems"] if p["kind"] in ("below_standard", "below_floor")}
    expected_gaps = {(code, stage, ind): (unit_gap, unit_gap if school_gap is None else school_gap)
                     for (code, stage), u in units.items() for ind, (unit_gap, school_gap) in u["gaps"].items()}
    assert shortfalls == expected_gaps
    for (stage, ind), cv in cvs.items():
        got = result["counties"][0]["stages"][stage]["indicators"][ind]["cv"]
        assert (got is None) == (cv is None)
        if cv is not None:
            assert math.isclose(got, cv, rel_tol=1e-9, abs_tol=1e-12)


# ── the four outcomes (standard.md §1.4): per-school G4 G5 Q4 and the county items with a zero subject ──

OUTCOME_TYPES = {"小学": ("primary",), "初中": ("junior",), "九年一贯制学校": ("primary", "junior"), "教学点": ("primary",),
                 "完全中学": ("junior", "senior"), "特殊教育学校": ()}
G_SCOPE = {"小学", "初中", "九年一贯制学校", "十二年一贯制学校", "完全中学", "教学点"}  # 所有小学、初中 (教学点 included)


def combine(statuses) -> str:
    statuses = set(statuses)
    for status in ("not_met", "not_assessed", "met"):
        if status in statuses:
            return status
    return "not_applicable"


def school_reference(s: dict) -> dict:
    """The statuses the standard's words give one school: G4, G5 (per 学段) and Q4."""
    stages = [k for k in OUTCOME_TYPES[s["school_type"]] if k != "senior"]
    out = {}
    if s["school_type"] in G_SCOPE:
        pupils = sum(s.get(f"{k}_students") or 0 for k in stages)
        limit = 2500 if s["school_type"] == "九年一贯制学校" else 2000
        out["G4"] = "not_applicable" if pupils == 0 else "met" if pupils <= limit else "not_met"
        per_stage = []
        for k in stages:
            size = s.get(f"{k}_max_class_size")
            per_stage.append("not_applicable" if not s.get(f"{k}_students") else "not_assessed" if size is None
                             else "met" if size <= {"primary": 45, "junior": 50}[k] else "not_met")
        out["G5"] = combine(per_stage)
    out["Q4"] = "met" if 100 * Fraction(str(s["training_funds"])) >= 5 * Fraction(str(s["public_funds_budget"])) \
        else "not_met"
    return out


@st.composite
def outcome_county(draw):
    rows = []
    for i in range(draw(st.integers(1, 5))):
        kind = draw(st.sampled_from(list(OUTCOME_TYPES)))
        row = {"year": 2024, "county_name": "四态县", "school_code": f"S{i}", "school_name": f"学校{i}", "school_type": kind,
               "ownership": draw(st.sampled_from(["公办", "民办"])), "area_type": "城区", "teaching_area": 5000.0,
               "sports_field_area": 8000.0, "equipment_value": 2_500_000.0, "multimedia_rooms": 30,
               "public_funds_budget": float(draw(st.integers(1, 100)) * 10_000),
               "training_funds": float(draw(st.integers(0, 10_000)))}
        row["training_funds"] = float(row["public_funds_budget"] * draw(st.sampled_from([4, 5, 6])) / 100
                                      + draw(st.sampled_from([-1, 0, 1])))
        for k in OUTCOME_TYPES[kind]:
            pupils = draw(st.sampled_from([0, 30, 49, 800, 2000, 2001, 2600])) if kind != "特殊教育学校" else 0
            if k == OUTCOME_TYPES[kind][0] and pupils == 0:
                pupils = 49  # a school has pupils in its first 学段
            row[f"{k}_students"] = pupils
            if k == "senior":
                continue
            row[f"{k}_classes"] = max(1, pupils // 40) if pupils else 0
            row[f"{k}_max_class_size"] = draw(st.sampled_from([None, 44, 45, 46, 50, 51])) if pupils or draw(
                st.booleans()) else None
            for part in ("teachers", "teachers_above_degree", "key_teachers", "pe_arts_teachers"):
                row[f"{k}_{part}"] = max(1, pupils // 10) if pupils else 0
        if kind == "特殊教育学校":
            row["primary_students"] = 60
        rows.append(row)
    county = {"year": 2024, "county_name": "四态县"}
    students = draw(st.sampled_from([0, 7]))
    county.update(special_school_students=students,
                  special_school_funds=float(6000 * students + draw(st.sampled_from([-1, 0, 1])) * bool(students)),
                  exchange_eligible=draw(st.sampled_from([0, 100])), quality_hs_plan=draw(st.sampled_from([0, 1000])),
                  migrant_eligible=draw(st.sampled_from([0, 1000])))
    county.update(exchanged=county["exchange_eligible"] // 10 + draw(st.sampled_from([-1, 0])) * bool(county["exchange_eligible"]),
                  quality_hs_allocated=county["quality_hs_plan"] // 2, migrant_public=county["migrant_eligible"] * 85 // 100,
                  migrant_purchased=0)
    county["exchanged_key"] = county["exchanged"] // 5
    return rows, county


@settings(max_examples=60, deadline=None)
@given(outcome_county())
def test_four_outcomes_match_the_standards_words(drawn):
    rows, county = drawn
    result = evaluate(dataset(rows, county=[county]), STANDARD).to_dict()
    checks = {s["school_code"]: s["checks"] for s in result["schools"]}
    expected_schools = {row["school_code"]: school_reference(row) for row in rows}
    for code, expected in expected_schools.items():
        for item, status in expected.items():
            assert checks[code][item]["status"] == status, (code, item, rows)
            assert checks[code][item]["pass"] == {"met": True, "not_applicable": True, "not_met": False}.get(status)
    items = result["counties"][0]["areas"]["government"]["items"]
    for item in ("G4", "G5"):
        assert items[item]["status"] == combine(e[item] for e in expected_schools.values() if item in e)
    assert result["counties"][0]["areas"]["quality"]["items"]["Q4"]["status"] == combine(
        e["Q4"] for e in expected_schools.values())
    funds, pupils = Fraction(str(county["special_school_funds"])), county["special_school_students"]
    assert items["G7"]["status"] == ("not_applicable" if pupils == 0 else "met" if funds >= 6000 * pupils else "not_met")
    exchange = ("not_applicable" if county["exchange_eligible"] == 0
                else "met" if 10 * county["exchanged"] >= county["exchange_eligible"] else "not_met")
    key = ("not_applicable" if county["exchanged"] == 0
           else "met" if 5 * county["exchanged_key"] >= county["exchanged"] else "not_met")
    assert items["G11"]["status"] == combine([exchange, key])
    assert items["G14"]["status"] == ("not_applicable" if county["quality_hs_plan"] == 0 else "met")
    assert items["G15"]["status"] == ("not_applicable" if county["migrant_eligible"] == 0 else "met")
    # not applicable never blocks and is never counted as not assessed
    for item in items.values():
        assert (item["pass"] is True) == (item["status"] in ("met", "not_applicable"))
        assert (item["pass"] is None) == (item["status"] == "not_assessed")
    area = result["counties"][0]["areas"]["government"]
    assert area["status"] == combine(i["status"] for i in items.values())
