"""The 测算表 of a province: one workbook per county, linear in the number of counties.

Generates two provinces with the same county size (30 counties / 3,750 schools and 120 counties /
15,000 schools), and times ``junheng evaluate DATA --xlsx FOLDER`` on each as a whole process,
next to ``junheng evaluate DATA`` alone. Linear means the larger province's writing time (CPU time,
steadier than wall-clock time on a shared machine) is about 4× the smaller's (it was quadratic:
every county filtered all units). Target: the 120-county
province in under 30 s. Exits 1 when it is slower or clearly worse than linear (over 6×).

    python benchmarks/bench_xlsx.py [--runs 1]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_evaluate import HERE, junheng_command, measure_cpu

PROVINCES = {"small": (3_750, 30), "province": (15_000, 120)}
TARGET_SECONDS = 30.0
MAX_GROWTH = 6.0  # 4× the counties; linear is ≈ 4×, quadratic ≈ 16×


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="省级测算表基准：每县一个工作簿，耗时随县数线性增长")
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args(argv)
    timings = {}
    for name, (schools, counties) in PROVINCES.items():
        data = HERE / "data" / name
        if not (data / "schools.csv").exists():
            subprocess.run([sys.executable, str(HERE / "generate.py"), "--out", str(data), "--schools", str(schools),
                            "--counties", str(counties)], check=True)
        with tempfile.TemporaryDirectory(prefix="junheng-bench-") as out:
            evaluate = [*junheng_command(), "evaluate", str(data)]
            alone, _, alone_cpu = measure_cpu(evaluate, args.runs)
            total, memory, total_cpu = measure_cpu([*evaluate, "--xlsx", f"{out}/测算表.xlsx"], args.runs)
            files = len(list(Path(out, "测算表").iterdir()))
        timings[name] = (total, total_cpu - alone_cpu)
        print(f"{counties} 个县 / {schools:,} 所学校：测算 {alone:.2f} 秒，测算并写出测算表 {total:.2f} 秒；"
              f"写出测算表用 CPU {total_cpu - alone_cpu:.2f} 秒（{files} 个文件，峰值内存 {memory / 1024**2:.0f} MiB）")
    small, large = (timings[n][1] for n in PROVINCES)
    growth = large / small if small > 0 else float("inf")
    total = timings["province"][0]
    print(f"县数 ×4 时写出测算表的 CPU 时间 ×{growth:.1f}（线性约 ×4，平方约 ×16）；120 个县墙钟共 {total:.1f} 秒"
          f"（目标 < {TARGET_SECONDS:g} 秒）")
    return 1 if total > TARGET_SECONDS or growth > MAX_GROWTH else 0


if __name__ == "__main__":
    sys.exit(main())
