"""Stream an XML part through expat, a chunk at a time, with no document type allowed."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from xml.parsers import expat

from importers.problems import CORRUPT, ReadError

Start = Callable[[str, dict[str, str]], None]
End = Callable[[str], None]


class _LocalNames(dict[str, str]):
    """Element name -> name without its prefix (x:c -> c), as calamine matches names."""

    def __missing__(self, name: str) -> str:
        self[name] = found = name[name.find(":") + 1:]
        return found


# A handler runs for every element of a sheet: a dictionary lookup is the cheapest way.
LOCAL_NAMES = _LocalNames()


def local(name: str) -> str:
    """Return an element's name without its prefix (x:c -> c)."""
    return LOCAL_NAMES[name]


def text(value: str) -> str:
    """Return an attribute value the scan read as Latin-1 as the UTF-8 text it was."""
    return value.encode("latin-1").decode("utf-8", "replace")


def scan(chunks: Iterable[bytes], start: Start, end: End, where: str) -> None:
    """Feed the chunks to expat, calling start and end for every element."""
    # Read as Latin-1 whatever the part declares: tags and references are ASCII, and
    # any byte is valid, so no declared encoding can make the scan fail or differ.
    parser = expat.ParserCreate(encoding="iso-8859-1")
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.StartDoctypeDeclHandler = _refuse_doctype
    try:
        for chunk in chunks:
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError as error:
        raise ReadError(f"{CORRUPT}（{where}：{error}）") from None


def _refuse_doctype(*_args: object) -> None:
    # Office parts never declare a document type; one that does may define entity bombs.
    raise ReadError("文件中含有不允许的 XML 文档类型声明（DOCTYPE），不像是正常的表格文件")
