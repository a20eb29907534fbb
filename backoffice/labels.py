"""Chinese labels of model fields, shared by screens, messages and sheets."""

FIELD_LABELS = {
    # opinions
    "session": "届次会议",
    "number": "编号",
    "title": "标题",
    "content": "内容",
    "category": "类别",
    "lead_deputy": "领衔代表",
    "cosigners": "附议代表",
    "lead_unit": "主办单位",
    "co_handlings": "会办单位",
    "assigned_on": "交办日期",
    "accepted_on": "签收日期",
    "consulted_on": "面商日期",
    "consult_method": "面商方式",
    "replied_on": "答复日期",
    "answer_type": "答复类型",
    "reply_extension_months": "延期答复（月）",
    "concluded_on": "办结日期",
    "second_replied_on": "二次答复日期",
    "supervisor": "督办领导",
    "signed_off_by": "阅批人",
    "signed_off_on": "阅批日期",
    "accept_due_on": "签收期限",
    "consult_due_on": "面商期限",
    "co_opinion_due_on": "会办期限",
    "reply_due_on": "答复期限",
    "contacts": "沟通走访",
    "progress_reports": "进展反馈",
    "evaluations": "代表评价",
    "attachments": "附件",
    "reassignments": "改派记录",
    # co-handlings
    "opinion": "书面意见",
    "unit": "承办单位",
    "submitted_on": "会办意见提交日期",
    "lead_grade": "主办单位评价",
    "deputy_grade": "代表评价",
    # contacts, progress, evaluations
    "stage": "阶段",
    "method": "方式",
    "contacted_on": "日期",
    "note": "备注",
    "reported_on": "反馈日期",
    "text": "进展情况",
    "evaluated_on": "评价日期",
    "agrees": "同意",
    "grade": "满意度",
    "praised": "表扬",
    "consents_to_publish": "同意公开",
    # units, deputies, liaisons, sessions
    "name": "名称",
    "kind": "类型",
    "active": "启用",
    "aliases": "别名",
    "alias": "别名",
    "liaison_terms": "联络员",
    "person": "联络员",
    "phone": "电话",
    "email": "电子邮箱",
    "started_on": "起始日期",
    "ended_on": "结束日期",
    "delegation": "代表团",
    "year": "年度",
    "accept_working_days": "签收期限（工作日）",
    "consult_months": "面商期限（月）",
    "co_opinion_months": "会办期限（月）",
    "reply_months": "答复期限（月）",
    "max_extension_months": "最长延期（月）",
    "second_reply_months": "二次答复期限（月）",
    # notices, calendar, users, audit, attachments
    "issued_on": "通报日期",
    "reason": "事由",
    "day": "日期",
    "is_workday": "上班",
    "username": "用户名",
    "display_name": "姓名",
    "role": "角色",
    "unit_id": "承办单位",
    "deputy_id": "代表",
    "answer": "面商回复",
    "wished_on": "希望面商日期",
    "answered_at": "回复时间",
    "must_change_password": "须改密码",
    "created_at": "创建时间",
    "at": "时间",
    "actor": "操作人",
    "source": "来源",
    "action": "操作",
    "table_name": "数据表",
    "record_id": "记录",
    "record_label": "记录内容",
    "changes": "变更（原值 → 新值）",
    "original_name": "文件名",
    "size": "大小",
    "uploaded_at": "上传时间",
    "uploaded_by": "上传人",
    "from_unit": "原主办单位",
    "to_unit": "新主办单位",
    "reassigned_on": "改派日期",
    # reassignment (issue 12)
    "restarted_on": "期限起算日期",
    "added_on": "加入日期",
    "reassignment_reason": "改派事由",
    "reassignment_requests": "调整/退回申请",
    "consultation_replies": "代表面商回复",
    "requested_by": "申请人",
    "requested_at": "申请时间",
    "status": "状态",
    "decision": "处理意见",
    "decided_by": "处理人",
    "decided_at": "处理时间",
    # 公开审核 (issue 13)
    "public_id": "公开页面编号",
    "published_at": "公开时间",
    # searched through a relation
    "opinion.number": "意见编号",
    "opinion.title": "意见标题",
    "unit.name": "单位名称",
}


# Where a change came from (the data audit trail, import runs).
SOURCE_LABELS = {"web": "网页", "cli": "命令行", "import": "导入", "online": "代表在线测评"}


# What each table holds, as the audit trail names it.
TABLE_LABELS = {
    "opinions": "书面意见",
    "co_handlings": "会办",
    "reassignments": "改派记录",
    "reassignment_requests": "调整/退回申请",
    "contacts": "沟通走访",
    "progress_reports": "进展反馈",
    "evaluations": "代表评价",
    "attachments": "附件",
    "notices": "通报",
    "units": "承办单位",
    "unit_aliases": "单位别名",
    "liaison_terms": "联络员",
    "deputies": "代表",
    "congress_sessions": "届次会议",
    "calendar_overrides": "工作日调整",
    "users": "用户",
    "assessment_rulesets": "考核规则",
    "published_assessments": "已发布考核结果",
    "opinion_cosigners": "附议代表",
    "outbox_messages": "提醒消息",
    "reminder_items": "提醒事项",
    "import_runs": "导入记录",
    "publications": "公开审核",
}


def shown_value(value: object) -> str:
    """Return a stored value as a reader reads it: 是/否 for truth values, 空 for none."""
    if value is None or value == "":
        return "（空）"
    if value is True:
        return "是"
    if value is False:
        return "否"
    if isinstance(value, list):
        return "、".join(shown_value(item) for item in value) or "（空）"
    return str(value)
