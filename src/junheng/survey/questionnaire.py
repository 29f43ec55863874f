"""The three questionnaires as data, and what one set of answers means.

A questionnaire is YAML (``questionnaires/*.yaml``; the bureau edits its year's copy): scales with
their options and which options count as 满意 (认可), items with a topic, and the overall item that
decides whether the whole questionnaire counts as a 满意问卷 (表Ⅵ). Options listed under
``not_counted`` (不清楚) leave the item out of that item's rate.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from junheng.digits import ascii_int

HERE = Path(__file__).with_name("questionnaires")
QUESTIONNAIRE_IDS = ("society", "staff", "student")
QUESTIONNAIRE_ZH = {"society": "社会卷", "staff": "校长教师卷", "student": "学生卷"}
MAX_ITEMS = 60
MAX_OPTIONS = 10


class QuestionnaireError(ValueError):
    """The questionnaire text is wrong; the message is Chinese and names the place."""


@dataclass(frozen=True)
class Scale:
    options: tuple[str, ...]
    satisfied: frozenset[int]  # option positions that count as 满意
    not_counted: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Item:
    id: str
    text: str
    topic: str
    scale: Scale

    def counts(self, position: int) -> bool:
        return position not in self.scale.not_counted

    def satisfied(self, position: int) -> bool:
        return position in self.scale.satisfied


@dataclass(frozen=True)
class Questionnaire:
    id: str
    name: str
    title: str
    intro: str
    grade_question: str
    items: tuple[Item, ...]
    overall: str

    def item(self, item_id: str) -> Item:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)


def default_text(questionnaire_id: str) -> str:
    return (HERE / f"{questionnaire_id}.yaml").read_text(encoding="utf-8")


def _text(value, where: str, limit: int = 300) -> str:
    if not isinstance(value, str | int | float) or isinstance(value, bool) or not str(value).strip():
        raise QuestionnaireError(f"{where}不能为空")
    text = str(value).strip()
    if len(text) > limit:
        raise QuestionnaireError(f"{where}过长（最多 {limit} 字）")
    return text


def _scale(name: str, spec) -> Scale:
    where = f"选项组“{name}”"
    if not isinstance(spec, dict) or not isinstance(spec.get("options"), list):
        raise QuestionnaireError(f"{where}须写明 options（选项列表）")
    options = tuple(_text(o, f"{where}的选项", 40) for o in spec["options"])
    if not 2 <= len(options) <= MAX_OPTIONS or len(set(options)) != len(options):
        raise QuestionnaireError(f"{where}须有 2 至 {MAX_OPTIONS} 个互不相同的选项")

    def positions(key: str) -> frozenset[int]:
        chosen = spec.get(key) or []
        if not isinstance(chosen, list):
            raise QuestionnaireError(f"{where}的 {key} 须为选项列表")
        unknown = [str(o) for o in chosen if str(o) not in options]
        if unknown:
            raise QuestionnaireError(f"{where}的 {key} 中“{'、'.join(unknown)}”不是该组的选项")
        return frozenset(options.index(str(o)) for o in chosen)

    satisfied, not_counted = positions("satisfied"), positions("not_counted")
    if not satisfied:
        raise QuestionnaireError(f"{where}须用 satisfied 写明哪些选项计为满意")
    if satisfied & not_counted or len(satisfied | not_counted) == len(options):
        raise QuestionnaireError(f"{where}须至少有一个不计为满意的选项，且满意选项不能同时不计入")
    return Scale(options, satisfied, not_counted)


@lru_cache(maxsize=64)
def parse(text: str, expected_id: str | None = None) -> Questionnaire:
    """Read and check a questionnaire's YAML text; every fault is a Chinese message. The result is
    immutable and kept per text, so that answering does not re-read YAML on every request."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise QuestionnaireError(f"问卷不是有效的 YAML（{exc}）") from None
    if not isinstance(data, dict):
        raise QuestionnaireError("问卷内容应为键值映射（id、name、scales、items、overall）")
    qid = str(data.get("id") or "")
    if expected_id and qid != expected_id:
        raise QuestionnaireError(f"问卷 id 应为“{expected_id}”，实际为“{qid}”")
    if qid not in QUESTIONNAIRE_IDS:
        raise QuestionnaireError(f"问卷 id 须为 {'、'.join(QUESTIONNAIRE_IDS)} 之一")
    scales_spec = data.get("scales")
    if not isinstance(scales_spec, dict) or not scales_spec:
        raise QuestionnaireError("问卷须有 scales（选项组）")
    scales = {str(k): _scale(str(k), v) for k, v in scales_spec.items()}
    items_spec = data.get("items")
    if not isinstance(items_spec, list) or not items_spec:
        raise QuestionnaireError("问卷须有 items（题目列表）")
    if len(items_spec) > MAX_ITEMS:
        raise QuestionnaireError(f"问卷最多 {MAX_ITEMS} 题")
    items, seen = [], set()
    for n, spec in enumerate(items_spec, start=1):
        if not isinstance(spec, dict):
            raise QuestionnaireError(f"第 {n} 题须写明 id、text、scale")
        item_id = _text(spec.get("id"), f"第 {n} 题的 id", 20)
        if item_id in seen:
            raise QuestionnaireError(f"题目 id “{item_id}”重复")
        seen.add(item_id)
        scale = str(spec.get("scale") or "")
        if scale not in scales:
            raise QuestionnaireError(f"题目 {item_id} 的选项组“{scale}”未在 scales 中定义")
        items.append(Item(item_id, _text(spec.get("text"), f"题目 {item_id} 的题干"),
                          _text(spec.get("topic") or "其他", f"题目 {item_id} 的方面", 20), scales[scale]))
    overall = str(data.get("overall") or "")
    if overall not in seen:
        raise QuestionnaireError("须用 overall 指定总体评价题（决定该份问卷是否计为满意问卷）")
    return Questionnaire(qid, _text(data.get("name"), "问卷名称", 30), _text(data.get("title"), "问卷标题", 80),
                         str(data.get("intro") or "").strip()[:300], str(data.get("grade_question") or "").strip()[:80],
                         tuple(items), overall)


