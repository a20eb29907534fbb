"""Export stamps: many lines to a cell, each checked on its own; the older layout still reads."""

import hashlib
import json

import openpyxl

from importers import stamps
from importers.exporting import write_kind
from importers.schemas import SCHEMAS
from importers.stamps import STAMP_SHEET, read_stamps, row_key
from tests.importers.export_rows import UNIT_NAMES, sample_rows


def sign(payload: str) -> str:
    return hashlib.sha256(b"test key" + payload.encode()).hexdigest()[:32]


def verify(payload: str, signature: str) -> bool:
    return sign(payload) == signature


def test_stamp_lines_fill_cells_and_a_tampered_line_fails_alone(tmp_path, monkeypatch):
    monkeypatch.setattr(stamps, "STAMP_CELL_CHARS", 900)  # two or three lines a cell
    rows = sample_rows(SCHEMAS["handling"], 9)
    path = tmp_path / "handling.xlsx"
    write_kind(path, "handling", rows, units=UNIT_NAMES, signer=sign)
    book = openpyxl.load_workbook(path)
    cells = [row[0] for row in book[STAMP_SHEET].iter_rows(min_row=2)]
    assert 3 <= len(cells) < 9 and all(len(cell.value) <= 900 for cell in cells)
    assert sum(len(cell.value.split("\n")) for cell in cells) == 9
    assert book[STAMP_SHEET].sheet_state == "veryHidden"

    lines = cells[1].value.split("\n")
    payload, signature = lines[-1].split("\t")
    tampered = json.loads(payload)
    tampered[3]["remarks"] = "改过"
    lines[-1] = json.dumps(tampered, ensure_ascii=False) + "\t" + signature
    cells[1].value = "\n".join(lines)
    book.save(path)

    reading = read_stamps(path, verify)
    keys = [row_key("handling", row) for row in rows]
    assert sorted(key for _kind, key in reading.stamps) == sorted(
        key for key in keys if key != tampered[2])
    [problem] = reading.problems
    assert problem.cell == f"{STAMP_SHEET}!A3" and problem.level == "warning"
    assert f"第{len(lines)}条被改动过" in problem.message


def test_stamps_written_a_line_a_row_in_two_cells_still_read(tmp_path):
    rows = sample_rows(SCHEMAS["progress"], 2)
    path = tmp_path / "progress.xlsx"
    write_kind(path, "progress", rows, signer=sign)
    book = openpyxl.load_workbook(path)
    sheet = book[STAMP_SHEET]
    [cell] = [row[0] for row in sheet.iter_rows(min_row=2)]
    lines = [line.split("\t") for line in cell.value.split("\n")]
    for r, (payload, signature) in enumerate(lines, start=2):
        sheet.cell(r, 1, payload)
        sheet.cell(r, 2, signature)
    sheet.cell(3, 2, "签名被改")
    book.save(path)

    reading = read_stamps(path, verify)
    [stamp] = reading.stamps.values()
    assert stamp.values == json.loads(lines[0][0])[3]
    [problem] = reading.problems
    assert problem.cell == f"{STAMP_SHEET}!A3" and "这一行被改动过" in problem.message
