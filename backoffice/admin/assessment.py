"""The year-end assessment's pages: ranking, explanations, rules with what-if, publishing.

Who sees what is access.py's: admins do everything; leaders read; a unit user reads only
its own unit's explanation in published versions (`access.sees_unit_result`). The pages
configure; `backoffice.assessment` computes.
"""

from collections.abc import Callable
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.wrappers import Response

from backoffice import access
from backoffice.access import Action
from backoffice.admin.base import conflict_message
from backoffice.admin.pages import SecuredPage
from backoffice.assessment import (
    InvalidRuleset,
    StaleRuleset,
    assess_year,
    check_year,
    default_as_of,
    has_own_ruleset,
    opinion_ids,
    ruleset_for_year,
    save_ruleset,
    stored_version,
)
from backoffice.assessment.changes import flat_rules, tier_text
from backoffice.assessment.publishing import frozen, publications, publish, version_changes
from backoffice.assessment.ranking_table import CO_COMPONENTS, ranking_table
from backoffice.assessment.ruleset_form import (
    GROUPS,
    form_values,
    parse_ruleset,
    tier_field,
    tier_rows,
)
from backoffice.assessment.sheets import title, write_ranking_xlsx
from backoffice.assessment.snapshots import Snapshot, snapshot
from backoffice.assessment.what_if import what_if
from backoffice.assessment.year import assessment_years
from backoffice.exports.downloads import XLSX, send_written
from backoffice.extensions import db
from backoffice.inputs import date_arg, int_arg, row_id
from backoffice.models import PublishedAssessment
from importers.clock import local_today
from importers.values import EARLIEST, LATEST
from scoring.rules import tier_name


def _int(text: str | None) -> int:
    """Return a form's number, or -1 (matching no version) when it is not one."""
    return int(text) if text and text.isdigit() else -1


def _message(problem: Exception) -> str:
    return str(problem.args[0]) if problem.args else str(problem)


class AssessmentPage(SecuredPage):
    """What every assessment page shares: the year and day asked for, links, helpers."""

    def render(self, template: str, **kwargs: Any) -> str:
        return super().render(
            template,
            tier_text=tier_text,
            tier_name=tier_name,
            co_components=CO_COMPONENTS,
            **kwargs,
        )

    def requested_period(self) -> tuple[int, date]:
        """Return the year and as_of asked for; a bad day is reported and the default used."""
        years = assessment_years(db.session)
        year = int_arg("year", minimum=EARLIEST.year, maximum=LATEST.year) or (
            years[0] if years else local_today().year
        )
        return year, date_arg("as_of", "考核截止日", default_as_of(year))

    def live(self, year: int, as_of: date) -> Snapshot | None:
        """Assess the year now; report why not (no session, no rules...) and return None."""
        try:
            check_year(db.session, year, as_of)
            return snapshot(assess_year(db.session, year, as_of))
        except (LookupError, ValueError) as problem:
            flash(_message(problem), "error")
            return None

    def opinion_url(self, year: int) -> Callable[[str], str | None]:
        """Return a function giving the case-file URL of one of the year's opinions."""
        ids = opinion_ids(db.session, year)

        def url(number: str) -> str | None:
            return url_for("opinion.details_view", id=ids[number]) if number in ids else None

        return url

    def sheet(self, frozen_result: Snapshot, version: int | None = None) -> Response:
        """Return the ranking as an .xlsx download."""
        table = ranking_table(frozen_result.result)
        heading = title(frozen_result, version)
        suffix = f"第{version}版" if version else f"截至{frozen_result.as_of.isoformat()}"
        return send_written(
            lambda target: write_ranking_xlsx(target, table, heading),
            f"{frozen_result.year}年度考核排名（{suffix}）.xlsx",
            XLSX,
        )


class AssessmentView(AssessmentPage):
    """The live ranking of a year, each unit's explanation, its sheet, and publishing."""

    access_group = "assessment"
    page_actions = {"export": Action.EXPORT, "publish_result": Action.CREATE}

    @expose("/")
    def index(self) -> str:
        year, as_of = self.requested_period()
        result = self.live(year, as_of)
        return self.render(
            "admin/assessment/ranking.html",
            year=year,
            as_of=as_of,
            years=assessment_years(db.session),
            result=result,
            unit_url=lambda unit: self.get_url(
                ".unit", year=year, as_of=as_of.isoformat(), unit=unit
            ),
        )

    @expose("/unit/")
    def unit(self) -> str:
        year, as_of = self.requested_period()
        name = request.args.get("unit", "")
        result = self.live(year, as_of)
        if result is None or result.unit(name) is None:
            abort(404)
        return self.render(
            "admin/assessment/explanation.html",
            result=result,
            name=name,
            published=None,
            opinion_url=self.opinion_url(year),
            back_url=self.get_url(".index", year=year, as_of=as_of.isoformat()),
        )

    @expose("/export/")
    def export(self) -> Response:
        year, as_of = self.requested_period()
        result = self.live(year, as_of)
        if result is None:
            return redirect(self.get_url(".index", year=year))
        return self.sheet(result)

    @expose("/publish/", methods=("POST",))
    def publish_result(self) -> Response:
        year, as_of = self.requested_period()
        try:
            check_year(db.session, year, as_of)
            published = publish(db.session, year, as_of, current_user.username)
            db.session.commit()
        except (LookupError, ValueError) as problem:
            db.session.rollback()
            flash(_message(problem), "error")
            return redirect(self.get_url(".index", year=year, as_of=as_of.isoformat()))
        except sa.exc.IntegrityError:
            db.session.rollback()
            flash("发布失败：他人刚刚发布了同一年度的结果，请刷新后再试。", "error")
            return redirect(self.get_url(".index", year=year, as_of=as_of.isoformat()))
        flash(f"已发布{year}年度考核结果第{published.version}版。", "success")
        return redirect(url_for("assessment_published.details", id=published.id))


