"""Time the county report (Word with all charts) for a 300-school county; optionally the PDF too.

The demo county (清溪县, about 40 schools) is repeated with fresh school codes and names until it has
300 schools, then evaluated by the engine and written as a report. Target: under 10 s for the Word
report on the 2-core reference machine.

    python benchmarks/bench_report.py [--schools 300] [--pdf]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import polars as pl

from junheng.dataset import Dataset
from junheng.demo import demo_dataset
from junheng.evaluate import evaluate
from junheng.report import write_report
from junheng.standards import load_standard

TARGET_SECONDS = 10.0


def scaled_county(n_schools: int) -> Dataset:
    """The demo county with its schools (and their rooms) copied until there are ``n_schools``."""
    demo = demo_dataset()
    copies = -(-n_schools // demo.schools.height)

    def copy(frame: pl.DataFrame, k: int) -> pl.DataFrame:
        renamed = frame.with_columns(pl.col("school_code").str.slice(0, 6) + pl.lit(f"{k:02d}")
                                     + pl.col("school_code").str.slice(8))
        if "school_name" in frame.columns and k:
            renamed = renamed.with_columns(pl.col("school_name") + pl.lit(f"（{k + 1}）"))
        return renamed

    schools = pl.concat([copy(demo.schools, k) for k in range(copies)]).head(n_schools)
    rooms = pl.concat([copy(demo.rooms, k) for k in range(copies)])
    rooms = rooms.filter(pl.col("school_code").is_in(schools["school_code"].implode()))
    return Dataset(schools, rooms, demo.county, demo.monitoring, f"demo × {copies}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--schools", type=int, default=300)
    parser.add_argument("--pdf", action="store_true", help="also time the LibreOffice PDF conversion")
    args = parser.parse_args()
    dataset = scaled_county(args.schools)
    started = time.perf_counter()
    evaluation = evaluate(dataset, load_standard("youzhi-2017"))
    evaluated = time.perf_counter()
    units = len(evaluation.to_dict()["units"])
    with tempfile.TemporaryDirectory() as folder:
        docx = Path(folder) / "report.docx"
        write_report(evaluation, docx)
        written = time.perf_counter()
        size = docx.stat().st_size
        if args.pdf:
            write_report(evaluation, docx, Path(folder) / "report.pdf")
        converted = time.perf_counter()
    report_seconds = written - evaluated
    print(f"{args.schools} schools, {units} units: evaluate {evaluated - started:.2f} s, "
          f"Word report {report_seconds:.2f} s ({size / 1e6:.1f} MB), "
          f"{report_seconds / TARGET_SECONDS:.2f} × the {TARGET_SECONDS:.0f} s target")
    if args.pdf:
        print(f"Word + PDF again: {converted - written:.2f} s")


if __name__ == "__main__":
    main()
