"""Reading a Word document back: its layout as official documents have it (test helper)."""

from docx.oxml.ns import qn


def _fonts(element) -> dict[str, str]:
    """Return the Latin and Chinese font names of a style."""
    fonts = element.find(qn("w:rPr")).find(qn("w:rFonts"))
    return {name: fonts.get(qn(f"w:{name}")) for name in ("eastAsia", "ascii")}


def styled(document, style: str) -> list[str]:
    """Return the text of the paragraphs in style, in order."""
    return [p.text for p in document.paragraphs if p.style.name == style]


def assert_official_layout(document) -> None:
    """A4 portrait, GB/T 9704 margins, its fonts in the styles, — PAGE — in the footers."""
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = (section.top_margin, section.bottom_margin, section.left_margin,
               section.right_margin)
    assert [round(m.mm) for m in margins] == [37, 35, 28, 26]
    styles = document.styles
    assert _fonts(styles["Normal"].element)["eastAsia"] == "仿宋_GB2312"
    assert styles["Normal"].font.size.pt == 16
    assert 28 <= styles["Normal"].paragraph_format.line_spacing.pt <= 29
    assert _fonts(styles["Heading 1"].element)["eastAsia"] == "黑体"
    assert _fonts(styles["Heading 2"].element)["eastAsia"] == "楷体_GB2312"
    assert _fonts(styles["Heading 3"].element) == {"eastAsia": "仿宋_GB2312",
                                                   "ascii": "Times New Roman"}
    assert styles["Heading 3"].font.bold and styles["Heading 1"].font.size.pt == 16
    assert _fonts(styles["公文标题"].element)["eastAsia"] == "方正小标宋简体"
    for footer in (section.footer, section.even_page_footer):
        xml = footer._element.xml
        assert "<w:instrText" in xml and " PAGE " in xml
        assert footer.paragraphs[0].text.startswith("— ")
    font_table = next(p for p in document.part.package.iter_parts()
                      if p.partname == "/word/fontTable.xml").blob.decode()
    assert 'w:name="仿宋_GB2312"><w:altName w:val="仿宋"/>' in font_table
