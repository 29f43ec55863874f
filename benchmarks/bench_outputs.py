"""National-scale outputs: ``evaluate --json`` and ``evaluate --tables`` against ``evaluate`` alone.

Generates ``benchmarks/data/national`` (210,000 schools, 2,850 counties) if it is absent, then runs
as whole processes: ``junheng evaluate DATA`` (the baseline: read, check, evaluate, print the
summary), the same with ``--json FILE``, with ``--tables DIR`` (CSV with BOM) and with
``--tables DIR --tables-format parquet``. The cases take turns, ``--runs`` rounds, so a busy spell
on a shared machine slows all of them alike. Prints for each the best wall-clock time and the
spread (median and slowest), its ratio to the baseline, the best CPU time (user + system, the
steadier figure on a shared machine) and its ratio, and the child's peak resident memory.
Exits 1 when an output takes more than 3× the baseline (by both measures) or 2 GB.

    python benchmarks/bench_outputs.py [--data DIR] [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_evaluate import DEFAULT_DATA, HERE, MAX_MEMORY, junheng_command, run_once

MAX_RATIO = 3.0
WIDTHS = (30, 9, 18, 9, 10, 9, 15)


def _row(*cells: str) -> str:
    from junheng.io.xlsx import text_width

    return "".join(" " * (w - int(text_width(c))) + c if i else c + " " * (w - int(text_width(c)))
                   for i, (c, w) in enumerate(zip(cells, WIDTHS, strict=True)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="全国规模输出基准：--json、--tables 对比单纯测算")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    if not (args.data / "schools.csv").exists():
        subprocess.run([sys.executable, str(HERE / "generate.py"), "--out", str(args.data)], check=True)

    mib = 1024**2
    with tempfile.TemporaryDirectory(prefix="junheng-bench-") as out:
        evaluate = [*junheng_command(), "evaluate", str(args.data)]
        cases = {
            "evaluate（基线）": evaluate,
            "evaluate --json": [*evaluate, "--json", f"{out}/e.json"],
            "evaluate --tables（csv）": [*evaluate, "--tables", f"{out}/csv"],
            "evaluate --tables（parquet）": [*evaluate, "--tables", f"{out}/pq", "--tables-format", "parquet"],
        }
        runs: dict[str, list[tuple[float, int, float]]] = {name: [] for name in cases}
        for _ in range(args.runs):  # the cases take turns, so a busy spell slows all of them alike
            for name, command in cases.items():
                runs[name].append(run_once(command))
        json_size = Path(f"{out}/e.json").stat().st_size
    base = min(wall for wall, _, _ in runs["evaluate（基线）"])
    base_cpu = min(cpu for _, _, cpu in runs["evaluate（基线）"])
    print(f"数据：{args.data}（每项 {args.runs} 次轮流运行，取最快一次，另列中位数与最慢；内存为子进程峰值 RSS；"
          "机器繁忙时以 CPU 时间之比为准）")
    print(_row("", "秒", "中位/最慢", "倍数", "CPU 秒", "CPU 倍数", "峰值内存(MiB)"))
    failed = False
    for name, measured in runs.items():
        walls = sorted(wall for wall, _, _ in measured)
        seconds, cpu, memory = walls[0], min(c for _, _, c in measured), max(m for _, m, _ in measured)
        ratio, cpu_ratio = seconds / base, cpu / base_cpu
        over = name != "evaluate（基线）" and (min(ratio, cpu_ratio) > MAX_RATIO or memory > MAX_MEMORY)
        failed |= over
        print(_row(name, f"{seconds:.2f}", f"{statistics.median(walls):.2f}/{walls[-1]:.2f}", f"{ratio:.2f}×",
                   f"{cpu:.2f}", f"{cpu_ratio:.2f}×", f"{memory / mib:.0f}") + ("  超出目标" if over else ""))
    print(f"目标：输出耗时不超过基线的 {MAX_RATIO:g} 倍，峰值内存不超过 {MAX_MEMORY / mib:.0f} MiB；JSON 文件 {json_size / mib:.0f} MiB")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
