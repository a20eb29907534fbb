"""Model form fields that refuse a date or a number no record can hold, next to the field.

A date of something done (a contact, a progress report, an evaluation: the columns whose
sheet field says `happened`) is refused after today, as the importer refuses it.

Flask-Admin's fields take any date and any integer; a year 9999 then overflows the
deadline arithmetic and a number past 2**31 the database, both as a 500. An optional
choice sent empty reaches its column as "", which no list of choices holds. Every model
form (inline child rows included) is built by this converter, so none can forget it.
A required unit choice starts empty (`with_required_unit`) rather than on the first unit.
"""

from typing import Any

from flask_admin.contrib.sqla.fields import QuerySelectField
from flask_admin.contrib.sqla.form import AdminModelConverter
from flask_admin.form import Select2Field
from flask_admin.model.form import converts
from wtforms import validators
from wtforms.fields import DateField, IntegerField

from backoffice.extensions import db
from backoffice.imports.bindings import happened_columns
from backoffice.inputs import MAX_INT, whole_numbers
from backoffice.models import Unit
from importers.clock import local_today
from importers.values import EARLIEST, LATEST


def within_record_dates(form: Any, field: Any) -> None:
    """Refuse a date outside the range a record may hold."""
    if field.data is not None and not EARLIEST <= field.data <= LATEST:
        raise validators.ValidationError(
            f"日期须在{EARLIEST.isoformat()}至{LATEST.isoformat()}之间。"
        )


def not_after_today(form: Any, field: Any) -> None:
    """Refuse a date of something done that is after today (2071 typed for 2017)."""
    today = local_today()
    if field.data is not None and field.data > today:
        raise validators.ValidationError(
            f"不能晚于今天（{today.isoformat()}）：已做的事不会在今天之后。")


def whole_number(minimum: int, maximum: int) -> validators.NumberRange:
    """Return a validator for an integer between minimum and maximum, saying so in Chinese."""
    return validators.NumberRange(minimum, maximum, f"请填写{whole_numbers(minimum, maximum)}。")


def blank_as_none(value: Any) -> Any:
    """Read an empty choice as the blank one (no value)."""
    return None if value == "" else value


class BoundedModelConverter(AdminModelConverter):
    """Build model form fields with the bounds of what a record may hold."""

    def convert(self, *args: Any, **kwargs: Any) -> Any:
        field = super().convert(*args, **kwargs)
        if field is not None and issubclass(field.field_class, Select2Field) and field.kwargs.get(
            "allow_blank"
        ):
            field.kwargs["filters"] = [*field.kwargs.get("filters", ()), blank_as_none]
        return field

    @converts("Date")
    def convert_date(self, field_args: Any, **extra: Any) -> DateField:
        field_args["validators"].append(within_record_dates)
        if extra.get("column") in happened_columns():
            field_args["validators"].append(not_after_today)
        return super().convert_date(field_args, **extra)

    @converts("Integer")
    def handle_integer_types(self, column: Any, field_args: Any, **extra: Any) -> IntegerField:
        # No count, period or year of this office is negative.
        field_args["validators"].append(whole_number(0, MAX_INT))
        return super().handle_integer_types(column, field_args, **extra)



def with_required_unit(form_class: Any, label: str) -> Any:
    """Return the form class with its `unit` choice starting empty and required: a new row
    preselected with the first unit would be saved with it unnoticed."""
    choice = QuerySelectField(
        label,
        query_factory=lambda: db.session.query(Unit).order_by(Unit.id),
        allow_blank=True,
        blank_text="（请选择）",
        validators=[validators.DataRequired(message=f"请选择{label}。")],
    )
    choice.creation_counter = form_class.unit.creation_counter  # where it was
    form_class.unit = choice
    return form_class
