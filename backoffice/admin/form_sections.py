"""Forms in titled sections: each section renders only the fields the user's form has (a
unit's form has fewer), and nothing at all when it has none of them."""

from collections.abc import Sequence
from typing import Any

from flask_admin.form import rules
from markupsafe import Markup


class PresentField(rules.Field):
    """A field, rendered only when the form has it."""

    def __call__(self, form: Any, form_opts: Any = None, field_args: Any = None) -> str:
        if getattr(form, self.field_name, None) is None:
            return ""
        return super().__call__(form, form_opts, field_args)


class HiddenField(rules.BaseRule):
    """A hidden field: the form's hidden tags render it; the rule keeps it on the form."""

    def __init__(self, field_name: str) -> None:
        super().__init__()
        self.field_name = field_name

    @property
    def visible_fields(self) -> list[str]:
        return [self.field_name]

    def __call__(self, form: Any, form_opts: Any = None, field_args: Any = None) -> str:
        return ""


class Section(rules.NestedRule):
    """A titled group of fields."""

    def __init__(self, key: str, title: str, field_names: Sequence[str]) -> None:
        super().__init__([PresentField(name) for name in field_names])
        self.key = key
        self.title = title
        self.field_names = tuple(field_names)

    def __call__(self, form: Any, form_opts: Any = None, field_args: Any = None) -> Markup:
        if not any(getattr(form, name, None) is not None for name in self.field_names):
            return Markup("")
        fields = super().__call__(form, form_opts, field_args)
        return Markup(
            '<fieldset class="form-section" id="section-{}"><legend class="h6">{}</legend>{}'
            "</fieldset>"
        ).format(self.key, self.title, fields)


def sectioned(sections: Sequence[tuple[str, str, Sequence[str]]],
              hidden: Sequence[str] = ()) -> list[rules.BaseRule]:
    """Return the form rules of (key, title, field names) sections and hidden fields."""
    return [*(Section(*section) for section in sections), *map(HiddenField, hidden)]

