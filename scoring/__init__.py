"""The year-end assessment (考核): rules as data, pure functions from facts to a ranking.

No Flask, no database: the back-office builds `YearFacts`, picks a `Ruleset` with
`ruleset_for`, calls `assess`, and shows or stores the `Assessment`.
"""

from scoring.assess import assess
from scoring.export import assessment_json
from scoring.facts import (
    CoHandling,
    FormerLead,
    LiaisonTerm,
    Notice,
    Opinion,
    Unit,
    YearFacts,
)
from scoring.result import (
    Adjustment,
    Assessment,
    Component,
    Note,
    OverdueEvent,
    UnitAssessment,
)
from scoring.rules import (
    DEFAULT_RULESETS,
    CoWeights,
    GradeValues,
    LeadWeights,
    Ruleset,
    Tier,
    ruleset_for,
)

__all__ = [
    "DEFAULT_RULESETS",
    "Adjustment",
    "Assessment",
    "CoHandling",
    "CoWeights",
    "Component",
    "FormerLead",
    "GradeValues",
    "LeadWeights",
    "LiaisonTerm",
    "Note",
    "Notice",
    "Opinion",
    "OverdueEvent",
    "Ruleset",
    "Tier",
    "Unit",
    "UnitAssessment",
    "YearFacts",
    "assess",
    "assessment_json",
    "ruleset_for",
]
