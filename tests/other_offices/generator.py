"""Write a sample year's facts the way other district offices would.

    write_year(truth, folder, SeededPicker(7))   # a folder of workbooks, no two alike

The facts come from the year's truth.json; every way of writing them (header words,
date and number forms, separators, layouts, file formats) comes from vocabulary.toml,
and every choice among them is the picker's: a seeded one for fixed variants, one that
draws from Hypothesis for property tests, or `OwnPicker`, which writes the office's own
canonical sheets as a check on the generator itself.
"""

from __future__ import annotations

import random
import tomllib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Protocol, TypeVar

from importers.schemas import SCHEMAS, FieldType
from importers.schemas.base import Looks
from importers.vocabulary import AnswerType
from tests.other_offices.writers import Book, Grid, write_book

VOCABULARY: dict[str, Any] = tomllib.loads(
    Path(__file__).with_name("vocabulary.toml").read_text(encoding="utf-8"))

T = TypeVar("T")


class Picker(Protocol):
    """Whoever makes the generator's choices."""

    def pick(self, options: Sequence[T], what: str) -> T:
        """Return one of the options; `what` names the choice, as `kind/aspect`."""

    def rng(self, what: str) -> random.Random:
        """Return a random source for choices made per cell or per shuffle."""


class SeededPicker:
    """Choose at random from a seed, except where `forced` names the choice (`kind/aspect`,
    as in "units/name/header") or its aspect alone (as in "format", for every file)."""

    def __init__(self, seed: int, forced: dict[str, Any] | None = None) -> None:
        self.random = random.Random(seed)
        self.forced = forced or {}

    def pick(self, options: Sequence[T], what: str) -> T:
        for key in (what, what.rsplit("/", 1)[-1]):
            if key in self.forced:
                value = self.forced[key]
                assert value in options, f"{what}: {value!r} is not one of {options!r}"
                return value
        return self.random.choice(list(options))

    def rng(self, what: str) -> random.Random:
        return random.Random(self.random.getrandbits(32))


class OwnPicker:
    """Write the sheets as this office does: the first option of every choice."""

    def pick(self, options: Sequence[T], what: str) -> T:
        return options[0]

    def rng(self, what: str) -> random.Random:
        return _FirstChoice()


class _FirstChoice(random.Random):
    def choice(self, seq: Sequence[T]) -> T:
        return seq[0]

    def shuffle(self, x: list[Any]) -> None:
        return None


# The options of a yes-or-no choice, "no" first: OwnPicker then writes no extras.
NO, YES = "no", "yes"