@dataclass(frozen=True)
class Answers:
    """One respondent's checked answers: option position per item."""

    positions: dict[str, int]
    satisfied: bool  # the overall item counts as 满意
    satisfied_items: int
    counted_items: int


def check_answers(q: Questionnaire, raw: dict[str, str]) -> tuple[Answers | None, list[str]]:
    """Every item answered with one of its options; returns the answers or the unanswered items."""
    positions, missing = {}, []
    for n, item in enumerate(q.items, start=1):
        value = raw.get(item.id, "")
        position = ascii_int(value)
        if position is None or position >= len(item.scale.options):
            missing.append(f"第 {n} 题")
            continue
        positions[item.id] = position
    if missing:
        return None, missing
    counted = [i for i in q.items if i.counts(positions[i.id])]
    return Answers(positions, q.item(q.overall).satisfied(positions[q.overall]),
                   sum(1 for i in counted if i.satisfied(positions[i.id])), len(counted)), []


def straight_lined(q: Questionnaire, answers: Answers, min_items: int, min_contradictions: int) -> bool:
    """The same option position on every item although that contradicts itself: at least
    ``min_contradictions`` items where that position means the opposite (满意 / 不满意) of what it
    means on most items — a respondent who did not read the questions. A critical but honest
    answer (满意 everywhere, 课业负担“过重”) differs on one item only and is kept."""
    if len(q.items) < min_items or len(set(answers.positions.values())) != 1:
        return False
    verdicts = [i.satisfied(answers.positions[i.id]) for i in q.items if i.counts(answers.positions[i.id])]
    return min(verdicts.count(True), verdicts.count(False)) >= min_contradictions
