"""What the security controls keep: the security log, signed-in sessions, sign-in
throttles and second factors.

None of these is business data: the data audit trail leaves them out (`__audited__`);
what happens to them is written to the security log instead.
"""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backoffice.models.base import Base, utcnow, vocabulary_column
from backoffice.models.users import User


class SecurityEventKind(StrEnum):
    """What a security log entry records, as the auditor reads it."""

    SIGN_IN = "登录"
    SIGN_IN_FAILED = "登录失败"
    LOCKED = "锁定"
    UNLOCKED = "解除锁定"
    SIGN_OUT = "退出登录"
    SESSION_EXPIRED = "会话超时"
    SESSION_ENDED = "结束会话"
    PASSWORD_CHANGED = "修改密码"
    PASSWORD_RESET = "重置密码"
    SECOND_FACTOR_ENROLLED = "启用双因素认证"
    SECOND_FACTOR_FAILED = "双因素认证失败"
    SECOND_FACTOR_RESET = "重置双因素认证"
    RECOVERY_CODE_USED = "使用恢复码"
    USER_CREATED = "新增用户"
    USER_CHANGED = "修改用户"
    USER_DELETED = "删除用户"
    ACCESS_REFUSED = "拒绝访问"
    EXPORT = "导出"
    DOWNLOAD = "下载"
    IMPORT = "导入"
    IMPORT_UNDONE = "撤销导入"
    PUBLISHED = "发布"
    SETTINGS_CHANGED = "修改设置"
    LOG_PRUNED = "清理日志"


class Outcome(StrEnum):
    SUCCESS = "成功"
    FAILURE = "失败"
    REFUSED = "拒绝"


class SecurityEvent(Base):
    """One security event; appended by backoffice.security.log, never changed.

    The database refuses an UPDATE, and a DELETE of an entry younger than the shortest
    retention (see migration 0005), whoever asks.
    """

    __tablename__ = "security_events"
    __audited__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, index=True)
    event: Mapped[str] = vocabulary_column(SecurityEventKind, name="security_event", index=True)
    outcome: Mapped[str] = vocabulary_column(Outcome, name="security_outcome")
    # Who acted: the signed-in user, the name typed at sign-in, or cli/system.
    username: Mapped[str] = mapped_column(sa.String(64), index=True)
    role: Mapped[str] = mapped_column(sa.String(16), default="")
    client_address: Mapped[str] = mapped_column(sa.String(64), default="", index=True)
    object: Mapped[str] = mapped_column(sa.String(300), default="")
    detail: Mapped[str] = mapped_column(sa.String(500), default="")

    def __str__(self) -> str:
        return f"{self.event} {self.username}"


class SessionEnd(StrEnum):
    """Why a signed-in session ended."""

    SIGNED_OUT = "退出登录"
    IDLE = "空闲超时"
    TOO_LONG = "超过最长登录时间"
    PASSWORD = "密码已变更"
    DEACTIVATED = "账号已停用"
    ROLE = "角色或单位已变更"
    SECOND_FACTOR = "双因素认证已重置"
    ENDED_BY_ADMIN = "管理员结束"
    USER_DELETED = "用户已删除"


class UserSession(Base):
    """A signed-in session, known to the server so that it can be ended.

    The browser holds a random token in its (signed) session cookie; only the token's
    SHA-256 is stored, so the table's contents sign nobody in.
    """

    __tablename__ = "user_sessions"
    __audited__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"),
                                         index=True)
    started_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    client_address: Mapped[str] = mapped_column(sa.String(64), default="")
    user_agent: Mapped[str] = mapped_column(sa.String(200), default="")
    ended_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True), index=True)
    end_reason: Mapped[str | None] = vocabulary_column(SessionEnd, name="session_end",
                                                       nullable=True)

    user: Mapped[User] = relationship()

    def __str__(self) -> str:
        return f"{self.user} 的会话"


class ThrottleScope(StrEnum):
    ACCOUNT = "账号"
    ADDRESS = "地址"


class SignInThrottle(Base):
    """Failed sign-ins counted per account name and per client address, and locks."""

    __tablename__ = "sign_in_throttles"
    __audited__ = False
    __table_args__ = (sa.UniqueConstraint("scope", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = vocabulary_column(ThrottleScope, name="throttle_scope")
    # An account name as typed (existing or not, so that locks tell nothing) or an address.
    key: Mapped[str] = mapped_column(sa.String(128))
    failures: Mapped[int] = mapped_column(default=0)
    window_started_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True),
                                                        default=utcnow)
    locked_until: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


class SecondFactor(Base):
    """A user's TOTP secret (RFC 6238) and the last time step it accepted (no replay)."""

    __tablename__ = "second_factors"
    __audited__ = False

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    secret: Mapped[str] = mapped_column(sa.String(64))
    enrolled_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    last_step: Mapped[int] = mapped_column(sa.BigInteger, default=0)


class RecoveryCode(Base):
    """A one-time code that stands in for the second factor; only its hash is kept."""

    __tablename__ = "recovery_codes"
    __audited__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"),
                                         index=True)
    code_hash: Mapped[str] = mapped_column(sa.String(64))
    used_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
