"""National-scale benchmark: ``junheng evaluate`` against a plain vectorised baseline.

Generates ``benchmarks/data/national`` (210,000 schools, 2,850 counties) if it is absent, then runs
both as whole processes — the baseline (``baseline.py``: polars reads the CSVs, numpy computes
the 7 indicators per unit and the weighted 差异系数) and ``junheng evaluate`` — each best of 3,
and measures each child's peak resident memory with ``os.wait4``. Exits 1 when junheng takes more
than 4× the baseline's time or 2 GB of memory (target: at most 2×).

    python benchmarks/bench_evaluate.py [--data DIR] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from junheng.io.xlsx import text_width

HERE = Path(__file__).parent
DEFAULT_DATA = HERE / "data" / "national"
TARGET_RATIO = 2.0
MAX_RATIO = 4.0
MAX_MEMORY = 2 * 1024**3  # bytes


def junheng_command() -> list[str]:
    """The installed ``junheng`` script, or the same entry point through this interpreter. junheng's
    bytecode is compiled first, as ``pip install`` does for an installed package: an editable
    checkout under ``PYTHONDONTWRITEBYTECODE`` would otherwise recompile every module in every
    timed run, which the baseline (only compiled packages) never pays."""
    import compileall

    import junheng

    compileall.compile_dir(Path(junheng.__file__).parent, quiet=1)
    script = shutil.which("junheng")
    return [script] if script else [sys.executable, "-c", "import sys; from junheng.cli import main; sys.exit(main())"]


def run_once(command: list[str]) -> tuple[float, int, float]:
    """Wall-clock seconds, peak RSS (bytes) and CPU seconds (user + system) of one child process;
    stops on a non-zero exit. CPU time is the steadier figure when other work shares the machine."""
    with tempfile.TemporaryFile() as output:
        start = time.perf_counter()
        child = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            output.seek(0)
            tail = output.read()[-2000:].decode("utf-8", "replace")
            sys.exit(f"命令失败（退出码 {child.returncode}）：{' '.join(command)}\n{tail}")
    return seconds, usage.ru_maxrss * 1024, usage.ru_utime + usage.ru_stime  # Linux reports kilobytes


def measure(command: list[str], runs: int) -> tuple[float, int]:
    """Best time and highest peak memory over ``runs`` runs."""
    wall, memory, _ = measure_cpu(command, runs)
    return wall, memory


def measure_cpu(command: list[str], runs: int) -> tuple[float, int, float]:
    """Best wall time, highest peak memory and best CPU time over ``runs`` runs."""
    results = [run_once(command) for _ in range(runs)]
    return min(r[0] for r in results), max(r[1] for r in results), min(r[2] for r in results)


def _row(*cells: str) -> str:
    """Table cells padded by display width (a CJK character takes two columns)."""
    widths = (26, 10, 16)
    return "".join(" " * (w - text_width(c)) + c if i else c + " " * (w - text_width(c))
                   for i, (c, w) in enumerate(zip(cells, widths, strict=True)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="全国规模测算基准：junheng evaluate 对比朴素向量化基线")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    if not (args.data / "schools.csv").exists():
        subprocess.run([sys.executable, str(HERE / "generate.py"), "--out", str(args.data)], check=True)

    baseline_s, baseline_mem = measure([sys.executable, str(HERE / "baseline.py"), str(args.data)], args.runs)
    junheng_s, junheng_mem = measure([*junheng_command(), "evaluate", str(args.data)], args.runs)
    ratio = junheng_s / baseline_s
    slow, heavy = ratio > MAX_RATIO, junheng_mem > MAX_MEMORY

    mib = 1024**2
    print(f"数据：{args.data}（每项取 {args.runs} 次中最快一次；内存为子进程峰值 RSS）")
    print(_row("", "秒", "峰值内存(MiB)"))
    print(_row("基线（polars + numpy）", f"{baseline_s:.2f}", f"{baseline_mem / mib:.0f}"))
    print(_row("junheng evaluate", f"{junheng_s:.2f}", f"{junheng_mem / mib:.0f}"))
    print(f"耗时比 junheng / 基线：{ratio:.2f}×（目标 ≤ {TARGET_RATIO:g}×，上限 {MAX_RATIO:g}×）"
          + ("  超出上限" if slow else "  达到目标" if ratio <= TARGET_RATIO else "  未达目标但在上限内"))
    print(f"junheng 峰值内存：{junheng_mem / mib:.0f} MiB（上限 {MAX_MEMORY / mib:.0f} MiB）" + ("  超出上限" if heavy else ""))
    return 1 if slow or heavy else 0


if __name__ == "__main__":
    sys.exit(main())
