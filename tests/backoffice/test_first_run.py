"""The first run: migrate, one account per duty with one-time passwords, the demo years."""

import re

import sqlalchemy as sa
from click.testing import Result

from backoffice.extensions import db
from backoffice.models import AuditEntry, CongressSession, Opinion, Unit, User


def test_setup_on_empty_database_creates_the_three_duties_and_loads_demo(tmp_path) -> None:
    from tests.conftest import _app

    app = _app(f"sqlite:///{tmp_path / 'fresh.sqlite3'}", tmp_path)
    result: Result = app.test_cli_runner().invoke(args=["setup"])
    assert result.exit_code == 0, result.output
    passwords = dict(re.findall(r"用户名 (\w+)\s+密码 (\S+)", result.output))
    assert set(passwords) == {"operator", "sysadmin", "auditor"}
    with app.app_context():
        for username, password in passwords.items():
            user = db.session.scalar(sa.select(User).where(User.username == username))
            assert user.role == username and user.check_password(password)
        session_2017 = db.session.scalar(
            sa.select(CongressSession).where(CongressSession.year == 2017)
        )
        count = sa.select(sa.func.count()).where(Opinion.session_id == session_2017.id)
        assert db.session.scalar(count) == 322
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Unit)) == 52

    again = app.test_cli_runner().invoke(args=["setup"])
    assert again.exit_code == 0, again.output
    assert "密码" not in again.output  # the password is shown once only
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Opinion)) == 322 + 298
        db.engine.dispose()


def test_demo_refuses_a_database_that_has_opinions(app) -> None:
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code != 0
    assert "只能载入空数据库" in result.output


def test_create_user_reads_password_from_stdin_and_is_audited(app) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["create-user", "minhang", "--role", "unit", "--unit", "莘庄镇"],
        input="Xinzhuang-liaison-2017\n",
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == "minhang"))
        assert user.unit.name == "莘庄镇" and user.check_password("Xinzhuang-liaison-2017")
        entry = db.session.scalar(
            sa.select(AuditEntry).where(
                AuditEntry.table_name == "users", AuditEntry.record_id == str(user.id)
            )
        )
        assert entry.actor == "cli" and entry.action == "新增"
        assert "password_hash" not in entry.changes


def test_create_user_rejects_a_unit_user_without_unit(app) -> None:
    result = app.test_cli_runner().invoke(
        args=["create-user", "nobody", "--role", "unit"], input="Xinzhuang-liaison-2017\n"
    )
    assert result.exit_code == 2
    assert "--unit" in result.output
