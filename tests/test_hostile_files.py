"""Hostile and broken files: a Chinese error, exit status 2, and memory bounded by the data present."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from import_helpers import csv_text, errors_of, grid, school, write_xlsx
from junheng.io import limits, read_dataset

SRC = Path(__file__).resolve().parents[1] / "src"
CLI = "import sys; from junheng.cli import main; sys.exit(main())"


def _with_sheet_xml(path: Path, change) -> Path:
    """Rewrite the first worksheet's XML of the workbook at ``path`` with ``change(xml) -> xml``."""
    source = path.with_suffix(".orig.xlsx")
    path.rename(source)
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = change(data)
            zout.writestr(item, data)
    source.unlink()
    return path


def _far_cell(tmp_path: Path, ref: str, name: str = "far.xlsx") -> Path:
    """A valid one-school workbook plus one value at ``ref`` (e.g. XFD1048576): 31 KB on disk."""
    path = write_xlsx(tmp_path / name, {"学校": grid("schools", [school()])})
    row = re.sub(r"[A-Z]", "", ref)
    cell = f'<row r="{row}"><c r="{ref}"><v>1</v></c></row></sheetData>'.encode()
    return _with_sheet_xml(path, lambda xml: xml.replace(b"</sheetData>", cell))


@pytest.mark.parametrize("ref", ["XFD1048576", "AN1048576", "IW2"])
def test_a_value_far_out_is_refused_before_reading(tmp_path, ref):
    lines = errors_of(_far_cell(tmp_path, ref))
    assert len(lines) == 1
    assert f"“学校”工作表有内容一直延伸到 {ref} 单元格" in lines[0]
    assert "超出可读取的范围" in lines[0]


def test_a_cell_placed_far_down_inside_a_near_row_is_found(tmp_path):
    """The reader places a cell by its own reference, not by the row it sits in."""
    path = write_xlsx(tmp_path / "w.xlsx", {"学校": grid("schools", [school()])})
    _with_sheet_xml(path, lambda xml: xml.replace(b"</sheetData>", b'<row r="3"><c r="AZ1000000"><v>1</v></c></row></sheetData>'))
    assert "AZ1000000" in errors_of(path)[0]


def test_cells_without_references_are_measured_exactly(tmp_path):
    path = write_xlsx(tmp_path / "w.xlsx", {"学校": grid("schools", [school()])})
    wide = b'<row r="3">' + b"<c><v>1</v></c>" * 300 + b"</row></sheetData>"
    _with_sheet_xml(path, lambda xml: xml.replace(b"</sheetData>", wide))
    assert "KN3 单元格" in errors_of(path)[0]  # column 300


