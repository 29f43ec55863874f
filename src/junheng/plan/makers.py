"""Constructors of the plan's actions, shared by the optimal and the naive plan."""

from __future__ import annotations

import math

from junheng.plan import texts
from junheng.plan.actions import Action
from junheng.plan.costs import Costs
from junheng.plan.levers import kind_fields

# school lever key → (fields it adds to, price key, design lever)
FACILITIES = {
    "area_build": (("teaching_area",), "build.teaching_area", "build"),
    "area_convert": (("teaching_area",), "convert.teaching_area", "convert"),
    "hall": (("teaching_area", "indoor_sports_area"), "build.indoor_sports", "build"),
    "field": (("sports_field_area",), "build.sports_field", "build"),
    "field_convert": (("sports_field_area",), "convert.sports_field", "convert"),
    "equip": (("equipment_value",), "equip", "equip"),
    "mm": (("multimedia_rooms",), "multimedia_room", "equip"),
}
KIND_FIELD_NAME = {"deg": "teachers_above_degree", "pe": "pe_arts_teachers", "key": "key_teachers"}


def teacher_changes(code: str, stage: str, kind: str, n: int, certified: dict[str, bool]) -> list[tuple]:
    """A teacher of ``kind`` counts in the stage's 专任教师数, in L1 and in its kind; a certified
    school stays fully counted in 持证 (a new or moved teacher holds the certificate)."""
    changes = [(code, f"{stage}_teachers", n)] + [(code, f, n) for f in kind_fields(kind, stage)]
    if certified.get(code):
        changes.append((code, "certified_teachers", n))
    return changes


def recruit(code: str, name: str, county: str, stage: str, kind: str, n: int, costs: Costs,
            certified: dict[str, bool]) -> Action:
    price = costs.f("recruit.pe_arts" if kind == "pe" else "recruit.teacher")
    return Action("recruit", code, name, county, stage, f"{stage}_{KIND_FIELD_NAME[kind]}", n, n * price,
                  texts.recruit(stage, kind, n), changes=teacher_changes(code, stage, kind, n, certified))


def train(code: str, name: str, county: str, stage: str, n: int, costs: Costs) -> Action:
    years = int(costs["train_key.years"])
    return Action("train", code, name, county, stage, f"{stage}_key_teachers", n, n * costs.f("train_key"),
                  texts.train(stage, n, years), year=years, changes=[(code, f"{stage}_key_teachers", n)])


def transfer(receiver: tuple[str, str], donor: tuple[str, str], county: str, stage: str, kind: str, n: int,
             costs: Costs, certified: dict[str, bool]) -> Action:
    changes = teacher_changes(receiver[0], stage, kind, n, certified) + [
        (code, f, -delta) for code, f, delta in teacher_changes(donor[0], stage, kind, n, certified)]
    return Action("transfer", receiver[0], receiver[1], county, stage, f"{stage}_{KIND_FIELD_NAME[kind]}", n,
                  n * costs.f("transfer"), texts.transfer_in(stage, kind, n, donor[1]), donor[0], donor[1],
                  texts.transfer_out(stage, kind, n, receiver[1]), changes=changes,
                  county=[(county, "exchanged", n)] + ([(county, "exchanged_key", n)] if kind == "key" else []))


def facility(key: str, code: str, name: str, county: str, n: int, costs: Costs) -> Action:
    fields, price, lever = FACILITIES[key]
    return Action(lever, code, name, county, None, fields[-1], n, n * costs.f(price), texts.facility(key, n),
                  changes=[(code, f, n) for f in fields])


def room_price(how: str, area: float, costs: Costs) -> float:
    if how == "convert":
        return costs.f("convert.special_room")
    return costs.f("build.special_room") + math.ceil(area) * costs.f("build.teaching_area")


def room(code: str, name: str, county: str, kind: str, how: str, n: int, area: float, costs: Costs) -> Action:
    """Music or art rooms of the minimum area: converted from spare ordinary rooms, or built (then the
    new floor area also counts as 教学及辅助用房)."""
    whole = math.ceil(area)
    changes = [] if how == "convert" else [(code, "teaching_area", whole * n)]
    return Action("convert" if how == "convert" else "build", code, name, county, None, "rooms", n,
                  n * room_price(how, area, costs), texts.room(kind, how, n, whole), changes=changes,
                  rooms=[(code, kind, whole)] * n)
