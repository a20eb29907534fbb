"""What a column means: its header read by meaning, its cells by what they hold.

`forms` normalises header texts and scores one against a field's names (containment,
shared characters); `profiles` samples a column's cells and tells how well they fit a
field (units, deputies, grades, yes/no, numbers, dates, phones, vocabularies); `assign`
weighs both and gives each column at most one field, and only when that field is clearly
ahead of the next: the rest are reported, never guessed.
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
