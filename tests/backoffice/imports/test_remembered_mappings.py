"""A column mapping changed on the web preview is remembered by the sheet's headers and
used by the next import of a workbook laid out alike, on the web and from the command
line; --map wins over it, --no-remembered leaves it aside, and once deleted it is forgotten.
Only the office deletes it; the auditor reads it; nobody else sees it."""

import re

import sqlalchemy as sa

from backoffice.extensions import db
from backoffice.models import (
    AuditAction,
    AuditEntry,
    CongressSession,
    ImportRun,
    Opinion,
    RememberedMapping,
)
from tests.backoffice.html_forms import page_forms
from tests.backoffice.imports.tables import NEW_SESSION, opinion_row
from tests.backoffice.imports.test_import_pages import BASE, preview_token, upload
from tests.conftest import csrf_token, sign_in
from tests.importers.workbook_builders import OPINION_HEADER, write_xlsx

# An assignment list with one column nobody lists (详细情况: the opinion's text).
HEADER = [*OPINION_HEADER, "详细情况"]
MAPPINGS = "/admin/import-mappings"
IGNORE = "__ignore__"


def workbook(tmp_path, *numbers):
    rows = [[*opinion_row(n, 督办领导="王副区长"), "建议加装电梯"] for n in numbers]
    path = tmp_path / f"清单{numbers[0]}.xlsx"
    return write_xlsx(path, {"城市建设和管理": [HEADER, *rows]})


def form(page, action_part):
    [found] = [f for f in page_forms(page) if action_part in f.action]
    return dict(found.fields)


def choose(fields, header, target):
    """Set the select of the column headed `header` on the preview's options form."""
    [number] = [key.removeprefix("map_source_") for key, value in fields.items()
                if key.startswith("map_source_") and value == header]
    fields[f"map_target_{number}"] = target


def opinion(number):
    found = db.session.scalar(sa.select(Opinion).join(CongressSession).where(
        CongressSession.name == NEW_SESSION, Opinion.number == f"{number:04d}"))
    return found.content, found.supervisor


def audited(action):
    return db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(
        AuditEntry.table_name == "remembered_mappings", AuditEntry.action == action.value))


