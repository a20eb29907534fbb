"""A unit liaison's day on a phone (390 × 844): every page fits the screen's width, lists
are cards, the menu opens from its button; the office's desk still sees tables."""

import io
import re

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from backoffice.extensions import db
from backoffice.models import Opinion, ProgressReport, Unit
from backoffice.standing import standings
from importers.clock import local_today
from tests.browser.conftest import PHONE, sign_in

pytestmark = [
    pytest.mark.browser,
    # The layout does not depend on the database; saving is tested on both in tests/backoffice.
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),
]

PHONE_WIDTH = PHONE["viewport"]["width"]


def _fits(page, name: str, artifact_path) -> None:
    """Assert the page is no wider than the phone, and keep a picture of its screen."""
    page.screenshot(path=artifact_path(f"phone-unit-{name}.png"))
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE_WIDTH, f"{name}: {width} px wide"


def _fields(cells) -> list[tuple[str, str]]:
    """Return each cell's label and text, as a card shows them."""
    return [tuple(field) for field in cells.evaluate_all(
        "cells => cells.map(cell => [cell.dataset.label, cell.innerText.trim()])")]


def _open_from_menu(page, group: str, screen: str) -> None:
    page.locator(".navbar-toggler").click()
    page.get_by_role("link", name=group, exact=True).click()
    page.get_by_role("link", name=screen, exact=True).click()


def test_a_unit_liaison_does_its_days_work_on_a_phone(
    app, phone_page, artifact_path
) -> None:
    page = phone_page
    with app.app_context():
        unit = db.session.scalars(sa.select(Unit).where(Unit.name == "浦江镇")).one()
        # The unit's one opinion still being handled: a progress report is due.
        opinion = db.session.scalars(sa.select(Opinion).where(
            Opinion.lead_unit_id == unit.id, Opinion.concluded_on.is_(None))).one()
        standing = standings(db.session, [opinion], local_today())[opinion.id]
        number, title, opinion_id = opinion.number, opinion.title, opinion.id
    assert standing.next_due and standing.overdue

    sign_in(page, "pujiang")
    assert page.locator(".navbar-toggler").is_visible()
    assert not page.get_by_role("link", name="办理", exact=True).is_visible()
    _fits(page, "home", artifact_path)

    # The menu opens from its button (Bootstrap's script, under the policy) and leads on.
    _open_from_menu(page, "办理", "书面意见")
    page.wait_for_url(re.compile(r".*/admin/opinion/$"))
    assert page.locator("table.model-list thead").is_hidden()
    card = page.locator("table.model-list tbody tr", has_text=title)
    card.scroll_into_view_if_needed()
    _fits(page, "opinions", artifact_path)
    assert card.evaluate("row => getComputedStyle(row).display") == "flex"
    assert _fields(card.locator("td.card-head")) == [
        ("编号", number), ("标题", title), ("办理状态", standing.stage),
        ("下一期限", standing.next_due), ("当前超期未办", standing.overdue),
    ]
    # The head opens the card: the number above every other field, the buttons below.
    shown = card.locator("td").evaluate_all(
        "cells => cells.filter(cell => cell.offsetParent)"
        "  .map(cell => [cell.getBoundingClientRect().top, cell.className])")
    assert min(shown)[1].startswith("card-head card-head-1 ")
    assert max(shown)[1] == "list-buttons-column"

    card.locator(f"a[href*='details/?id={opinion_id}']").click()
    page.wait_for_url(re.compile(r".*/admin/opinion/details/.*"))
    assert title in page.locator("h2.h4").first.inner_text()
    _fits(page, "case-file", artifact_path)

    # A step: the progress report that is due, added on the edit form and saved.
    page.get_by_role("link", name="编辑", exact=True).click()
    page.wait_for_url(re.compile(r".*/admin/opinion/edit/.*"))  # loaded, its scripts too
    page.locator("[data-inline-add=progress_reports]").click()
    added = page.locator("#progress_reports > .inline-field-list > .inline-field").last
    added.locator("input[id$=-reported_on]").fill(local_today().isoformat())
    page.keyboard.press("Escape")
    added.locator("[id$=-text]").fill("已完成排水管网改造设计，年内开工。")
    _fits(page, "edit", artifact_path)
    page.locator("input[type=submit]").first.click()
    # Back on the case file, where the report now stands.
    page.wait_for_url(re.compile(r".*/admin/opinion/details/.*"))
    assert "保存记录成功" in page.locator(".alert").inner_text()
    assert "已完成排水管网改造设计，年内开工。" in page.locator(".case-file").inner_text()
    with app.app_context():
        assert db.session.scalar(sa.select(ProgressReport.text).where(
            ProgressReport.opinion_id == opinion_id,
            ProgressReport.reported_on == local_today())) == "已完成排水管网改造设计，年内开工。"

    _open_from_menu(page, "办理", "会办")
    co_cards = page.locator("table.model-list tbody tr")
    assert co_cards.count() > 1
    co_head = _fields(co_cards.first.locator("td.card-head"))
    assert [label for label, _ in co_head] == ["书面意见", "会办单位", "会办意见期限", "期限状态"]
    assert co_head[1] == ("会办单位", "浦江镇")
    _fits(page, "co-handlings", artifact_path)

    _open_from_menu(page, "办理", "导出清单")
    _fits(page, "worklists", artifact_path)
    with page.expect_download() as download:
        page.get_by_role("link", name="下载清单").click()
    workbook = load_workbook(io.BytesIO(download.value.path().read_bytes()), read_only=True)
    cells = {cell for sheet in workbook for row in sheet.iter_rows(values_only=True)
             for cell in row}
    assert number in cells and title in cells


def test_the_offices_desk_still_sees_its_lists_as_tables(page, sign_in_as) -> None:
    page.set_viewport_size({"width": 1366, "height": 768})
    sign_in_as("operator")
    page.goto("/admin/opinion/")
    assert page.locator("table.model-list thead").is_visible()
    first = page.locator("table.model-list tbody tr").first
    assert first.evaluate("row => getComputedStyle(row).display") == "table-row"
    assert first.locator("td.col-number").evaluate(
        "cell => getComputedStyle(cell).whiteSpace") == "nowrap"
    assert page.locator("table.model-list td.card-blank").first.is_visible()
    assert first.locator("td.col-title").evaluate(
        "cell => getComputedStyle(cell, '::before').content") == "none"
    assert page.locator(".navbar-toggler").is_hidden()
