"""Word documents laid out as Chinese official documents (GB/T 9704—2012).

A4 with the standard's margins; the title in 方正小标宋简体 二号, the body in
仿宋_GB2312 三号 on a fixed 28.95 pt line (22 lines a page); headings 一、 in 黑体,
（一） in 楷体_GB2312 and 1. in 仿宋 bold, on Word's own 标题 1–3 styles so the navigation
pane and the table of contents see them; — 1 — page numbers outside on odd and even pages.

The standard's fonts are not on every machine: each is named in w:eastAsia (what Word
uses for Chinese) and declared in the font table with the common font Word and WPS
substitute when it is missing (仿宋_GB2312 → 仿宋).
"""

import io
import re
from collections.abc import Sequence

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.styles.style import BaseStyle
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from lxml import etree

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体_GB2312"
NUMBER_FONT = "宋体"  # the page numbers: 4号半角宋体阿拉伯数字
LATIN_FONT = "Times New Roman"
# What a machine without the standard's fonts shows instead (the font table's altName).
FALLBACKS = {TITLE_FONT: "宋体", BODY_FONT: "仿宋", SUBHEADING_FONT: "楷体"}

BODY_SIZE = 16  # 三号
TITLE_SIZE = 22  # 二号
TABLE_SIZE = 12  # 小四: tables keep to the page width
NUMBER_SIZE = 14  # 四号
LINE = Pt(28.95)  # 22 lines in the 225 mm type area
MARGINS = {"top": Mm(37), "bottom": Mm(35), "left": Mm(28), "right": Mm(26)}
TYPE_WIDTH_MM = 210 - 28 - 26

# Heading level → (style, font, bold): 一、 （一） 1.
HEADINGS = {
    1: ("Heading 1", HEADING_FONT, False),
    2: ("Heading 2", SUBHEADING_FONT, False),
    3: ("Heading 3", BODY_FONT, True),
}
TITLE_STYLE = "公文标题"
NUMERALS = "一二三四五六七八九十"
# What Word's XML cannot hold: control characters but tab and line breaks, and the two
# non-characters. A unit's note pasted from Excel may carry one (a vertical tab).
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(text: str) -> str:
    """Return text without the characters a Word document cannot hold."""
    return _NOT_IN_XML.sub("", text)


def chinese_numeral(number: int) -> str:
    """Return 1–99 as 一 … 九十九, for 一、 and （一） headings (larger ones as digits)."""
    if number > 99:
        return str(number)
    if number <= 10:
        return NUMERALS[number - 1]
    tens, ones = divmod(number, 10)
    return (NUMERALS[tens - 1] if tens > 1 else "") + "十" + (NUMERALS[ones - 1] if ones else "")


def set_font(target: Run | BaseStyle, east_asian: str, size: float | None = None,
             bold: bool | None = None, latin: str = LATIN_FONT) -> None:
    """Set the fonts of a run or a style: Chinese text in east_asian, the rest in latin."""
    fonts = target._element.get_or_add_rPr().get_or_add_rFonts()
    # Theme fonts (the template's headings) would override the names given here.
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)
    for attribute, name in (("w:ascii", latin), ("w:hAnsi", latin), ("w:eastAsia", east_asian),
                            ("w:cs", latin)):
        fonts.set(qn(attribute), name)
    # Through python-docx's properties: they keep the elements in the schema's order.
    if size is not None:
        target.font.size = Pt(size)
    if bold is not None:
        target.font.bold = bold


def _declare_fallbacks(document) -> None:
    part = next(part for part in document.part.package.iter_parts()
                if part.partname == "/word/fontTable.xml")
    table = parse_xml(part.blob)
    for name, alternative in FALLBACKS.items():
        font = OxmlElement("w:font")
        font.set(qn("w:name"), name)
        alt = OxmlElement("w:altName")
        alt.set(qn("w:val"), alternative)
        charset = OxmlElement("w:charset")
        charset.set(qn("w:val"), "86")  # GB2312
        font.extend([alt, charset])
        table.append(font)
    # python-docx keeps the font table as a plain part: its bytes are what it saves.
    part._blob = etree.tostring(table, xml_declaration=True, encoding="UTF-8", standalone=True)


def _style_paragraphs(document) -> None:
    normal = document.styles["Normal"]
    set_font(normal, BODY_FONT, BODY_SIZE)
    layout = normal.paragraph_format
    layout.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    layout.line_spacing = LINE
    layout.space_before = layout.space_after = Pt(0)
    layout.widow_control = False
    normal.font.color.rgb = RGBColor(0, 0, 0)
    for style_name, font, bold in HEADINGS.values():
        style = document.styles[style_name]
        set_font(style, font, BODY_SIZE, bold)
        style.font.color.rgb = RGBColor(0, 0, 0)
        style.font.italic = False
        heading = style.paragraph_format
        heading.space_before = heading.space_after = Pt(0)
        heading.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        heading.line_spacing = LINE
        heading.first_line_indent = Pt(BODY_SIZE * 2)
        heading.keep_with_next = True
    title = document.styles.add_style(TITLE_STYLE, 1)  # a paragraph style
    title.style_id = "OfficialTitle"  # the name shows in Word; the id stays ASCII
    title.base_style = normal
    set_font(title, TITLE_FONT, TITLE_SIZE, False)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.line_spacing = Pt(TITLE_SIZE * 1.6)
    title.paragraph_format.space_after = LINE


