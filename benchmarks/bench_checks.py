"""Benchmark of the year-on-year checks (``junheng check --last``, the reviewers' cross-checks):
a province of 15,000 schools against its previous year.

Last year is the national generator's province (fixed seed); this year is the same schools with
every 7th school's enrolment up a tenth, every 50th school's 教学及辅助用房 down to 40% and every
97th school's equipment value exactly +50% (at the threshold, not flagged). The figure is the
screened check (floats, exact only near a threshold); the baseline measured in the same run is the
exact test of every value (``screened=False``, the arithmetic of the check before the screen). Both
must give the same flags; best and worst of ``--repeat`` runs are printed (the machine is shared).

    python benchmarks/bench_checks.py [--schools 15000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).parent))

from generate import national_dataset  # noqa: E402

from junheng.monitoring import load_check_parameters, year_on_year  # noqa: E402


def timed(repeat: int, run) -> tuple[list[float], list]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return times, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--schools", type=int, default=15_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    last = national_dataset(args.schools, max(1, args.schools // 125), seed=7).schools
    row = pl.int_range(pl.len())
    this = last.with_columns(
        pl.col("year") + 1,
        pl.when(row % 7 == 0).then(pl.col("primary_students") * 11 // 10).otherwise(pl.col("primary_students"))
        .alias("primary_students"),
        pl.when(row % 50 == 0).then(pl.col("teaching_area") * 0.4).otherwise(pl.col("teaching_area")).alias("teaching_area"),
        pl.when(row % 97 == 0).then(pl.col("equipment_value") * 1.5).otherwise(pl.col("equipment_value"))
        .alias("equipment_value"))
    params = load_check_parameters(int(this["year"].max()))
    fast, flags = timed(args.repeat, lambda: year_on_year(this, last, params))
    exact, reference = timed(max(1, args.repeat // 2), lambda: year_on_year(this, last, params, screened=False))
    assert flags == reference, "the screen and the exact test disagree"
    print(f"{this.height:,} schools against last year, {len(flags)} flags (identical on both paths)")
    print(f"  exact test of every value (baseline): best {min(exact) * 1000:.0f} ms, worst {max(exact) * 1000:.0f} ms")
    print(f"  screened: best {min(fast) * 1000:.0f} ms, worst {max(fast) * 1000:.0f} ms "
          f"= {min(exact) / min(fast):.0f}× faster")


if __name__ == "__main__":
    main()
