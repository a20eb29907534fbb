"""Who a user is: the roles, kept apart from the models so that the command line can
offer them without importing SQLAlchemy."""

from enum import StrEnum


class Role(StrEnum):
    """Who a user is; what each role may do is backoffice.access's POLICY.

    The office's work, the system's upkeep and the audit are three roles (三员分立), so
    that no one account can both act and erase the traces of acting.
    """

    OPERATOR = "operator"  # 区府办业务管理员: the opinions work
    SYSADMIN = "sysadmin"  # 系统管理员: users, units, settings
    AUDITOR = "auditor"  # 审计员: reads the security log and the audit trail
    UNIT = "unit"  # a unit's liaison: its own opinions, the fields a unit fills in
    LEADER = "leader"  # 区领导: reads everything of the opinions work, changes nothing
    DEPUTY = "deputy"  # 代表: follows and evaluates the opinions they lead or co-signed


ROLE_LABELS = {
    Role.OPERATOR: "业务管理员",
    Role.SYSADMIN: "系统管理员",
    Role.AUDITOR: "审计员",
    Role.UNIT: "承办单位联络员",
    Role.LEADER: "区领导",
    Role.DEPUTY: "代表",
}
