"""The county report (Word/PDF) and its charts, on the demo county evaluated by the real engine."""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from docx import Document
from docx.oxml.ns import qn
from fontTools.ttLib import TTFont
from matplotlib import font_manager
from PIL import Image

import junheng.report as report
from junheng import cli
from junheng.dataset import Dataset
from junheng.demo import demo_dataset
from junheng.evaluate import evaluate
from junheng.io.dataset_writer import write_dataset_xlsx
from junheng.report import PdfConverterMissing, ReportError, charts, cjkfont, write_report, write_reports
from junheng.schema import STAGE_ZH
from junheng.standards import load_standard

SRC = Path(__file__).resolve().parent.parent / "src" / "junheng"
RED, AMBER = "FFC7CE", "FFEB9C"
LEGEND = {"met": "达到标准", "floor": "达到标准的85%", "below": "低于标准的85%"}


def printed(value: float, digits: int) -> str:
    """四舍五入 as the official tables print (an independent restatement of the report's rounding)."""
    return str(Decimal(repr(value)).quantize(Decimal(10) ** -digits, rounding=ROUND_HALF_UP))


def caption_of(table) -> str:
    """The caption paragraph just before a table."""
    previous = table._tbl.getprevious()
    return "".join(t.text or "" for t in previous.iter(qn("w:t")))


def cell_fill(cell) -> str | None:
    shading = cell._tc.find(f"{qn('w:tcPr')}/{qn('w:shd')}")
    return None if shading is None else shading.get(qn("w:fill"))


def tables_captioned(document, words: str) -> list:
    return [t for t in document.tables if words in caption_of(t)]


