"""Fixtures shared by the face tests: the demo county evaluated once per session."""

from __future__ import annotations

import pytest

from junheng.demo import demo_dataset
from junheng.evaluate import evaluate
from junheng.standards import load_standard


@pytest.fixture(scope="session")
def youzhi():
    """清溪县 2024 under 优质均衡: a county that fails on purpose, with problems of every kind."""
    return evaluate(demo_dataset(), load_standard("youzhi-2017"))