def _number_run(paragraph: Paragraph, text: str = ""):
    run = paragraph.add_run(text)
    set_font(run, NUMBER_FONT, NUMBER_SIZE, latin=NUMBER_FONT)
    return run


def _field(paragraph: Paragraph, instruction: str) -> None:
    """Add a field (PAGE) that Word fills in as it lays out the page; 1 until then."""

    def char(kind: str) -> None:
        mark = OxmlElement("w:fldChar")
        mark.set(qn("w:fldCharType"), kind)
        _number_run(paragraph)._r.append(mark)

    char("begin")
    code = OxmlElement("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = f" {instruction} "
    _number_run(paragraph)._r.append(code)
    char("separate")
    _number_run(paragraph, "1")
    char("end")


def _page_number(footer, alignment: WD_ALIGN_PARAGRAPH) -> None:
    paragraph = footer.paragraphs[0]
    paragraph.alignment = alignment
    # One character in from the outer edge, as the standard places it.
    if alignment == WD_ALIGN_PARAGRAPH.RIGHT:
        paragraph.paragraph_format.right_indent = Pt(NUMBER_SIZE)
    else:
        paragraph.paragraph_format.left_indent = Pt(NUMBER_SIZE)
    _number_run(paragraph, "— ")
    _field(paragraph, "PAGE")
    _number_run(paragraph, " —")


def _page(document) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = MARGINS["top"], MARGINS["bottom"]
    section.left_margin, section.right_margin = MARGINS["left"], MARGINS["right"]
    # The number's line starts 7 mm below the type area; Word measures to the line's foot.
    section.footer_distance = MARGINS["bottom"] - Mm(7) - Pt(NUMBER_SIZE)
    document.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer, WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)


class OfficialDocument:
    """A document being written: title, headings, paragraphs, tables and pictures."""

    def __init__(self) -> None:
        self.document = Document()
        _page(self.document)
        _style_paragraphs(self.document)
        _declare_fallbacks(self.document)

    def title(self, text: str) -> None:
        self.document.add_paragraph(xml_text(text), style=TITLE_STYLE)

    def subtitle(self, text: str) -> None:
        """Add a centred body-font line under the title (a period, a date)."""
        added = self.document.add_paragraph(xml_text(text))
        added.alignment = WD_ALIGN_PARAGRAPH.CENTER

    def heading(self, level: int, text: str) -> None:
        """Add a heading; the text carries its own 一、（一）1. numbering."""
        self.document.add_paragraph(xml_text(text), style=HEADINGS[level][0])

    def paragraph(self, text: str, indent: bool = True) -> Paragraph:
        """Add a body paragraph, indented two characters unless indent is False."""
        added = self.document.add_paragraph(xml_text(text))
        if indent:
            added.paragraph_format.first_line_indent = Pt(BODY_SIZE * 2)
        return added

    def table(self, header: Sequence[str] | None, rows: Sequence[Sequence[str]],
              widths_mm: Sequence[float] | None = None, size: float = TABLE_SIZE) -> None:
        """Add a bordered, centred table in 小四 (or size), its header row bold; columns
        widths_mm wide when given (equal otherwise)."""
        lines = [(header, True)] if header else []
        lines += [(values, False) for values in rows]
        added = self.document.add_table(rows=0, cols=len(lines[0][0]))
        added.style = "Table Grid"
        added.alignment = WD_TABLE_ALIGNMENT.CENTER
        if widths_mm:
            # Word reads the cells' widths, LibreOffice and WPS the grid's: set both.
            added.autofit = False
            for column, width in zip(added.columns, widths_mm, strict=True):
                column.width = Mm(width)
        for texts, bold in lines:
            cells = added.add_row().cells
            for column, (cell, text) in enumerate(zip(cells, texts, strict=True)):
                if widths_mm:
                    cell.width = Mm(widths_mm[column])
                line = cell.paragraphs[0]
                line.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
                set_font(line.add_run(xml_text(text)), BODY_FONT, size, bold)

    def space(self, lines: int = 1) -> None:
        """Add empty body lines (a cover page's air)."""
        for _ in range(lines):
            self.document.add_paragraph()

    def picture(self, png: bytes, width_mm: float = TYPE_WIDTH_MM - 10) -> None:
        """Add an image centred on its own line (single spacing: a fixed line would clip it)."""
        added = self.document.add_paragraph()
        added.alignment = WD_ALIGN_PARAGRAPH.CENTER
        added.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        added.add_run().add_picture(io.BytesIO(png), width=Mm(width_mm))

    def page_break(self) -> None:
        self.document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.document.save(buffer)
        return buffer.getvalue()
