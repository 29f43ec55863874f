"""The benchmarks' synthetic national data at test size (benchmarks/generate.py, fixed seed)."""

from __future__ import annotations

import sys
from pathlib import Path

BENCHMARKS = Path(__file__).parent.parent / "benchmarks"


def generated_dataset(n_schools: int, n_counties: int):
    sys.path.insert(0, str(BENCHMARKS))
    try:
        import generate
    finally:
        sys.path.remove(str(BENCHMARKS))
    return generate.national_dataset(n_schools, n_counties, generate.SEED)
