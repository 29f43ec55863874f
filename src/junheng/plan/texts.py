"""The Chinese wording of every plan action, in the terms a bureau writes its 整改方案 in."""

from __future__ import annotations

from junheng.plan.levers import kind_text
from junheng.schema import STAGE_ZH


def amount(value: float, unit: str) -> str:
    number = f"{value:,.0f}" if unit == "元" else f"{value:g}"
    return f"{number} {unit}"


def recruit(stage: str, kind: str, n: int) -> str:
    if kind == "pe":
        return f"招聘{STAGE_ZH[stage]}体育、艺术（音乐、美术）专任教师 {n} 人"
    return f"招聘{kind_text('deg', stage)} {n} 人"


def transfer_in(stage: str, kind: str, n: int, donor: str) -> str:
    return f"从{donor}调入{kind_text(kind, stage)} {n} 人（{donor}仍达标）"


def transfer_out(stage: str, kind: str, n: int, receiver: str) -> str:
    return f"向{receiver}调出{kind_text(kind, stage)} {n} 人（本校仍达标）"


def train(stage: str, n: int, years: int) -> str:
    return f"培养{STAGE_ZH[stage]}县级及以上骨干教师 {n} 人（培养周期 {years} 年）"


FACILITY = {
    "area_build": "新建教学及辅助用房 {n} ㎡",
    "area_convert": "改造闲置用房为教学及辅助用房 {n} ㎡",
    "hall": "新建室内体育用房（体育馆）{n} ㎡（同时计入教学及辅助用房）",
    "field": "新建运动场地 {n} ㎡",
    "field_convert": "改造闲置场地为运动场地 {n} ㎡",
    "equip": "购置教学仪器设备 {money} 元",
    "mm": "配备网络多媒体教室 {n} 间",
}


def facility(key: str, n: int) -> str:
    return FACILITY[key].format(n=n, money=f"{n:,}")


def room(kind: str, how: str, n: int, area: float) -> str:
    if how == "convert":
        return f"改造普通教室 {n} 间为{kind}专用教室"
    return f"新建{kind}专用教室 {n} 间（每间 {area:g} ㎡）"


def add_class(stage: str, k: int, limit: int) -> str:
    return f"增设{STAGE_ZH[stage]}教学班 {k} 个，化解大班额（班额不超过 {limit} 人）"


def pupils_in(stage: str, n: int, donor: str) -> str:
    return f"接收{donor}分流的{STAGE_ZH[stage]}学生 {n} 人"


def pupils_out(stage: str, n: int, receiver: str) -> str:
    return f"分流{STAGE_ZH[stage]}学生 {n} 人至{receiver}（片区内，化解超规模）"


def training_funds(n: int, share: float) -> str:
    return f"增加教师培训经费 {n:,} 元（达到公用经费预算的 {share:g}%）"
