"""The two kinds of lateness, named and explained once for every screen and document.

"Overdue now" is where the work stands on a day: a step past its due date and not yet
done (the dashboard, the lists, the reminders, the notices). "Late during the year" is
what the assessment counts: a step done after its due date, or still undone at the
year's end; catching up later does not erase it. A unit can be overdue now and have no
late record for the year (the step falls due after the assessment's cut-off), or the
other way round.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Lateness:
    label: str
    explanation: str


OVERDUE_NOW = Lateness(
    "当前超期未办",
    "截至所看的日期，有办理环节（签收、面商、会办意见、答复、二次答复或进展反馈）已过期限"
    "而仍未完成。环节一旦完成，就不再计入。",
)
LATE_IN_YEAR = Lateness(
    "年度超期记录",
    "年度考核所计的超期：本年度内签收、面商、会办意见或答复在期限之后才完成，或到考核截止日"
    "仍未完成。事后补办不能消除这条记录；进展反馈不计入。",
)
LATENESS = {"overdue_now": OVERDUE_NOW, "late_in_year": LATE_IN_YEAR}
