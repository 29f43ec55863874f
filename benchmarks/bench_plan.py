"""Benchmark of the 达标规划 (issue 11): a 300-school county and a 1,500-school county.

Targets: 300 schools with some 40 failing units, an optimal plan (gap ≤ 1%) in under 10 s on 2 cores;
1,500 schools in under 60 s; the saving against the naive plan printed. The counties come from the
national generator (one county each, fixed seed). As a baseline measured in the same run, the time of
one evaluation of the same county is printed with the ratio.

    python benchmarks/bench_plan.py [--sizes 300 1500]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from generate import national_dataset  # noqa: E402

from junheng.evaluate import evaluate  # noqa: E402
from junheng.plan import make_plan  # noqa: E402
from junheng.standards import load_standard  # noqa: E402

TARGETS = {300: 10.0, 1500: 60.0}
SEED = 7


def failing_units(evaluation) -> int:
    county = evaluation.to_dict()["counties"][0]
    return sum(s["units"] - s["units_compliant"] for s in county["stages"].values() if s.get("applicable"))


def run(size: int, years: int) -> dict:
    standard = load_standard("youzhi-2017")
    data = national_dataset(size, 1, seed=SEED)
    start = time.perf_counter()
    before = evaluate(data, standard)
    before.to_dict()
    baseline = time.perf_counter() - start
    start = time.perf_counter()
    plan = make_plan(data, standard, years=years, gap=0.01, time_limit=TARGETS.get(size, 60.0))
    seconds = time.perf_counter() - start
    return {"size": size, "years": years, "units": before.units.height, "failing": failing_units(before),
            "plan": plan, "seconds": seconds, "baseline": baseline}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="达标规划 benchmark")
    parser.add_argument("--sizes", type=int, nargs="*", default=[300, 1500])
    args = parser.parse_args(argv)
    ok = True
    for size in args.sizes:
        for years in (1, 2):
            r = run(size, years)
            plan = r["plan"]
            target = TARGETS.get(size, 60.0)
            line = (f"{size} 所学校（{r['units']} 个评估单元，{r['failing']} 个未达标），{years} 年："
                    f"{plan.status}，{r['seconds']:.1f} s（目标 < {target:g} s；一次测算 {r['baseline']:.2f} s，"
                    f"{r['seconds'] / r['baseline']:.0f}×）")
            if plan.status == "infeasible":
                print(line + f"；不可行：{plan.binding[0]} 等 {len(plan.binding)} 项")
                continue
            print(line + f"；成本 {plan.cost:,.0f} 元，下界 {plan.lower_bound:,.0f} 元，差距 {plan.gap:.2%}；"
                  f"朴素方案 {plan.naive_cost:,.0f} 元{'' if plan.naive_passes else '（未能全部达标）'}，节省 {plan.saving:,.0f} 元（{plan.saving / plan.naive_cost:.1%}）；"
                  f"切平面轮次 {plan.rounds}")
            ok &= r["seconds"] < target and plan.gap <= 0.01
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