# --- the facts, as rows of typed values by field name ---------------------------------


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def fact_rows(truth: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Return, per sheet kind, the rows that state truth.json's facts."""
    opinions = truth["opinions"]
    rows: dict[str, list[dict[str, Any]]] = {
        "units": [dict(u) for u in truth["units"]],
        "deputies": [dict(d) for d in truth["deputies"]],
        "liaisons": [{**t, "start": _day(t["start"]), "end": _day(t["end"])}
                     for t in truth["liaisons"]],
        "notices": [{**n, "on": _day(n["on"])} for n in truth["notices"]],
        "opinions": [], "handling": [], "signoffs": [], "contacts": [], "progress": [],
        "evaluations": [], "co-evaluations": [],
    }
    for o in opinions:
        number, unit = int(o["number"]), o["lead_unit"]
        rows["opinions"].append({
            "number": number, "title": o["title"], "lead_deputy": o["lead_deputy"],
            "cosigners": o["cosigners"], "delegation": o["delegation"],
            "category": o["category"], "lead_unit": unit, "co_units": o["co_units"],
            "assigned_on": _day(o["assigned_on"]), "supervisor": o["supervisor"],
            "content": o["content"][:16] + "……" if o.get("content") else None,
        })
        rows["handling"].append({
            "number": number, "title": o["title"], "lead_unit": unit,
            "accepted_on": _day(o["accepted_on"]), "consulted_on": _day(o["consulted_on"]),
            "consult_method": o["consult_method"], "replied_on": _day(o["replied_on"]),
            "answer_type": o["answer_type"], "concluded": o["concluded_on"] is not None,
            "concluded_on": _day(o["concluded_on"]),
            "second_reply_on": _day(o.get("second_reply_on")),
        })
        if o.get("approval"):
            rows["signoffs"].append({
                "number": number, "title": o["title"], "lead_unit": unit,
                "approver": o["approval"]["approver"],
                "approved_on": _day(o["approval"]["approved_on"])})
        rows["contacts"] += [{"number": number, "unit": unit, "stage": c["stage"],
                              "method": c["method"], "on": _day(c["on"])}
                             for c in o["contacts"]]
        rows["progress"] += [{"number": number, "lead_unit": unit, "on": _day(f["on"]),
                              "text": f["text"]} for f in o["feedback"]]
        rows["evaluations"] += _evaluations(o, number)
        rows["co-evaluations"] += [{"number": number, "lead_unit": unit, "co_unit": c["unit"],
                                    "submitted_on": _day(c["submitted_on"]),
                                    "rating": c["lead_rating"]} for c in o["co_handling"]]
    return rows


def _evaluations(opinion: dict[str, Any], number: int) -> list[dict[str, Any]]:
    """Return a 不同意 row when the reply was returned, then the final 同意 row."""
    common = {"number": number, "lead_deputy": opinion["lead_deputy"],
              "lead_unit": opinion["lead_unit"]}
    rows = []
    if opinion["returned"]:
        rows.append({**common, "agree": False, "grade": None, "praised": False,
                     "co_grades": [], "consent_publish": False,
                     "evaluated_on": _day(opinion["returned"]["disagreed_on"])})
    if final := opinion["evaluation"]:
        rows.append({**common, "agree": True, "grade": final["grade"],
                     "praised": opinion["praised"], "consent_publish": final["consent_publish"],
                     "evaluated_on": _day(final["evaluated_on"]),
                     "co_grades": [(c["unit"], c["deputy_rating"]) for c in opinion["co_handling"]
                                   if c["deputy_rating"]]})
    return rows


# --- one sheet written one office's way ---------------------------------------------------


@dataclass
class Habits:
    """How one office writes one file: every choice the vocabulary offers, made once."""

    kind: str
    headers: dict[str, str]  # field -> header as written
    order: list[str]  # fields, extras and the serial column, left to right
    group: tuple[str, list[str]] | None  # (group title, its fields) for a two-level header
    extras: dict[str, str] = field(default_factory=dict)  # extra column -> its filler
    titles: list[str] = field(default_factory=list)
    blank_rows: int = 0
    footer: list[str] = field(default_factory=list)  # lines below the data, in column A
    year: int = 0  # the session's year, for the footer's lines
    numbered_ahead: int = 0  # empty rows below the data with only their serial number
    write_date: Callable[[date], Any] = str
    write_number: Callable[[int], Any] = str
    separator: str = "、"
    empty_list: str = ""
    yes_no: dict[str, tuple[str, str]] = field(default_factory=dict)
    choices: dict[str, str] = field(default_factory=dict)  # field -> template
    unit_grade: str = "{unit}:{grade}"
    phone_as_number: bool = False
    spell_unit: Callable[[str], str] = str
    unit_alone: str = "{unit}"  # a cell of one unit
    spell_person: Callable[[str], str] = str
    hidden: str | None = None  # a column hidden in the file (its data still holds)
    merge_repeats: str | None = None  # a column whose equal neighbours are merged cells


def _fields(kind: str, facts: list[dict[str, Any]]) -> list[str]:
    """Return the kind's fields, in schema order, that the vocabulary and the facts have."""
    names = [f.name for f in SCHEMAS[kind].fields if f.name in VOCABULARY["headers"][kind]]
    return [n for n in names if any(n in row for row in facts)]


def _decorate(header: str, kind: str, name: str, pick: Picker) -> str:
    """Dress a header as offices do: a note, a marker, a colon or spaces inside."""
    field_type = SCHEMAS[kind].by_name[name].type
    decorations = list(VOCABULARY["decorations"]["any"])
    if field_type is FieldType.DATE:
        decorations += VOCABULARY["decorations"]["date"]
    if field_type is FieldType.CHOICE:
        decorations += VOCABULARY["decorations"]["choice"]
    style = pick.pick(decorations, f"{kind}/{name}/decoration")
    if style == "spaced":
        return " ".join(header) if len(header) <= 4 else header
    return style.format(h=header)


def choose_habits(kind: str, facts: list[dict[str, Any]], truth: dict[str, Any],
                  pick: Picker, units: dict[str, list[str]], file_format: str) -> Habits:
    """Make every choice for one file of a kind: its columns, its layout, its forms."""
    habits = _columns(kind, facts, pick)
    _lay_out(habits, truth, pick, file_format)
    _choose_forms(habits, pick, units, file_format)
    return habits


def _columns(kind: str, facts: list[dict[str, Any]], pick: Picker) -> Habits:
    """Choose the columns: their headers, a two-level group, extras, a serial column."""
    vocabulary = VOCABULARY
    names = _fields(kind, facts)
    if kind == "opinions" and pick.pick([NO, YES], f"{kind}/summary") == NO:
        names.remove("content")
    group = None
    if kind in vocabulary["groups"] and pick.pick([NO, YES], f"{kind}/two_level") == YES:
        spec = vocabulary["groups"][kind]
        group = (spec["title"], [n for n in spec["fields"] if n in names])
    headers: dict[str, str] = {}
    used: set[str] = set()
    for name in names:
        if group and name in group[1]:
            options = vocabulary["groups"][kind]["fields"][name]
        else:
            options = vocabulary["headers"][kind][name]
        options = [o for o in options if o not in used] or options
        chosen = pick.pick(options, f"{kind}/{name}/header")
        used.add(chosen)
        headers[name] = _decorate(chosen, kind, name, pick)
    habits = Habits(kind, headers, order=list(names), group=group)
    extras = vocabulary["extras"].get(kind, vocabulary["extras"]["any"])
    if pick.pick([NO, YES], f"{kind}/extra") == YES:
        extra = pick.pick(sorted(extras), f"{kind}/extra_header")
        habits.extras[extra] = pick.pick(extras[extra], f"{kind}/extra_filler")
        habits.order.append(extra)
    if pick.pick([NO, YES], f"{kind}/serial") == YES:
        habits.order.insert(0, pick.pick(vocabulary["layout"]["serial_headers"],
                                         f"{kind}/serial_header"))
    return habits


def _lay_out(habits: Habits, truth: dict[str, Any], pick: Picker, file_format: str) -> None:
    """Choose the column order, the rows above the header, a hidden and a merged column."""
    kind, layout = habits.kind, VOCABULARY["layout"]
    how = pick.pick(["as listed", "shuffled"], f"{kind}/order")
    habits.order = _arranged(habits.order, habits.group, how, pick.rng(kind))
    count = pick.pick([0, 1, 2], f"{kind}/title_rows")
    habits.titles = [t.format(session=truth["session"], year=truth["year"],
                              title=SCHEMAS[kind].title, n=i + 1)
                     for i, t in enumerate(pick.rng(kind).sample(layout["titles"], count))]
    habits.blank_rows = pick.pick(layout["blank_rows_above_header"], f"{kind}/blank_rows")
    habits.footer = list(pick.pick(layout["footers"], f"{kind}/footer"))
    habits.year = truth["year"]
    habits.numbered_ahead = pick.pick(layout["numbered_ahead"], f"{kind}/numbered_ahead")
    if file_format in ("xlsx", "xls"):  # the formats that keep hidden and merged cells
        names = list(habits.headers)
        habits.hidden = pick.pick([None, *names], f"{kind}/hidden")
        repeats = [n for n in names if n in ("number", "lead_unit", "unit")]
        habits.merge_repeats = pick.pick([None, *repeats], f"{kind}/merged")


def _choose_forms(habits: Habits, pick: Picker, units: dict[str, list[str]],
                  file_format: str) -> None:
    """Choose how values are written: dates, numbers, lists, yes and no, choices, units."""
    kind, vocabulary = habits.kind, VOCABULARY
    habits.write_date = _date_writer(kind, pick, file_format)
    habits.write_number = _number_writer(kind, pick)
    habits.separator = pick.pick(vocabulary["lists"]["separators"], f"{kind}/separator")
    habits.empty_list = pick.pick(vocabulary["lists"]["empty"], f"{kind}/empty_list")
    for name in habits.headers:
        spec = SCHEMAS[kind].by_name[name]
        if spec.type is FieldType.BOOL:
            pairs = vocabulary["yes_no"].get(name, vocabulary["yes_no"]["default"])
            habits.yes_no[name] = tuple(pick.pick(pairs, f"{kind}/{name}/yes_no"))
        if spec.type is FieldType.CHOICE:
            templates = vocabulary["choices"].get(name, ["{value}"])
            habits.choices[name] = pick.pick(templates, f"{kind}/{name}/spelling")
    habits.unit_grade = pick.pick(vocabulary["lists"]["unit_grades"], f"{kind}/unit_grade")
    habits.phone_as_number = pick.pick(vocabulary["phones"]["cells"], f"{kind}/phone") == "int"
    habits.spell_unit = _unit_speller(units, pick.rng(f"{kind}/units"))
    habits.unit_alone = pick.pick(vocabulary["units"]["alone"], f"{kind}/unit_alone")
    spelling = pick.pick(vocabulary["people"]["spellings"], f"{kind}/people")
    if habits.separator != " ":
        habits.spell_person = lambda name: spelling.format(name=name, padded=_padded(name))


def _arranged(order: list[str], group: tuple[str, list[str]] | None, how: str,
              rng: random.Random) -> list[str]:
    """Return the columns in the office's order, a group's fields side by side."""
    order = list(order)
    if how == "shuffled":
        rng.shuffle(order)
    if group:
        members = [n for n in group[1] if n in order]
        at = min(order.index(n) for n in members)
        rest = [n for n in order if n not in members]
        at = len([n for n in order[:at] if n not in members])
        order = rest[:at] + members + rest[at:]
    return order


_FULL_WIDTH = str.maketrans("0123456789/-.", "０１２３４５６７８９／－．")


def _date_writer(kind: str, pick: Picker, file_format: str) -> Callable[[date], Any]:
    forms = VOCABULARY["dates"]
    mixed = pick.pick(["one form", "mixed"], f"{kind}/date_mix") == "mixed"
    one = pick.pick(forms, f"{kind}/date")
    rng = pick.rng(f"{kind}/dates")

    def write(day: date) -> Any:
        form = rng.choice(forms) if mixed else one
        return _written_date(day, form, file_format)

    return write


def _written_date(day: date, form: dict[str, Any], file_format: str) -> Any:
    cell = form.get("cell")
    if cell == "date":
        return day if not file_format.startswith("csv") else f"{day.year}/{day.month}/{day.day}"
    if cell == "serial":
        return (day - date(1899, 12, 30)).days
    if cell == "yyyymmdd":
        return day.year * 10000 + day.month * 100 + day.day
    text = form["text"].format(y=day.year, yy=f"{day.year % 100:02d}", m=day.month, d=day.day,
                               mm=f"{day.month:02d}", dd=f"{day.day:02d}")
    return text.translate(_FULL_WIDTH) if form.get("full_width") else text


def _number_writer(kind: str, pick: Picker) -> Callable[[int], Any]:
    form = pick.pick(VOCABULARY["numbers"], f"{kind}/number")
    match form.get("cell"):
        case "int":
            return int
        case "float":
            return float
    template = form["text"]
    return lambda n: template.format(n=n)


def _unit_speller(units: dict[str, list[str]], rng: random.Random) -> Callable[[str], str]:
    spellings = VOCABULARY["units"]["spellings"]

    def spell(name: str) -> str:
        aliases = units.get(name) or [name]
        return rng.choice(spellings).format(name=name, alias=rng.choice(aliases),
                                            official=_official(name))

    return spell


def _official(name: str) -> str:
    """Return a district's office (区教育局) or a town (七宝镇) under its district's name."""
    district = VOCABULARY["units"]["district"]
    if name.startswith("区"):
        return district + name.removeprefix("区")
    return district + name if name.endswith(("镇", "街道")) else name


def _padded(name: str) -> str:
    return "  ".join(name) if len(name) == 2 else name


def written(habits: Habits, name: str, value: Any) -> Any:
    """Return one fact as this office writes it in a cell."""
    spec = SCHEMAS[habits.kind].by_name[name]
    if value is None:
        return ""
    if spec.multi:
        if not value:
            return habits.empty_list
        spell = (habits.spell_unit if spec.type is FieldType.UNIT
                 else habits.spell_person if spec.looks is Looks.DEPUTY else str)
        return habits.separator.join(spell(v).strip() for v in value)
    match spec.type:
        case FieldType.DATE:
            return habits.write_date(value)
        case FieldType.NUMBER:
            return habits.write_number(value)
        case FieldType.UNIT:
            return habits.unit_alone.format(unit=habits.spell_unit(value))
        case FieldType.BOOL:
            yes, no = habits.yes_no[name]
            return yes if value else no
        case FieldType.CHOICE:
            label = AnswerType(value).label if name == "answer_type" else value
            return habits.choices[name].format(value=value, letter=value, label=label)
        case FieldType.UNIT_GRADES:
            return habits.separator.join(
                habits.unit_grade.format(unit=habits.spell_unit(u).strip(), grade=g)
                for u, g in value) if value else habits.empty_list
    if spec.looks is Looks.DEPUTY:
        return habits.spell_person(value)
    if name == "phone" and habits.phone_as_number and value.isdigit():
        return int(value)
    return value


def grid(habits: Habits, facts: list[dict[str, Any]]) -> Grid:
    """Lay one file's rows out: titles, blank rows, the header (two levels), the data."""
    width = len(habits.order)
    cells: list[list[Any]] = [[title] + [""] * (width - 1) for title in habits.titles]
    merges = [(r, 0, r, width - 1) for r in range(len(cells))]
    cells += [[""] * width for _ in range(habits.blank_rows)]
    top = len(cells)

    def header_of(column: str) -> str:
        return habits.headers.get(column, column)

    if habits.group:
        title, members = habits.group
        columns = [habits.order.index(n) for n in members]
        upper = [title if c == columns[0] else "" if c in columns else header_of(n)
                 for c, n in enumerate(habits.order)]
        lower = [header_of(n) if c in columns else "" for c, n in enumerate(habits.order)]
        cells += [upper, lower]
        merges.append((top, columns[0], top, columns[-1]))
        merges += [(top, c, top + 1, c) for c in range(width) if c not in columns]
    else:
        cells.append([header_of(n) for n in habits.order])
    first_data = len(cells)
    for i, row in enumerate(facts):
        cells.append([_cell(habits, column, row, i) for column in habits.order])
    serial = next((c for c, n in enumerate(habits.order)
                   if n not in habits.headers and n not in habits.extras), None)
    if serial is not None:
        for n in range(len(facts), len(facts) + habits.numbered_ahead):
            cells.append(["" if c != serial else n + 1 for c in range(width)])
    if habits.merge_repeats:
        merges += _repeat_merges(cells, habits.order.index(habits.merge_repeats), first_data)
    year = habits.year
    cells += [[line.format(count=len(facts), year=year)] + [""] * (width - 1)
              for line in habits.footer]
    hidden = [habits.order.index(habits.hidden)] if habits.hidden else []
    return Grid(cells, merges, hidden)


def _cell(habits: Habits, column: str, row: dict[str, Any], index: int) -> Any:
    if column in habits.extras:
        return habits.extras[column]
    if column not in habits.headers:  # the serial column
        return index + 1
    return written(habits, column, row[column])


def _repeat_merges(cells: list[list[Any]], column: int,
                   first: int) -> Iterator[tuple[int, int, int, int]]:
    """Merge runs of equal values down a column, blanking all but each run's first cell."""
    start = first
    for r in range(first + 1, len(cells) + 1):
        if r < len(cells) and cells[r][column] == cells[start][column]:
            continue
        if r - start > 1:
            for covered in range(start + 1, r):
                cells[covered][column] = ""
            yield (start, column, r - 1, column)
        start = r


# --- a whole year --------------------------------------------------------------------------


@dataclass
class GeneratedFile:
    """A file written, its kind, and per sheet (as a reader names it) each column's field."""

    path: Path
    kind: str
    columns: dict[str, dict[int, str | None]]
    headers: dict[str, str]  # field -> its header as written (in the file's last sheet)


def write_year(truth: dict[str, Any], folder: Path, pick: Picker) -> list[GeneratedFile]:
    """Write every fact of a year as other offices would; return the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = fact_rows(truth)
    units = {u["name"]: u["aliases"] for u in truth["units"]}
    formats = VOCABULARY["formats"]["files"]
    generated = []
    for n, (kind, facts) in enumerate(rows.items(), start=1):
        if not facts:
            continue
        parts = [(f"附件{n}", facts)]
        if kind == "handling" and pick.pick(["one file", "per unit"], "handling/files") \
                == "per unit":
            by_unit: dict[str, list[dict[str, Any]]] = {}
            for row in facts:
                by_unit.setdefault(row["lead_unit"], []).append(row)
            parts = [(f"附件{n}-{unit}", unit_rows) for unit, unit_rows in by_unit.items()]
        for stem, part in parts:
            what = kind if len(parts) == 1 else f"{kind}:{stem}"
            file_format = pick.pick(formats, f"{what}/format")
            sheets = _sheets(kind, part, pick, what)
            habits = {name: choose_habits(kind, sheet_rows, truth, pick, units, file_format)
                      for name, sheet_rows in sheets.items()}
            book = Book({name: grid(habits[name], sheet_rows)
                         for name, sheet_rows in sheets.items()})
            for path, names in write_book(book, folder / stem, file_format).items():
                columns = {seen: _intended(habits[name]) for seen, name in names.items()}
                headers = {f: h for name in names.values() for f, h in habits[name].headers.items()}
                generated.append(GeneratedFile(path, kind, columns, headers))
    return generated


def _intended(habits: Habits) -> dict[int, str | None]:
    return {c: name if name in habits.headers else None for c, name in enumerate(habits.order)}


def _sheets(kind: str, facts: list[dict[str, Any]], pick: Picker,
            what: str) -> dict[str, list[dict[str, Any]]]:
    """Return the file's sheets: the assignment list may be one sheet per category."""
    if kind != "opinions" or pick.pick(["one sheet", "per category"], f"{what}/sheets") \
            == "one sheet":
        return {"Sheet1": facts}
    return _by_category(facts)


def _by_category(facts: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    by_category: dict[str, list[dict[str, Any]]] = {}
    for row in facts:
        by_category.setdefault(row["category"], []).append(row)
    return by_category