def test_a_mapping_changed_on_the_preview_is_used_next_time_on_the_web_and_the_cli(
        app, as_user, tmp_path):
    with app.app_context():
        first, second = workbook(tmp_path, 1, 2), workbook(tmp_path, 3)
        by_cli, by_map, aside, after = (workbook(tmp_path, n) for n in (5, 6, 7, 8))
    client = as_user("operator")
    token = preview_token(upload(client, first))
    preview = f"{BASE}/preview/{token}/"
    page = client.get(preview).get_data(as_text=True)
    assert "详细情况" in page and "表头一致" in page and "100%" in page

    # Change two columns on the preview: map the unknown one, leave out a matched one.
    fields = form(page, "/options")
    choose(fields, "详细情况", "content")
    choose(fields, "督办领导", IGNORE)
    assert preview_token(client.post(f"{preview}options", data=fields)) == token
    page = client.get(preview).get_data(as_text=True)
    assert re.search(r'<option value="content" selected>内容</option>', page)
    apply = form(page, "/apply")
    assert apply.get("remember") == "1"  # ticked by default: something was changed
    run_url = client.post(f"{preview}apply", data=apply).location
    assert "指定" in client.get(run_url).get_data(as_text=True)
    with app.app_context():
        [remembered] = db.session.scalars(sa.select(RememberedMapping)).all()
        assert remembered.headers == HEADER and remembered.kind == "opinions"
        assert remembered.mapping["详细情况"] == "content"
        assert remembered.mapping["督办领导"] is None
        assert remembered.mapping["编号"] == "number"  # the whole sheet: ticked
        assert remembered.confirmed_by == "operator" and audited(AuditAction.CREATE) == 1
        assert opinion(1) == ("建议加装电梯", None)

    # The next workbook laid out alike, on the web: no change, read with it.
    token = preview_token(upload(client, second))
    page = client.get(f"{BASE}/preview/{token}/").get_data(as_text=True)
    assert "已记住的对应关系" in page and "按已记住的对应关系读取" in page
    apply = form(page, "/apply")
    assert "remember" not in apply  # nothing changed: not ticked
    run_url = client.post(f"{BASE}/preview/{token}/apply", data=apply).location
    run_page = client.get(run_url).get_data(as_text=True)
    assert "已记住的对应关系" in run_page and "__ignore__" not in run_page
    with app.app_context():
        assert opinion(3) == ("建议加装电梯", None)
        run = db.session.get(ImportRun, int(run_url.rstrip("/").rsplit("/", 1)[1]))
        [sheet] = run.columns
        assert sheet["recalled"]["id"] == remembered.id
        by_header = {c["header"]: c for c in sheet["columns"]}
        assert by_header["详细情况"]["from_memory"] and by_header["详细情况"]["how"] == "mapped"
        stored = db.session.get(RememberedMapping, remembered.id)
        assert stored.last_used_at is not None and stored.version == 1
        assert audited(AuditAction.UPDATE) == 0  # using it is bookkeeping, not a change

    # And from the command line: used and said; --map wins; --no-remembered leaves it.
    runner = app.test_cli_runner()

    def cli(path, *options):
        result = runner.invoke(args=["import", "auto", str(path), "--session", NEW_SESSION,
                                     *options])
        assert result.exit_code == 0, result.output
        return result.output

    output = cli(by_cli)
    assert f"按已记住的对应关系读取（#{remembered.id}，operator 于" in output
    assert "L列“详细情况” → 内容（指定，100%，已记住的对应关系）" in output
    assert "“督办领导” → 督办领导（指定" in cli(by_map, "--map", "督办领导=督办领导")
    assert "已记住" not in cli(aside, "--no-remembered")
    with app.app_context():
        assert opinion(5) == ("建议加装电梯", None)
        assert opinion(6) == ("建议加装电梯", "王副区长")
        assert opinion(7)[1] == "王副区长"

    # A stale or forged deletion does nothing; the one shown deletes it, audited.
    page = client.get(f"{BASE}/").get_data(as_text=True)
    assert "详细情况 → 内容" in page and "督办领导 → 不导入" in page and "尚未使用" not in page
    delete = form(page, "/forget")
    for forged in ({"version": "2"}, {"signature": "0" * 32}, {"signature": "x"},
                   {"version": "不是数字"}):
        refused = client.post(f"{MAPPINGS}/forget", data={**delete, **forged})
        assert refused.status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(RememberedMapping)) == 1
    deleted = client.post(f"{MAPPINGS}/forget", data=delete)
    assert deleted.location.endswith(f"{BASE}/")
    assert "还没有记住任何表头的对应关系" in client.get(deleted.location).get_data(as_text=True)
    assert "已记住" not in cli(after)
    with app.app_context():
        assert db.session.scalars(sa.select(RememberedMapping)).all() == []
        assert audited(AuditAction.DELETE) == 1
        assert opinion(8)[1] == "王副区长"


def test_only_the_office_deletes_a_remembered_mapping_and_the_auditor_reads_it(app):
    with app.app_context():
        db.session.add(RememberedMapping(signature="a" * 32, kind="opinions",
                                         headers=["编号", "甲"], mapping={"甲": "content"},
                                         confirmed_by="operator"))
        db.session.commit()
    delete = {"signature": "a" * 32, "version": "1"}
    for username, reads in (("auditor", True), ("sysadmin", False), ("leader", False),
                            ("pujiang", False)):
        client = app.test_client()
        sign_in(client, username)
        listed = client.get(f"{MAPPINGS}/")
        assert listed.status_code == (200 if reads else 403), username
        if reads:
            page = listed.get_data(as_text=True)
            assert "甲 → 内容" in page and "/forget" not in page
        token = csrf_token(client, "/admin/")
        refused = client.post(f"{MAPPINGS}/forget", data={**delete, "csrf_token": token})
        assert refused.status_code == 403, username
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(RememberedMapping)) == 1
