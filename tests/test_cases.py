"""YAML test cases (tests/cases/*.yaml): data in, expected figures out, with error margins."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from junheng.evaluate import evaluate
from junheng.frames import dataset
from junheng.standards import load_standard

CASES = Path(__file__).parent / "cases"
_SELECTOR = re.compile(r"^(?P<key>[^\[]*)(?:\[(?P<filter>[^\]]*)\])?$")


def _load_cases():
    for path in sorted(CASES.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8")):
            yield pytest.param(case, id=f"{path.stem}: {case['name']}")


def _segments(path: str) -> list[str]:
    return re.findall(r"[^.\[]+(?:\[[^\]]*\])?|\[[^\]]*\]", path)


def resolve(data, path: str):
    """Follow ``a.0.b[k=v,k2=v2].c`` into nested dicts and lists; ``[=text]`` finds a string."""
    current = data
    for segment in _segments(path):
        m = _SELECTOR.match(segment)
        key, wanted = m.group("key"), m.group("filter")
        if key:
            current = current[int(key)] if isinstance(current, list) else current[key]
        if wanted is not None:
            if wanted.startswith("="):
                matches = [x for x in current if x == wanted[1:]]
            else:
                pairs = [p.split("=", 1) for p in wanted.split(",")]
                matches = [x for x in current if all(str(x.get(k)) == v for k, v in pairs)]
            assert len(matches) == 1, f"{path}: {len(matches)} matches for [{wanted}]"
            current = matches[0]
    return current


def _rows(rows, defaults):
    return [{**defaults, **row} for row in rows]


@pytest.mark.parametrize("case", _load_cases())
def test_case(case, tmp_path):
    profile = None
    if "profile" in case:
        profile = tmp_path / "profile.yaml"
        profile.write_text(yaml.safe_dump(case["profile"], allow_unicode=True), encoding="utf-8")
    standard = load_standard(case["standard"], profile)
    ds = dataset(_rows(case["schools"], case.get("defaults", {})), rooms=case.get("rooms"), county=case.get("county"),
                 monitoring=case.get("monitoring"))
    result = evaluate(ds, standard).to_dict()
    for path, expected in case["expect"].items():
        actual = resolve(result, path)
        if isinstance(expected, list) and len(expected) == 2 and all(isinstance(x, int | float) for x in expected):
            value, margin = expected
            assert actual == pytest.approx(value, abs=margin), path
        elif isinstance(expected, float | int) and not isinstance(expected, bool) and isinstance(actual, float):
            assert actual == pytest.approx(expected, abs=1e-9), path
        else:
            assert actual == expected, path