@pytest.fixture(scope="module")
def youzhi_report(youzhi, tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "清溪县报告.docx"
    write_report(youzhi, path)
    return Document(str(path)), youzhi.to_dict(), path


@pytest.fixture(scope="module")
def jiben_report(tmp_path_factory):
    evaluation = evaluate(demo_dataset(), load_standard("jiben-2012"))
    path = tmp_path_factory.mktemp("jiben") / "基本均衡.docx"
    write_report(evaluation, path)
    return Document(str(path)), evaluation.to_dict()


def test_report_has_real_heading_styles_and_every_chapter(youzhi_report):
    document, _, _ = youzhi_report
    headings = {p.text: p.style.name for p in document.paragraphs if p.style.name.startswith("Heading")}
    level_one = [text for text, style in headings.items() if style == "Heading 1"]
    for chapter in ("总体结论", "资源配置", "政府保障程度", "教育质量", "社会认可度", "一票否决", "问题清单摘要",
                    "附录 计算方法与参数"):
        assert any(text.endswith(chapter) for text in level_one), chapter
    assert "Heading 2" in headings.values()


def test_styles_carry_east_asian_fonts_without_theme_overrides(youzhi_report):
    document, _, _ = youzhi_report
    expected = {"Normal": "宋体", "Heading 1": "黑体", "Heading 2": "黑体", "Caption": "黑体"}
    for name, east_asian in expected.items():
        fonts = document.styles[name].element.rPr.find(qn("w:rFonts"))
        assert fonts.get(qn("w:eastAsia")) == east_asian, name
        assert fonts.get(qn("w:eastAsiaTheme")) is None and fonts.get(qn("w:asciiTheme")) is None, name


def test_a4_pages_and_landscape_unit_tables(youzhi_report):
    document, _, _ = youzhi_report
    first = document.sections[0]
    assert (round(first.page_width.cm, 1), round(first.page_height.cm, 1)) == (21.0, 29.7)
    assert any(s.page_width > s.page_height for s in document.sections)


def test_every_table_repeats_its_header_row(youzhi_report):
    document, _, _ = youzhi_report
    assert len(document.tables) >= 10
    for table in document.tables:
        first_row = table.rows[0]._tr
        assert first_row.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None, caption_of(table)
        assert table.rows[-1]._tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is None


def test_captions_number_tables_and_figures_in_order(youzhi_report):
    document, _, _ = youzhi_report
    captions = [p for p in document.paragraphs if p.style.name == "Caption"]
    for kind in ("表", "图"):
        numbers = [int(m.group(1)) for p in captions if (m := re.match(rf"{kind} (\d+)", p.text))]
        assert numbers == list(range(1, len(numbers) + 1)) and numbers, kind
        assert all(f"SEQ {kind}" in p._p.xml for p in captions if p.text.startswith(kind))
    assert len([p for p in captions if p.text.startswith("表")]) == len(document.tables)


def test_footer_has_a_page_number_field(youzhi_report):
    document, _, _ = youzhi_report
    footer_xml = document.sections[0].footer._element.xml
    assert "<w:instrText xml:space=\"preserve\"> PAGE </w:instrText>" in footer_xml


def test_table_III_numbers_equal_the_engine_rounded(youzhi_report):
    document, result, _ = youzhi_report
    county = result["counties"][0]
    checked = 0
    for stage in ("primary", "junior"):
        (table,) = tables_captioned(document, f"{STAGE_ZH[stage]}全县平均值与差异系数")
        header = [c.text for c in table.rows[0].cells]
        mean_col, cv_col, max_col, verdict_col = (header.index(h) for h in ("全县平均值", "差异系数", "差异系数上限", "是否达标"))
        stats = county["stages"][stage]["indicators"]
        rows = {row.cells[0].text: row for row in table.rows[1:]}
        for indicator_id, figures in stats.items():
            cells = rows[indicator_id].cells
            assert cells[mean_col].text == printed(figures["mean"], 2)
            assert cells[cv_col].text == printed(figures["cv"], 3)
            assert cells[max_col].text == printed(figures["cv_max"], 2)
            assert cells[verdict_col].text == ("达标" if figures["cv_pass"] else "未达标")
            checked += 1
        composite = [r for r in table.rows if r.cells[1].text.startswith("综合差异系数")][0]
        assert composite.cells[cv_col].text == printed(county["stages"][stage]["composite_cv"], 3)
    assert checked == 14


def test_unit_table_marks_failing_cells_red_and_floor_cells_amber(youzhi_report):
    document, result, _ = youzhi_report
    seen = Counter()
    for stage in ("primary", "junior"):
        (table,) = tables_captioned(document, f"{STAGE_ZH[stage]}各单位指标值")
        header = [c.text for c in table.rows[0].cells]
        units = [u for u in result["units"] if u["stage"] == stage]
        assert len(table.rows) - 1 == len(units)
        for row, unit in zip(table.rows[1:], units, strict=True):
            assert row.cells[1].text == unit["school_name"]
            for indicator_id, entry in unit["indicators"].items():
                cell = row.cells[header.index(indicator_id)]
                assert cell.text == printed(entry["value"], 2)
                expected = None if entry["met"] else (AMBER if entry["floor_met"] else RED)
                assert cell_fill(cell) == expected, (unit["school_name"], indicator_id)
                seen[expected] += 1
            assert row.cells[header.index("是否达标")].text == ("达标" if unit["compliant"] else "未达标")
    assert seen[RED] and seen[AMBER]  # the demo county has both, so both markings were exercised


def test_verdict_reasons_and_problem_counts_come_from_the_result(youzhi_report):
    document, result, _ = youzhi_report
    text = "\n".join(p.text for p in document.paragraphs)
    county = result["counties"][0]
    assert county["verdict"]["reasons"]
    for reason in county["verdict"]["reasons"]:
        assert reason in text
    (kinds,) = tables_captioned(document, "问题分类统计")
    counted = {row.cells[0].text: int(row.cells[1].text) for row in kinds.rows[1:]}
    expected = Counter(p["kind"] for p in result["problems"])
    assert sum(counted.values()) == len(result["problems"])
    assert sorted(counted.values()) == sorted(expected.values())
    (top,) = tables_captioned(document, "主要问题")
    messages = {row.cells[4].text for row in top.rows[1:]}
    assert messages <= {p["message"] for p in result["problems"]}
    assert all(p["message"] in messages for p in result["problems"] if p["blocking"])


def test_government_items_are_listed_with_their_verdicts(youzhi_report):
    document, result, _ = youzhi_report
    (table,) = tables_captioned(document, "政府保障程度评估结果")
    items = result["counties"][0]["areas"]["government"]["items"]
    rows = {row.cells[0].text: row for row in table.rows[1:]}
    assert set(rows) == set(items)
    for item_id, item in items.items():
        assert rows[item_id].cells[4].text == {True: "达标", False: "未达标", None: "未评估"}[item["pass"]]
        assert (cell_fill(rows[item_id].cells[4]) == RED) == (item["pass"] is False)


def test_appendix_lists_every_parameter_at_the_evaluation_year(youzhi_report, youzhi):
    document, _, _ = youzhi_report
    (table,) = tables_captioned(document, "适用的评估参数")
    listed = {row.cells[0].text: row.cells[1].text for row in table.rows[1:]}
    parameters = youzhi.standard.parameters
    assert set(listed) == {p.description for p in parameters.values()}
    assert listed[parameters["L1.standard.primary"].description] == "4.2"
    assert listed[parameters["unit.floor_ratio"].description] == "0.85"
    assert listed[parameters["scope.excluded_types"].description] == "特殊教育学校、职业学校"


def test_appendix_speaks_official_wording_not_code_names(youzhi_report, youzhi):
    """No parameter id (``scope.include_private``) and no project note (``standard.md §1.3``) in the report."""
    document, _, _ = youzhi_report
    (table,) = tables_captioned(document, "适用的评估参数")
    text = "\n".join(cell.text for row in table.rows for cell in row.cells)
    assert "standard.md" not in text and "§" not in text
    assert not any(pid in text for pid in youzhi.standard.parameters)
    (row,) = [r for r in table.rows if r.cells[0].text == "是否纳入民办学校"]
    assert row.cells[3].text == "国家文件未作统一规定（默认纳入），可由省级实施方案调整"
    text = "\n".join(p.text for p in document.paragraphs)
    assert "X̄ = ΣPᵢXᵢ / P" in text and "CV = S / X̄" in text
    assert "1 : 1.1 : 1.32" in text and "1 : 1.2" in text  # split weights, from the parameters


def test_profile_overrides_are_shown(tmp_path):
    profile = tmp_path / "某市.yaml"
    profile.write_text("name: 某市实施细则\nbase: youzhi-2017\nreference: 某教督〔2019〕1号\n"
                       "parameters:\n  G7.min_per_pupil_funds: 8000\n  unit.floor_ratio: 0.9\n", encoding="utf-8")
    evaluation = evaluate(demo_dataset(), load_standard("youzhi-2017", profile))
    path = write_report(evaluation, tmp_path / "r.docx")
    document = Document(str(path))
    (table,) = tables_captioned(document, "适用的评估参数")
    description = evaluation.standard.parameters["G7.min_per_pupil_funds"].description
    (row,) = [r for r in table.rows if r.cells[0].text == description]
    assert row.cells[1].text == "8000" and cell_fill(row.cells[1]) == AMBER
    assert "某市实施细则调整" in row.cells[3].text
    assert any("某市实施细则" in p.text for p in document.paragraphs)
    (compliance,) = tables_captioned(document, "小学各项指标达标单位数")
    assert [c.text for c in compliance.rows[0].cells][2:6] == ["90%值", "达到标准", "达到90%未达标准", "低于90%"]
    assert compliance.rows[1].cells[2].text == "3.78"  # 0.9 × 4.2, exactly
    assert not any("85%" in p.text for p in document.paragraphs)


def test_basic_balance_report_prints_B1_to_B8_and_the_composite(jiben_report):
    document, result = jiben_report
    county = result["counties"][0]
    text = "\n".join(p.text for p in document.paragraphs)
    assert "政府保障程度" not in text and "基本均衡" in text
    for stage in ("primary", "junior"):
        (table,) = tables_captioned(document, f"{STAGE_ZH[stage]}全县平均值与差异系数")
        rows = {row.cells[0].text: row for row in table.rows[1:]}
        assert [k for k in rows if k] == [f"B{i}" for i in range(1, 9)]
        stats = county["stages"][stage]
        assert rows["B6"].cells[4].text == printed(stats["indicators"]["B6"]["mean"], 3)
        assert rows["B1"].cells[4].text == printed(stats["indicators"]["B1"]["mean"], 2)
        composite = rows[""].cells
        assert composite[5].text == printed(stats["composite_cv"], 3)
        assert composite[6].text == printed(stats["composite_cv_max"], 2)
        assert composite[7].text == ("达标" if stats["pass"] else "未达标")


def two_county_dataset() -> Dataset:
    demo = demo_dataset()

    def other(frame: pl.DataFrame | None) -> pl.DataFrame | None:
        if frame is None:
            return None
        changes = {"county_code": pl.lit("330102"), "county_name": pl.lit("白石县")}
        changes = {k: v for k, v in changes.items() if k in frame.columns}
        if "school_code" in frame.columns:
            changes["school_code"] = pl.lit("9") + pl.col("school_code").str.slice(1)
        renamed = frame.with_columns(**changes)
        if "school_name" in frame.columns:
            renamed = renamed.with_columns(pl.col("school_name").str.replace("清溪县", "白石县"))
        return pl.concat([frame, renamed])

    return Dataset(other(demo.schools), other(demo.rooms), other(demo.county), other(demo.monitoring), "two")


def test_several_counties_give_one_report_each_in_a_folder(tmp_path):
    evaluation = evaluate(two_county_dataset(), load_standard("youzhi-2017"))
    paths = write_reports(evaluation, tmp_path / "报告.docx")
    assert sorted(p.name for p in paths) == ["清溪县评估报告.docx", "白石县评估报告.docx"]
    assert {p.parent for p in paths} == {tmp_path / "报告"}
    for path in paths:
        county = path.stem.removesuffix("评估报告")
        document = Document(str(path))
        (table,) = tables_captioned(document, "小学各单位指标值")
        names = [row.cells[1].text for row in table.rows[1:]]
        assert names and all(name.startswith(county) for name in names)
    with pytest.raises(ReportError, match="多个县"):
        write_report(evaluation, tmp_path / "one.docx")
    single = write_report(evaluation, tmp_path / "one.docx", county="330102")
    assert "白石县" in Document(str(single)).paragraphs[6].text


def test_single_county_writes_exactly_the_given_file(youzhi, tmp_path):
    paths = write_reports(youzhi, tmp_path / "out" / "县报告.docx")
    assert paths == [tmp_path / "out" / "县报告.docx"]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["县报告.docx"]
    assert zipfile.is_zipfile(paths[0])


def test_a_folder_receives_one_named_report_per_county(youzhi, tmp_path):
    paths = write_reports(youzhi, tmp_path / "报告")
    assert paths == [tmp_path / "报告" / "清溪县评估报告.docx"]
    assert Document(str(paths[0])).tables


def test_cli_writes_the_report_and_maps_a_missing_libreoffice_to_exit_2(tmp_path, monkeypatch, capsys):
    workbook = write_dataset_xlsx(demo_dataset(), tmp_path / "清溪县.xlsx")
    docx = tmp_path / "cli.docx"
    assert cli.main(["report", str(workbook), "--docx", str(docx)]) == 0
    assert str(docx) in capsys.readouterr().out and Document(str(docx)).tables
    monkeypatch.setattr(report, "find_soffice", lambda: None)
    assert cli.main(["report", str(workbook), "--docx", str(tmp_path / "b.docx"), "--pdf", str(tmp_path / "b.pdf")]) == 2
    assert "apt-get install libreoffice-writer-nogui" in capsys.readouterr().err
    assert not (tmp_path / "b.docx").exists()


def test_missing_libreoffice_is_a_chinese_error_before_anything_is_written(youzhi, tmp_path, monkeypatch):
    monkeypatch.setattr(report, "find_soffice", lambda: None)
    with pytest.raises(PdfConverterMissing) as raised:
        write_reports(youzhi, tmp_path / "r.docx", tmp_path / "r.pdf")
    assert "apt-get install libreoffice-writer-nogui fonts-noto-cjk" in str(raised.value)
    assert "LibreOffice" in str(raised.value) and isinstance(raised.value, ReportError)
    assert list(tmp_path.iterdir()) == []


def test_pdf_first_page_is_not_blank(youzhi, tmp_path):
    pdf = tmp_path / "清溪县.pdf"
    write_report(youzhi, tmp_path / "清溪县.docx", pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
                   check=True, timeout=60)
    (page,) = tmp_path.glob("page*.png")
    pixels = np.asarray(Image.open(page).convert("L"))
    assert (pixels < 200).mean() > 0.002  # the title page has dark text on it
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "CJK" in fonts  # Chinese text was set in a CJK font, not left as missing glyphs


# ── charts and the bundled font ──────────────────────────────────────────────────────────────


def render_text(text: str, families: list[str]) -> np.ndarray:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(3, 1))
    canvas = FigureCanvasAgg(figure)
    figure.text(0.05, 0.3, text, fontsize=24, family=families)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())[..., 0]


