"""What a column means: its header read by meaning, its cells by what they hold.

`forms` normalises header texts and scores one against a field's names (containment,
shared characters); `profiles` samples a column's cells and tells how well they fit a
field (units, deputies, grades, yes/no, numbers, dates, phones, vocabularies); `assign`
weighs both and gives each column at most one field, and only when that field is clearly
ahead of the next: the rest are reported, never guessed.

How other offices title columns, in the rules' words: a header's notes drop one at a
time (承办单位（会办）（必填）); 第 before an ordinal, 时间/日 for 日期 and each of two
things named together (联系人及电话) are other forms; a compound is read by its head
(经办人联系电话 is a phone, not the 经办人); a name that adds only a type word is nearly
the header (答复 for 答复日期); 日期/时间 or 是否/与否 in a header announce dates or
yes-and-no, so under a group title 办理时间, 办结 is a date; a header between two fields
is settled by its cells, even one, or by another column taking one of them.
"""

from importers.matching.assign import (
    MARGIN,
    THRESHOLD,
    Candidate,
    Resolution,
    assign,
    candidates_for,
)
from importers.matching.forms import header_keys, normalise_header, similarity
from importers.matching.profiles import SAMPLE_ROWS, Knowledge, Profiler

__all__ = [
    "MARGIN",
    "SAMPLE_ROWS",
    "THRESHOLD",
    "Candidate",
    "Knowledge",
    "Profiler",
    "Resolution",
    "assign",
    "candidates_for",
    "header_keys",
    "normalise_header",
    "similarity",
]
