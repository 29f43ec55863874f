"""Importer speed: ``read_dataset`` (read + validate + type) against just reading the text.

The floor is polars reading every file as text (what any importer must do); the ratio shows what
validation costs on top. CSV: the national data set of ``generate.py`` (210,000 schools, generated
if absent), also timed in a fresh process each run, as ``junheng evaluate`` pays it (first use of
polars' threads and memory included). Workbook: a county-sized sample of it written with the demo's
writer. Best of N runs.

    python benchmarks/bench_import.py [--data DIR] [--runs 3] [--xlsx-schools 20000]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import polars as pl

from junheng.io import read_dataset
from junheng.io.dataset_writer import write_dataset_xlsx

HERE = Path(__file__).parent
DEFAULT_DATA = HERE / "data" / "national"


def best(runs: int, action) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def fresh_process(folder: Path) -> float:
    """Seconds ``read_dataset`` takes in a new interpreter (imports not counted)."""
    code = ("import sys, time; from junheng.io import read_dataset; start = time.perf_counter(); "
            "read_dataset(sys.argv[1]); print(time.perf_counter() - start)")
    return float(subprocess.run([sys.executable, "-c", code, str(folder)], check=True, capture_output=True,
                                text=True).stdout)


def read_csv_text(folder: Path) -> None:
    for path in folder.glob("*.csv"):
        pl.read_csv(path, infer_schema=False)


def read_xlsx_text(path: Path) -> None:
    pl.read_excel(path, sheet_id=0, engine="calamine", infer_schema_length=0)


def report(label: str, rows: int, floor: float, seconds: float) -> None:
    print(f"{label}：{rows:,} 所学校；只读文本 {floor:.2f} 秒，read_dataset {seconds:.2f} 秒"
          f"（{rows / seconds:,.0f} 行/秒），耗时比 {seconds / floor:.1f}×")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="导入速度基准：read_dataset 对比只读取文本")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--xlsx-schools", type=int, default=20_000)
    args = parser.parse_args(argv)
    if not (args.data / "schools.csv").exists():
        subprocess.run([sys.executable, str(HERE / "generate.py"), "--out", str(args.data)], check=True)

    dataset = read_dataset(args.data)
    report("CSV 文件夹", dataset.schools.height, best(args.runs, lambda: read_csv_text(args.data)),
           best(args.runs, lambda: read_dataset(args.data)))
    print(f"CSV 文件夹，每次新进程：read_dataset {min(fresh_process(args.data) for _ in range(args.runs)):.2f} 秒")

    sample = dataset.schools.head(args.xlsx_schools).drop("source_row")
    codes = sample.select("year", "school_code")
    rooms = dataset.rooms.join(codes, on=["year", "school_code"], how="semi").drop("source_row")
    with tempfile.TemporaryDirectory() as folder:
        workbook = write_dataset_xlsx(replace(dataset, schools=sample, rooms=rooms,
                                              county=None, monitoring=None), Path(folder) / "sample.xlsx")
        report("xlsx 工作簿", sample.height, best(args.runs, lambda: read_xlsx_text(workbook)),
               best(args.runs, lambda: read_dataset(workbook)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
