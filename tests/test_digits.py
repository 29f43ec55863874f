"""Whole numbers from typed text: Unicode digits that int() refuses are not numbers (not a crash)."""

from junheng.digits import ascii_int
from junheng.survey.questionnaire import check_answers, default_text, parse


def test_ascii_digits_only():
    assert ascii_int("42") == 42
    assert ascii_int(" 7 ") == 7
    assert ascii_int("²") is None  # "²".isdigit() is true, yet int("²") fails
    assert ascii_int("３") is None
    assert ascii_int("") is None
    assert ascii_int(None) is None
    assert ascii_int("-1") is None
    assert ascii_int("1" * 16) is None
    assert ascii_int("1" * 16, max_digits=16) == int("1" * 16)


def test_a_superscript_answer_is_unanswered_not_a_crash():
    q = parse(default_text("society"), "society")
    raw = {item.id: "0" for item in q.items}
    raw[q.items[0].id] = "²"
    answers, missing = check_answers(q, raw)
    assert answers is None and missing == ["第 1 题"]
