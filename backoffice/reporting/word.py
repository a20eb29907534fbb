"""Word (.docx) helpers: paragraphs and tables set in a Chinese font."""

from collections.abc import Sequence

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

FONT = "Noto Sans CJK SC"


def _chinese_font(run, size: float) -> None:
    run.font.size = Pt(size)
    run.font.name = FONT
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)


def paragraph(document, text: str, size: float = 12, bold: bool = False, indent: bool = True,
              center: bool = False) -> None:
    """Add a paragraph; indented two characters unless indent is False."""
    added = document.add_paragraph()
    if center:
        added.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if indent:
        added.paragraph_format.first_line_indent = Pt(size * 2)
    run = added.add_run(text)
    run.bold = bold
    _chinese_font(run, size)


def table(document, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """Add a bordered table with a header row."""
    added = document.add_table(rows=1, cols=len(header))
    added.style = "Table Grid"
    for cell, text in zip(added.rows[0].cells, header, strict=True):
        cell.text = text
    for values in rows:
        for cell, text in zip(added.add_row().cells, values, strict=True):
            cell.text = text