def test_a_dimension_that_lies_costs_nothing(tmp_path):
    """``<dimension ref="A1:XFD1048576"/>`` over two rows: read normally (the reader does not size by it)."""
    path = write_xlsx(tmp_path / "w.xlsx", {"学校": grid("schools", [school()])})
    _with_sheet_xml(path, lambda xml: re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', xml))
    assert limits.scan_workbook(path, ["学校"])["学校"].declared == "A1:XFD1048576"
    assert read_dataset(path).schools.height == 1


def test_a_cell_that_is_only_formatted_does_not_count(tmp_path):
    path = write_xlsx(tmp_path / "w.xlsx", {"学校": grid("schools", [school()])})
    _with_sheet_xml(path, lambda xml: xml.replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" s="0"/></row></sheetData>'))
    assert read_dataset(path).schools.height == 1


def test_a_far_cell_on_a_sheet_not_read_is_harmless(tmp_path):
    path = write_xlsx(tmp_path / "w.xlsx", {"说明": [["见学校表"]], "学校": grid("schools", [school()])})
    _with_sheet_xml(path, lambda xml: xml.replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>'))
    assert read_dataset(path).schools.height == 1


def test_the_512_gib_workbook_from_the_command_line(tmp_path):
    """Exit 2 with a Chinese error, and the process stays under 300 MB (it used to abort allocating 512 GiB)."""
    path = _far_cell(tmp_path, "XFD1048576")
    assert path.stat().st_size < 40_000
    runner = ("import resource, subprocess, sys; "
              "done = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
              "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); "
              "print(done.returncode); sys.stderr.write(done.stderr)")
    done = subprocess.run([sys.executable, "-c", runner, sys.executable, "-c", CLI, "evaluate", str(path)],
                          capture_output=True, text=True, env={"PYTHONPATH": str(SRC), "PATH": "/usr/bin:/bin"},
                          timeout=120)
    peak_kib, status = map(int, done.stdout.split())
    assert status == 2
    assert done.stderr.startswith("错误：工作簿“far.xlsx”的“学校”工作表有内容一直延伸到 XFD1048576 单元格")
    assert "Traceback" not in done.stderr
    assert peak_kib < 300 * 1024


def test_zip_bomb(tmp_path, monkeypatch):
    """More bytes inside than the limit: refused while streaming, before any reader sees them."""
    monkeypatch.setattr(limits, "MAX_INPUT_BYTES", 5 << 20)
    path = write_xlsx(tmp_path / "bomb.xlsx", {"学校": grid("schools", [school()])})
    filler = b"<!-- " + b" " * (8 << 20) + b" -->"
    _with_sheet_xml(path, lambda xml: xml.replace(b"<sheetData>", filler + b"<sheetData>"))
    assert path.stat().st_size < 100_000
    [line] = errors_of(path)
    assert line.startswith("“bomb.xlsx”解压后超过 5 MB（上限），无法读取")


def test_a_zip_member_that_lies_about_its_size(tmp_path):
    path = write_xlsx(tmp_path / "w.xlsx", {"学校": grid("schools", [school()])})
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    # The central directory entry's uncompressed size: claim 10 bytes.
    entry = data.rfind(b"PK\x01\x02", 0, data.rfind(b"xl/worksheets/sheet1.xml"))
    assert entry > 0 and int.from_bytes(data[entry + 24:entry + 28], "little") == info.file_size
    data[entry + 24:entry + 28] = (10).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    assert errors_of(path)[0].startswith("无法读取“w.xlsx”：文件已损坏或不是 Excel 工作簿")


def test_an_xlsx_that_is_not_a_zip(tmp_path):
    path = tmp_path / "data.xlsx"
    path.write_text("年度,学校名称\n2024,甲\n", encoding="utf-8")
    assert errors_of(path) == ["“data.xlsx”不是 Excel 工作簿（.xlsx 文件应为 zip 格式）：可能是改了扩展名的 CSV、"
                               "网页或文本文件，请用 Excel 打开后另存为 .xlsx 再试"]


def _compound_file(*stream_names: str) -> bytes:
    """The start of an OLE Compound File and a directory naming ``stream_names`` (enough to recognise)."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    directory = b"".join(name.encode("utf-16-le").ljust(128, b"\0") for name in ("Root Entry", *stream_names))
    return header + directory + bytes(4096)


def test_a_password_protected_workbook(tmp_path):
    """Excel saves an encrypted .xlsx as a Compound File holding ``EncryptedPackage``."""
    path = tmp_path / "locked.xlsx"
    path.write_bytes(_compound_file("EncryptionInfo", "EncryptedPackage"))
    assert errors_of(path)[0].startswith("工作簿“locked.xlsx”设有打开密码（已加密），无法读取")


def test_a_real_password_protected_workbook():
    """Encrypted with password 123 by msoffcrypto-tool (Agile encryption, as Excel does)."""
    path = Path(__file__).parent / "data" / "import" / "password-123.xlsx"
    assert errors_of(path)[0].startswith("工作簿“password-123.xlsx”设有打开密码（已加密），无法读取")


def test_an_old_xls_renamed_xlsx(tmp_path):
    path = tmp_path / "old.xlsx"
    path.write_bytes(_compound_file("Workbook"))
    assert errors_of(path) == ["“old.xlsx”实际是旧版 Excel（.xls）格式：请用 Excel 打开后另存为 .xlsx 再试"]


def test_a_csv_of_one_50_mb_line_of_cells(tmp_path):
    (tmp_path / "schools.csv").write_bytes(b"1," * (25 << 20))
    [line] = errors_of(tmp_path)
    assert line.startswith("“schools.csv”的第 1 行有 26,214,401 个单元格，超过 256 列的上限")


def test_a_csv_of_one_50_mb_cell(tmp_path):
    (tmp_path / "schools.csv").write_bytes(b"x" * (50 << 20))
    lines = errors_of(tmp_path)
    assert lines and all(len(line) < 500 for line in lines)


def test_a_csv_over_the_byte_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_INPUT_BYTES", 1 << 20)
    (tmp_path / "schools.csv").write_bytes(b"a,b\n" * (1 << 19))
    assert errors_of(tmp_path)[0].startswith("“schools.csv”大于 1 MB（上限）")


def test_a_huge_cell_is_not_repeated_in_full(tmp_path):
    rows = grid("schools", [school(year="2" * 5_000_000)])
    (tmp_path / "schools.csv").write_text(csv_text(rows), encoding="utf-8")
    lines = errors_of(tmp_path)
    assert any("…（共 5,000,000 字）" in line for line in lines)
    assert all(len(line) < 500 for line in lines)


def _ods(path: Path, rows_xml: str) -> Path:
    table = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               f'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="{table}" '
               f'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>'
               f'<table:table table:name="学校">{rows_xml}</table:table></office:spreadsheet></office:body>'
               f'</office:document-content>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content)
    return path


@pytest.mark.parametrize(("repeat", "corner"), [(1048575, "AMJ1048576"), (90000, "AMJ90001")])
def test_an_ods_repeating_a_value_is_refused_before_it_is_opened(tmp_path, repeat, corner):
    """Under a kilobyte that the reader would expand, on opening, into 92 million cells or more."""
    rows = ('<table:table-row><table:table-cell office:value-type="string"><text:p>年度</text:p></table:table-cell>'
            f'</table:table-row><table:table-row table:number-rows-repeated="{repeat}"><table:table-cell '
            'table:number-columns-repeated="1024" office:value-type="float" office:value="1"><text:p>1</text:p>'
            '</table:table-cell></table:table-row>')
    [line] = errors_of(_ods(tmp_path / "bomb.ods", rows))
    assert f"“学校”工作表有内容一直延伸到 {corner} 单元格" in line


def test_an_ods_with_empty_repeated_rows_is_measured_by_its_content(tmp_path):
    rows = ('<table:table-row><table:table-cell office:value-type="string"><text:p>年度</text:p></table:table-cell>'
            '</table:table-row><table:table-row table:number-rows-repeated="1048575"><table:table-cell '
            'table:number-columns-repeated="1024"/></table:table-row>')
    assert limits.scan_workbook(_ods(tmp_path / "ok.ods", rows), ["学校"])["学校"] == limits.Extent(1, 1, filled=1)


def test_an_xls_with_a_value_at_its_last_cell_is_refused():
    """5.6 KB (Excel 97–2003, saved by LibreOffice) that the reader would spread over 1.6 GB."""
    path = Path(__file__).parent / "data" / "import" / "far-cell.xls"
    assert path.stat().st_size < 10_000
    assert errors_of(path)[0].startswith("工作簿“far-cell.xls”的“学校”工作表有内容一直延伸到 IV65536 单元格")


def test_a_sparse_grid_under_the_cell_limit_is_refused(tmp_path):
    """One school and one value at AN300000: 12 million cells, nearly all empty."""
    [line] = errors_of(_far_cell(tmp_path, "AN300000"))
    assert "一直延伸到 AN300000 单元格" in line and "大片空白不超过数据的 20 倍" in line


def test_a_modest_stray_value_is_still_read(tmp_path):
    """A stray value at AN60000 costs some 120 MB at most: read (it is then an ordinary row error)."""
    lines = errors_of(_far_cell(tmp_path, "AN60000"))
    assert lines and not any("一直延伸到" in line for line in lines)
