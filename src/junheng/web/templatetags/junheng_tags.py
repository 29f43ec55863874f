"""Small display helpers for the templates (formatting only; no figures are computed here)."""

from django import template

from junheng.schema import outcome_zh, verdict_zh

register = template.Library()


@register.filter
def get(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def num(value, digits=2):
    """A figure as published tables print it: 2 decimals (3 for CVs), a dash when missing."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int):
        return str(value)
    try:
        return f"{float(value):.{int(digits)}f}"
    except (TypeError, ValueError):
        return str(value)


@register.filter
def verdict(value):
    return verdict_zh(value)


@register.filter
def outcome(entry):
    """The word for an item or check of the evaluation JSON: 达标 / 未达标 / 未评估 / 不适用."""
    return outcome_zh(entry)


@register.filter
def verdict_css(value):
    return {True: "ok", False: "below", None: "unknown"}.get(value, "unknown")


@register.filter
def figure(value):
    """A problem's figure: whole numbers (people, rooms, ㎡, 元) without decimals, others with two."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return num(value)
