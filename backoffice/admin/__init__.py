"""The admin screens, one module per group of views."""

from flask import Flask
from flask_admin import Admin
from flask_admin.theme import Bootstrap4Theme

from backoffice.admin.assessment import AssessmentView, PublishedView, RulesView
from backoffice.admin.consultation_replies import ConsultationReplyView
from backoffice.admin.deputies import DeputyPagesView
from backoffice.admin.exports import ExportsView
from backoffice.admin.follow_up import AnnualReportView, NoticeDraftView, OutboxView
from backoffice.admin.handling import CoHandlingView, NoticeView
from backoffice.admin.home import HomeView
from backoffice.admin.import_mappings import RememberedMappingView
from backoffice.admin.imports import ImportView
from backoffice.admin.jobs import JobView
from backoffice.admin.opinions import OpinionView
from backoffice.admin.publication import PublicationReviewView
from backoffice.admin.reassignment_requests import ReassignmentRequestView
from backoffice.admin.reference import (
    CalendarOverrideView,
    DeputyView,
    LiaisonTermView,
    SessionView,
    UnitView,
)
from backoffice.admin.system import AuditView, SecurityLogView, UserSessionView, UserView
from backoffice.security.headers import csp_nonce

HANDLING, REFERENCE, SYSTEM = "办理", "基础数据", "系统"
ASSESSMENT = "年度考核"


def init_app(app: Flask) -> None:
    admin = Admin(
        app,
        name="书面意见办理",
        url="/admin",
        index_view=HomeView(name="首页", url="/admin"),
        theme=Bootstrap4Theme(
            base_template="admin/backoffice_base.html", swatch="cerulean", fluid=True
        ),
        csp_nonce_generator=csp_nonce,
    )
    admin.add_view(DeputyPagesView(name="我的意见", endpoint="mine", url="mine"))
    admin.add_view(OpinionView(name="书面意见", endpoint="opinion", category=HANDLING))
    admin.add_view(CoHandlingView(name="会办", endpoint="co_handling", category=HANDLING))
    admin.add_view(ReassignmentRequestView(name="调整/退回申请", endpoint="reassignment_request",
                                           category=HANDLING))
    admin.add_view(ConsultationReplyView(name="代表面商回复", endpoint="consultation_reply",
                                         category=HANDLING))
    admin.add_view(PublicationReviewView(name="公开审核", endpoint="publication",
                                         url="publication", category=HANDLING))
    admin.add_view(NoticeView(name="通报", endpoint="notice", category=HANDLING))
    admin.add_view(NoticeDraftView(name="情况专报", endpoint="notice_draft", category=HANDLING))
    admin.add_view(OutboxView(name="提醒发件箱", endpoint="outbox", category=HANDLING))
    admin.add_view(
        AnnualReportView(name="年度办理情况", endpoint="annual_report", category=HANDLING)
    )
    admin.add_view(ExportsView(name="导出清单", endpoint="exports", category=HANDLING))
    admin.add_view(ImportView(name="导入表格", endpoint="imports", category=HANDLING))
    admin.add_view(JobView(name="后台任务", endpoint="jobs", category=HANDLING))
    admin.add_view(RememberedMappingView(name="已记住的表头对应", endpoint="import_mappings",
                                         url="import-mappings", category=HANDLING))
    admin.add_view(SessionView(name="届次会议", endpoint="session", category=REFERENCE))
    admin.add_view(UnitView(name="承办单位", endpoint="unit", category=REFERENCE))
    admin.add_view(LiaisonTermView(name="联络员", endpoint="liaison", category=REFERENCE))
    admin.add_view(DeputyView(name="代表", endpoint="deputy", category=REFERENCE))
    admin.add_view(
        CalendarOverrideView(name="工作日调整", endpoint="calendar", category=REFERENCE)
    )
    admin.add_view(AssessmentView(name="考核排名", endpoint="assessment", category=ASSESSMENT))
    admin.add_view(
        RulesView(
            name="考核规则",
            endpoint="assessment_rules",
            url="assessment/rules",
            category=ASSESSMENT,
        )
    )
    admin.add_view(
        PublishedView(
            name="已发布结果",
            endpoint="assessment_published",
            url="assessment/published",
            category=ASSESSMENT,
        )
    )
    admin.add_view(UserView(name="用户", endpoint="user", category=SYSTEM))
    admin.add_view(
        UserSessionView(name="登录会话", endpoint="user_session", category=SYSTEM)
    )
    admin.add_view(AuditView(name="数据审计日志", endpoint="audit", category=SYSTEM))
    admin.add_view(SecurityLogView(name="安全日志", endpoint="security_log", category=SYSTEM))