def test_bundled_font_is_the_one_matplotlib_finds():
    families = cjkfont.font_families()
    assert families[0] == cjkfont.BUNDLED_FAMILY
    found = font_manager.findfont(font_manager.FontProperties(family=cjkfont.BUNDLED_FAMILY), fallback_to_default=False)
    assert Path(found) == cjkfont.BUNDLED_FONT
    assert cjkfont.BUNDLED_FONT.stat().st_size < 5_000_000
    assert "SIL OPEN FONT LICENSE Version 1.1" in (cjkfont.FONT_DIR / "OFL.txt").read_text(encoding="utf-8")
    assert "SimHei" not in families


@pytest.mark.filterwarnings("ignore:Glyph .* missing from font")
def test_chinese_renders_as_glyphs_not_tofu():
    families = list(cjkfont.font_families())
    chinese = render_text("资源配置", families)
    boxes = render_text("□□□□", families)
    latin_only = render_text("资源配置", ["DejaVu Sans"])  # no CJK glyphs: tofu
    assert (chinese < 128).mean() > 0.01  # ink
    assert not np.array_equal(chinese, boxes)
    assert not np.array_equal(chinese, latin_only)
    two_glyphs = render_text("资源", families)
    assert not np.array_equal(two_glyphs, render_text("配置", families))  # different characters differ


