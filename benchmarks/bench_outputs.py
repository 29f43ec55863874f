"""National-scale outputs: ``evaluate --json`` and ``evaluate --tables`` against ``evaluate`` alone.

Generates ``benchmarks/data/national`` (210,000 schools, 2,850 counties) if it is absent, then runs
as whole processes, each best of ``--runs``: ``junheng evaluate DATA`` (the baseline: read, check,
evaluate, print the summary), the same with ``--json FILE``, with ``--tables DIR`` (CSV with BOM)
and with ``--tables DIR --tables-format parquet``. Prints each time, its ratio to the baseline and
each child's peak resident memory, wall-clock and CPU time (the steadier figure on a shared machine).
Exits 1 when an output takes more than 3× the baseline (by both measures) or 2 GB.

    python benchmarks/bench_outputs.py [--data DIR] [--runs 1]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_evaluate import DEFAULT_DATA, HERE, MAX_MEMORY, junheng_command, measure_cpu

MAX_RATIO = 3.0
WIDTHS = (30, 9, 9, 10, 9, 15)


def _row(*cells: str) -> str:
    from junheng.io.xlsx import text_width

    return "".join(" " * (w - int(text_width(c))) + c if i else c + " " * (w - int(text_width(c)))
                   for i, (c, w) in enumerate(zip(cells, WIDTHS, strict=True)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="全国规模输出基准：--json、--tables 对比单纯测算")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--runs", type=int, default=1)
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
        results = {name: measure_cpu(command, args.runs) for name, command in cases.items()}
        json_size = Path(f"{out}/e.json").stat().st_size
    base, _, base_cpu = results["evaluate（基线）"]
    print(f"数据：{args.data}（每项取 {args.runs} 次中最快一次；内存为子进程峰值 RSS；"
          "机器繁忙时以 CPU 时间之比为准）")
    print(_row("", "秒", "倍数", "CPU 秒", "CPU 倍数", "峰值内存(MiB)"))
    failed = False
    for name, (seconds, memory, cpu) in results.items():
        ratio, cpu_ratio = seconds / base, cpu / base_cpu
        over = name != "evaluate（基线）" and (min(ratio, cpu_ratio) > MAX_RATIO or memory > MAX_MEMORY)
        failed |= over
        print(_row(name, f"{seconds:.2f}", f"{ratio:.2f}×", f"{cpu:.2f}", f"{cpu_ratio:.2f}×", f"{memory / mib:.0f}")
              + ("  超出目标" if over else ""))
    print(f"目标：输出耗时不超过基线的 {MAX_RATIO:g} 倍，峰值内存不超过 {MAX_MEMORY / mib:.0f} MiB；JSON 文件 {json_size / mib:.0f} MiB")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
