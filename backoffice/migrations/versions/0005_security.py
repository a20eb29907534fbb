"""Security (issue: level-3 graded-protection assessment): separation of duties, the
security log, server-side sessions, sign-in throttles, second factors, versions of every
record edited on a screen

Today's `admin` accounts did the office's opinions work: they become operators
(业务管理员). Users, units and settings are the system administrator's, and the logs the
auditor's; create those accounts with `backoffice create-user NAME --role sysadmin` and
`--role auditor`. Existing users choose a new password (under the new policy) at their
next sign-in.

The security log and the audit trail are append-only in the database itself: triggers
refuse every UPDATE, and every DELETE but that of security log entries older than 180
days (the shortest retention an assessment accepts; `backoffice security-log prune`).

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

OLD_ROLES = ("admin", "unit", "leader")
NEW_ROLES = ("operator", "sysadmin", "auditor", "unit", "leader")


def _time(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _user_key(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE",
                                   name=op.f(f"fk_{table}_user_id_users"))


def _vocabulary(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True,
                   length=max(len(v) for v in values) * 4)


EVENTS = (
    "登录", "登录失败", "锁定", "解除锁定", "退出登录", "会话超时", "结束会话", "修改密码",
    "重置密码", "启用双因素认证", "双因素认证失败", "重置双因素认证", "使用恢复码", "新增用户",
    "修改用户", "删除用户", "拒绝访问", "导出", "下载", "导入", "撤销导入", "发布", "修改设置",
    "清理日志",
)
SESSION_ENDS = (
    "退出登录", "空闲超时", "超过最长登录时间", "密码已变更", "账号已停用", "角色或单位已变更",
    "双因素认证已重置", "管理员结束", "用户已删除",
)

VERSIONED = (
    "co_handlings", "units", "liaison_terms", "congress_sessions", "deputies",
    "calendar_overrides", "notices", "assessment_rulesets",
)

SQLITE_TRIGGERS = (
    """CREATE TRIGGER security_events_no_update BEFORE UPDATE ON security_events
       BEGIN SELECT RAISE(ABORT, 'security log entries cannot be changed'); END""",
    """CREATE TRIGGER security_events_kept BEFORE DELETE ON security_events
       WHEN OLD.at > datetime('now', '-180 days')
       BEGIN SELECT RAISE(ABORT, 'security log entries are kept 180 days'); END""",
    """CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries
       BEGIN SELECT RAISE(ABORT, 'audit entries cannot be changed'); END""",
    """CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries
       BEGIN SELECT RAISE(ABORT, 'audit entries cannot be deleted'); END""",
)
POSTGRESQL_TRIGGERS = (
    """CREATE FUNCTION refuse_log_change() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF TG_OP = 'DELETE' AND TG_TABLE_NAME = 'security_events'
            AND OLD.at < now() - interval '180 days' THEN
           RETURN OLD;
         END IF;
         RAISE EXCEPTION '% entries cannot be changed or deleted', TG_TABLE_NAME;
       END $$""",
    *(f"""CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
          FOR EACH ROW EXECUTE FUNCTION refuse_log_change()"""
      for table in ("security_events", "audit_entries")),
    *(f"""CREATE TRIGGER {table}_not_truncated BEFORE TRUNCATE ON {table}
          FOR EACH STATEMENT EXECUTE FUNCTION refuse_log_change()"""
      for table in ("security_events", "audit_entries")),
)


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_users_role"), type_="check")
        batch_op.alter_column("role", existing_type=sa.String(24), type_=sa.String(32))
    op.execute("UPDATE users SET role = 'operator' WHERE role = 'admin'")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.create_check_constraint("role", sa.column("role").in_(NEW_ROLES))
        batch_op.add_column(_time("password_changed_at", nullable=True))
        batch_op.add_column(sa.Column("must_change_password", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False,
                                      server_default="1"))

    op.create_table(
        "security_events",
        sa.Column("id", sa.Integer(), nullable=False),
        _time("at"),
        sa.Column("event", _vocabulary("security_event", *EVENTS), nullable=False),
        sa.Column("outcome", _vocabulary("security_outcome", "成功", "失败", "拒绝"),
                  nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("client_address", sa.String(length=64), nullable=False),
        sa.Column("object", sa.String(length=300), nullable=False),
        sa.Column("detail", sa.String(length=500), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_security_events")),
    )
    with op.batch_alter_table("security_events", schema=None) as batch_op:
        for column in ("at", "client_address", "event", "username"):
            batch_op.create_index(batch_op.f(f"ix_security_events_{column}"), [column])

    op.create_table(
        "user_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        _time("started_at"),
        _time("last_seen_at"),
        sa.Column("client_address", sa.String(length=64), nullable=False),
        sa.Column("user_agent", sa.String(length=200), nullable=False),
        _time("ended_at", nullable=True),
        sa.Column("end_reason", _vocabulary("session_end", *SESSION_ENDS), nullable=True),
        _user_key("user_sessions"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_user_sessions_token_hash")),
    )
    with op.batch_alter_table("user_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_user_sessions_ended_at"), ["ended_at"])
        batch_op.create_index(batch_op.f("ix_user_sessions_user_id"), ["user_id"])

    op.create_table(
        "sign_in_throttles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", _vocabulary("throttle_scope", "账号", "地址"), nullable=False),
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        _time("window_started_at"),
        _time("locked_until", nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_throttles")),
        sa.UniqueConstraint("scope", "key", name=op.f("uq_sign_in_throttles_scope_key")),
    )
    op.create_table(
        "second_factors",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("secret", sa.String(length=64), nullable=False),
        _time("enrolled_at"),
        sa.Column("last_step", sa.BigInteger(), nullable=False),
        _user_key("second_factors"),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_second_factors")),
    )
    op.create_table(
        "recovery_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        _time("used_at", nullable=True),
        _user_key("recovery_codes"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_codes")),
    )
    with op.batch_alter_table("recovery_codes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recovery_codes_user_id"), ["user_id"])

    # Every record edited on a screen carries a version (optimistic locking).
    for table in VERSIONED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False,
                                          server_default="1"))

    dialect = op.get_bind().dialect.name
    for statement in SQLITE_TRIGGERS if dialect == "sqlite" else POSTGRESQL_TRIGGERS:
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        for name in ("security_events_no_update", "security_events_kept",
                     "audit_entries_no_update", "audit_entries_no_delete"):
            op.execute(f"DROP TRIGGER {name}")
    else:
        for table in ("security_events", "audit_entries"):
            op.execute(f"DROP TRIGGER {table}_append_only ON {table}")
            op.execute(f"DROP TRIGGER {table}_not_truncated ON {table}")
        op.execute("DROP FUNCTION refuse_log_change()")
    for table in ("recovery_codes", "second_factors", "sign_in_throttles", "user_sessions",
                  "security_events"):
        op.drop_table(table)
    for table in VERSIONED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("version")
    with op.batch_alter_table("users", schema=None) as batch_op:
        for column in ("version", "must_change_password", "password_changed_at"):
            batch_op.drop_column(column)
    op.execute("UPDATE users SET role = 'admin' WHERE role IN ('operator', 'sysadmin', 'auditor')")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_users_role"), type_="check")
        batch_op.alter_column("role", existing_type=sa.String(32), type_=sa.String(24))
        batch_op.create_check_constraint("role", sa.column("role").in_(OLD_ROLES))
