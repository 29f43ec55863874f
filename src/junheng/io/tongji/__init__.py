"""Import the 全国教育事业统计 基层表 exports schools already fill in (``shared/spec/shiye-tongji.md``).

``import_tongji(paths)`` reads one workbook per school (基础基… 2020 and earlier, 教基… since 2021,
sheet names with or without ``_<办学类型>``) or a county flat export, locating every number by its
labels; ``write_import_workbook`` writes the result as the ordinary fill-in workbook with what
事业统计 lacks marked to fill; ``compare`` lists where a filled data set disagrees with the exports.
"""

from junheng.lazy import lazy_exports

__getattr__ = lazy_exports(__name__, {"Difference": "check", "compare": "check", "write_differences": "check",
                                      "TongjiImport": "importer", "import_tongji": "importer",
                                      "write_import_workbook": "output"})

__all__ = ["Difference", "TongjiImport", "compare", "import_tongji", "write_differences", "write_import_workbook"]
