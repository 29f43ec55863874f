"""事业统计 import speed: a county folder of 30 school exports → the fill-in workbook (target < 5 s).

The exports are the synthetic ones of the tests (``tests/tongji_exports.py``: both versions, every
school type). The floor is calamine reading every sheet of every file as text (what any importer
must do); the ratio shows what locating by label, checking and writing cost on top. Best of N runs.

    python benchmarks/bench_tongji.py [--schools 30] [--runs 3]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import fastexcel

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent / "tests"))

from bench_import import best  # noqa: E402  (benchmarks run from this folder, as the others import each other)

from junheng.io.tongji import import_tongji, write_import_workbook  # noqa: E402
from tongji_exports import school, write_v2020, write_v2021  # noqa: E402

TYPES = ("小学", "初中", "九年一贯制学校", "完全中学", "十二年一贯制学校")
TARGET_SECONDS = 5.0


def county_folder(folder: Path, count: int) -> list[Path]:
    paths = []
    for n in range(1, count + 1):
        s = school(n, TYPES[n % len(TYPES)] if n % 3 == 0 else ("小学" if n % 2 else "初中"))
        writer = write_v2020 if n % 2 else write_v2021
        paths.append(writer(folder / f"{n:03d}.xlsx", s))
    return paths


def read_every_sheet(paths: list[Path]) -> None:
    for path in paths:
        reader = fastexcel.read_excel(path)
        for name in reader.sheet_names:
            reader.load_sheet(name, header_row=None, skip_rows=0, dtypes="string").to_polars()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=30)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "exports"
        folder.mkdir()
        paths = county_folder(folder, args.schools)
        floor = best(args.runs, lambda: read_every_sheet(paths))
        imported = best(args.runs, lambda: import_tongji([folder]))
        result = import_tongji([folder])
        whole = best(args.runs, lambda: write_import_workbook(import_tongji([folder]), Path(tmp) / "数据.xlsx"))
    print(f"{args.schools} 份学校导出（{len(result.records)} 所学校）")
    print(f"  calamine 读取全部工作表（下限）  {floor:6.3f} s")
    print(f"  import_tongji（定位、校验）       {imported:6.3f} s   ×{imported / floor:.2f} 下限")
    print(f"  导入并写出填报工作簿              {whole:6.3f} s   ×{whole / floor:.2f} 下限")
    print(f"  目标 < {TARGET_SECONDS:.0f} s：{'达到' if whole < TARGET_SECONDS else '未达到'}")
    return 0 if whole < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