def test_font_covers_every_character_the_package_prints():
    cmap = TTFont(cjkfont.BUNDLED_FONT)["cmap"].getBestCmap()
    sources = [*SRC.rglob("*.py"), *(SRC / "standards").glob("*.yaml")]
    comment_art = {*range(0x2190, 0x2200), *range(0x2500, 0x2580)}  # arrows and rules in comments and docstrings
    comment_art.add(ord("✗"))  # accepted as input (schema.BOOL_FALSE), never printed; Noto CJK has no ✗
    used = {ord(c) for path in sources for c in path.read_text(encoding="utf-8") if ord(c) > 0x2000}
    assert sorted(chr(c) for c in used - comment_art if c not in cmap) == []


def test_chart_with_a_rare_character_falls_back_quietly(recwarn):
    png = charts.unit_bar_chart("小学 L1 测试", ["𠮷字小学", "第二小学"], [5.0, 3.0], ["met", "below"],
                                [charts.Reference(4.2, "标准 4.2", "#333333")], "人/百生", LEGEND)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.info["dpi"][0] >= 199
    assert not [w for w in recwarn if "Glyph" in str(w.message)]


def test_charts_drawn_in_parallel_threads_equal_charts_drawn_alone():
    def draw(title: str) -> bytes:
        return charts.cv_chart(title, ["L1", "L2"], [0.3, 0.52], ["0.300", "0.520"], [True, False],
                               [charts.Reference(0.5, "差异系数上限 0.50", "#c62828")])

    titles = [f"小学各项指标校际差异系数 {n}" for n in range(4)]
    alone = [draw(t) for t in titles]
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(draw, titles))
    assert together == alone


def test_unit_chart_colours_bars_by_the_engine_verdict():
    png = charts.unit_bar_chart("初中 L3", ["甲", "乙", "丙"], [1.0, 0.8, 0.5], ["met", "floor", "below"],
                                [], "人/百生", LEGEND)
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).reshape(-1, 3)
    colours = {tuple(int(charts.STATUS_COLOURS[s][i:i + 2], 16) for i in (1, 3, 5)) for s in ("met", "floor", "below")}
    present = {tuple(p) for p in np.unique(pixels, axis=0)}
    assert colours <= present
