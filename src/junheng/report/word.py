"""Word building blocks with the conventions of Chinese official reports (python-docx).

A4 with 公文-like margins; 宋体 body and 黑体 headings set as East-Asian fonts (``w:eastAsia``) on the
styles themselves, so that Word and LibreOffice both use them; real Heading 1/2 styles (the
navigation pane and a table of contents work); captions 表 n / 图 n in the Caption style with SEQ
fields; table header rows repeated on every page (``w:tblHeader``); page numbers in the footer.

Tables are written as one XML fragment rather than cell by cell: python-docx's cell API makes a
300-school table take seconds, the fragment takes milliseconds.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt, RGBColor

BODY_FONT = "宋体"
HEADING_FONT = "黑体"
LATIN_FONT = "Times New Roman"
PAGE_WIDTH, PAGE_HEIGHT = Cm(21.0), Cm(29.7)
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = Cm(2.5), Cm(2.5), Cm(2.8), Cm(2.6)
TEXT_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT
TABLE_TEXT_STYLE = "Table Text"
HEADER_FILL = "D9D9D9"
TWIPS_PER_EMU = 1 / 635


def _set_fonts(style, east_asian: str, latin: str = LATIN_FONT) -> None:
    """Set the fonts on a style, dropping theme fonts that would otherwise win over them."""
    style.font.name = latin
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for theme_attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme_attribute), None)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), east_asian)
    if rpr.find(qn("w:lang")) is None:  # tells converters to substitute a Simplified Chinese font
        language = OxmlElement("w:lang")
        language.set(qn("w:val"), "zh-CN")
        language.set(qn("w:eastAsia"), "zh-CN")
        rpr.append(language)


def _setup_styles(document) -> None:
    styles = document.styles
    defaults = styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    default_language = defaults.find(qn("w:lang"))
    default_language.set(qn("w:eastAsia"), "zh-CN")  # else LibreOffice substitutes Japanese glyph forms
    normal = styles["Normal"]
    _set_fonts(normal, BODY_FONT)
    normal.font.size = Pt(12)  # 小四
    normal.paragraph_format.space_after = Pt(4)
    normal.paragraph_format.line_spacing = 1.25
    for name, size in (("Title", 26), ("Heading 1", 16), ("Heading 2", 14), ("Heading 3", 12)):
        style = styles[name]
        _set_fonts(style, HEADING_FONT)
        style.font.size = Pt(size)
        style.font.bold = False if name == "Title" else True
        style.font.color.rgb = RGBColor(0, 0, 0)
        style.paragraph_format.space_before = Pt(12 if name != "Heading 3" else 6)
        style.paragraph_format.space_after = Pt(6)
        style.paragraph_format.keep_with_next = True
    title = styles["Title"]
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title_borders = title.element.pPr.find(qn("w:pBdr"))  # the default template underlines titles
    if title_borders is not None:
        title.element.pPr.remove(title_borders)
    caption = styles["Caption"]
    _set_fonts(caption, HEADING_FONT)
    caption.font.size = Pt(10.5)  # 五号
    caption.font.italic = False
    caption.font.bold = False
    caption.font.color.rgb = RGBColor(0, 0, 0)
    caption.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    caption.paragraph_format.space_before = Pt(6)
    caption.paragraph_format.space_after = Pt(4)
    table_text = styles.add_style(TABLE_TEXT_STYLE, 1)  # 1 = paragraph style
    table_text.base_style = normal
    table_text.font.size = Pt(9)  # 小五
    table_text.paragraph_format.space_after = Pt(0)
    table_text.paragraph_format.line_spacing = 1.0
    table_text.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _field(paragraph, instruction: str, shown: str) -> None:
    """A Word field (PAGE, SEQ …) as begin/instruction/result runs, so readers see the number too."""

    def run_with(tag: str, **attributes: str):
        element = OxmlElement(tag)
        for name, value in attributes.items():
            element.set(qn(name), value)
        run = paragraph.add_run()._r
        run.append(element)
        return element

    run_with("w:fldChar", **{"w:fldCharType": "begin"})
    instruction_text = run_with("w:instrText", **{"xml:space": "preserve"})
    instruction_text.text = f" {instruction} "
    run_with("w:fldChar", **{"w:fldCharType": "separate"})
    paragraph.add_run(shown)
    run_with("w:fldChar", **{"w:fldCharType": "end"})


def _page_number_footer(section) -> None:
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run("第 ")
    _field(paragraph, "PAGE", "1")
    paragraph.add_run(" 页")


def new_document():
    """An empty A4 report: styles set, page numbers in the footer (none on the title page)."""
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.top_margin, section.bottom_margin = MARGIN_TOP, MARGIN_BOTTOM
    section.left_margin, section.right_margin = MARGIN_LEFT, MARGIN_RIGHT
    section.different_first_page_header_footer = True
    _setup_styles(document)
    _page_number_footer(section)
    return document


def page_break(document) -> None:
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def start_section(document, landscape: bool):
    """A new page in portrait or landscape (wide tables); footer and margins carry over."""
    section = document.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    long_side, short_side = PAGE_HEIGHT, PAGE_WIDTH
    section.page_width, section.page_height = (long_side, short_side) if landscape else (short_side, long_side)
    section.different_first_page_header_footer = False
    return section


def text_width(document) -> int:
    section = document.sections[-1]
    return section.page_width - section.left_margin - section.right_margin


@dataclass
class Captions:
    """Numbers 表 n and 图 n through the document (SEQ fields, numbers written in as well)."""

    counts: dict[str, int] = field(default_factory=dict)

    def add(self, document, kind: str, title: str) -> str:
        number = self.counts.get(kind, 0) + 1
        self.counts[kind] = number
        paragraph = document.add_paragraph(style="Caption")
        paragraph.add_run(f"{kind} ")
        _field(paragraph, f"SEQ {kind} \\* ARABIC", str(number))
        paragraph.add_run(f"  {title}")
        if kind == "表":
            paragraph.paragraph_format.keep_with_next = True
        return f"{kind} {number}"


@dataclass(frozen=True)
class Cell:
    """A table cell: text, an optional fill colour (hex RGB) and alignment."""

    text: str
    fill: str | None = None
    align: str = "center"  # left | center | right
    bold: bool = False


def _cell_xml(cell: Cell | str, width: int, header: bool) -> str:
    if isinstance(cell, str):
        cell = Cell(cell)
    fill = HEADER_FILL if header and cell.fill is None else cell.fill
    shading = f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>' if fill else ""
    bold = "<w:rPr><w:b/></w:rPr>" if header or cell.bold else ""
    runs = "".join(
        (f"<w:r>{bold}<w:br/></w:r>" if i else "") + f'<w:r>{bold}<w:t xml:space="preserve">{escape(line)}</w:t></w:r>'
        for i, line in enumerate(cell.text.split("\n"))
    )
    style_id = TABLE_TEXT_STYLE.replace(" ", "")
    return (
        f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{shading}<w:vAlign w:val="center"/></w:tcPr>'
        f'<w:p><w:pPr><w:pStyle w:val="{style_id}"/><w:jc w:val="{cell.align}"/></w:pPr>{runs}</w:p></w:tc>'
    )


def add_table(document, header: Sequence[Cell | str], rows: Sequence[Sequence[Cell | str]],
              widths: Sequence[float], header_rows: Sequence[Sequence[Cell | str]] = ()):
    """A grid table whose header row(s) repeat on every page; ``widths`` are relative."""
    total = int(text_width(document) * TWIPS_PER_EMU)
    scale = total / sum(widths)
    twips = [int(w * scale) for w in widths]
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in twips)

    def row_xml(cells: Sequence[Cell | str], is_header: bool) -> str:
        properties = "<w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>" if is_header else "<w:trPr><w:cantSplit/></w:trPr>"
        return f"<w:tr>{properties}" + "".join(_cell_xml(c, w, is_header) for c, w in zip(cells, twips, strict=True)) + "</w:tr>"

    body = "".join(row_xml(r, True) for r in (*header_rows, header)) + "".join(row_xml(r, False) for r in rows)
    table = parse_xml(
        f"<w:tbl {nsdecls('w')}><w:tblPr><w:tblStyle w:val=\"TableGrid\"/><w:tblW w:w=\"{total}\" w:type=\"dxa\"/>"
        f'<w:jc w:val="center"/><w:tblLayout w:type="fixed"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>{body}</w:tbl>'
    )
    document.element.body.append(table)
    _move_section_properties_last(document)
    return table


def _move_section_properties_last(document) -> None:
    """Appending to the body puts content after the final ``w:sectPr``, which must stay last."""
    body = document.element.body
    section_properties = body.find(qn("w:sectPr"))
    if section_properties is not None:
        body.remove(section_properties)
        body.append(section_properties)


def add_picture(document, png: bytes, width: int | None = None) -> None:
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.keep_with_next = True
    paragraph.add_run().add_picture(io.BytesIO(png), width=width or text_width(document))


def add_bullets(document, lines: Sequence[str]) -> None:
    for line in lines:
        document.add_paragraph(line, style="List Bullet")