class RulesView(AssessmentPage):
    """Each year's rules in a form: admins try them (what-if) and save them; leaders read."""

    access_group = "assessment"
    page_actions = {"preview": Action.EDIT, "save": Action.EDIT}

    def _form(self, year: int, as_of: date, values: dict[str, str], **kwargs: Any) -> str:
        own = has_own_ruleset(db.session, year)
        try:
            source = ruleset_for_year(db.session, year).year
        except LookupError:
            source = None
        return self.render(
            "admin/assessment/rules.html",
            year=year,
            as_of=as_of,
            own=own,
            source=source,
            groups=GROUPS,
            values=values,
            tier_rows=tier_rows(values),
            tier_field=tier_field,
            editable=self.allowed(Action.EDIT),
            # The version the form is opened on; a form sent back keeps its own.
            expected_version=values.get("expected_version",
                                        stored_version(db.session, year)),
            errors=kwargs.pop("errors", {}),
            **kwargs,
        )

    @expose("/")
    def index(self) -> str:
        year, as_of = self.requested_period()
        try:
            values = form_values(ruleset_for_year(db.session, year))
        except LookupError as problem:
            flash(_message(problem), "error")
            values = {}
        return self._form(year, as_of, values)

    @expose("/preview/", methods=("POST",))
    def preview(self) -> str:
        year, as_of = self.requested_period()
        values = request.form.to_dict()
        parsed = parse_ruleset(year, values)
        if parsed.ruleset is None:
            flash("试算未进行：请按提示更正标出的规则。", "error")
            return self._form(year, as_of, values, errors=parsed.errors)
        try:
            check_year(db.session, year, as_of)
            trial = what_if(db.session, year, as_of, parsed.ruleset)
        except (LookupError, ValueError) as problem:
            flash(_message(problem), "error")
            return self._form(year, as_of, values)
        return self._form(year, as_of, values, trial=trial)

    @expose("/save/", methods=("POST",))
    def save(self) -> Response | str:
        year, as_of = self.requested_period()
        values = request.form.to_dict()
        parsed = parse_ruleset(year, values)
        if parsed.ruleset is None:
            flash("保存失败：请按提示更正标出的规则。", "error")
            return self._form(year, as_of, values, errors=parsed.errors)
        try:
            save_ruleset(db.session, parsed.ruleset, current_user.username,
                         expected_version=_int(values.get("expected_version")))
            db.session.commit()
        except InvalidRuleset as problem:  # parse_ruleset already checked; kept for safety
            db.session.rollback()
            flash("；".join(problem.problems), "error")
            return self._form(year, as_of, values)
        # Stale when opened, or beaten between the check and the write (StaleDataError);
        # IntegrityError: a first save of the year's own, twice.
        except (StaleRuleset, StaleDataError, sa.exc.IntegrityError):
            db.session.rollback()
            flash(conflict_message(self.get_url(".index", year=year)), "error")
            return self._form(year, as_of, values)
        flash(f"已保存{year}年度考核规则。", "success")
        return redirect(self.get_url(".index", year=year))


class PublishedView(AssessmentPage):
    """Published versions: frozen rankings with what changed, and each unit's explanation."""

    access_group = "assessment_results"
    page_actions = {
        "details": ("assessment", Action.VIEW),
        "export": ("assessment", Action.EXPORT),
    }

    def _published(self) -> PublishedAssessment:
        published = db.session.get(PublishedAssessment, row_id(request.args.get("id", "")))
        if published is None:
            abort(404)
        return published

    @expose("/")
    def index(self) -> str:
        versions = publications(db.session)
        own_unit = current_user.unit.name if current_user.unit else None
        # A unit user gets a link to its own explanation where its unit was assessed.
        own = {
            version.id: own_unit is not None and frozen(version).unit(own_unit) is not None
            for version in versions
        }
        return self.render(
            "admin/assessment/published_list.html",
            versions=versions,
            own_unit=own_unit,
            own=own,
            sees_ranking=self.allowed(Action.VIEW, "assessment"),
        )

    @expose("/details/")
    def details(self) -> str:
        published = self._published()
        return self.render(
            "admin/assessment/published.html",
            published=published,
            result=frozen(published),
            changes=version_changes(db.session, published),
            rules=flat_rules(published.rules),
            unit_url=lambda unit: self.get_url(".unit", id=published.id, unit=unit),
        )

    @expose("/unit/")
    def unit(self) -> str:
        published = self._published()
        name = request.args.get("unit", "")
        result = frozen(published)
        if not access.sees_unit_result(current_user, name):
            self.refuse(404, f"考核说明 {name}")  # another unit's: hidden, and logged
        if result.unit(name) is None:
            abort(404)
        sees_ranking = self.allowed(Action.VIEW, "assessment")
        return self.render(
            "admin/assessment/explanation.html",
            result=result,
            name=name,
            published=published,
            opinion_url=self.opinion_url(published.year),
            back_url=self.get_url(".details", id=published.id)
            if sees_ranking
            else self.get_url(".index"),
        )

    @expose("/export/")
    def export(self) -> Response:
        published = self._published()
        return self.sheet(frozen(published), published.version)
