"""The jobs there are: what each runs, and what its owner must be allowed to do."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from backoffice.access import Action
from backoffice.jobs import documents, exports, imports
from backoffice.jobs.running import NOTHING_CHANGED, JobContext, Outcome


@dataclass(frozen=True)
class Kind:
    label: str  # shown in the job history
    run: Callable[[JobContext], Outcome]
    # The policy's group and action the owner needs, checked when the job runs too.
    needs: Callable[[dict[str, Any]], tuple[str, Action]]
    # What a job of this kind that failed or was interrupted leaves, for its history row.
    leaves: str = NOTHING_CHANGED
    # The outcome of a job whose work committed before it failed or was interrupted.
    committed: Callable[[int], Outcome | None] | None = None


def _fixed(group: str, action: Action) -> Callable[[dict[str, Any]], tuple[str, Action]]:
    return lambda _params: (group, action)


KINDS: dict[str, Kind] = {
    "import_prepare": Kind("读取并核对导入表格", imports.prepare,
                           _fixed("imports", Action.CREATE)),
    "import_apply": Kind("导入表格", imports.apply, _fixed("imports", Action.CREATE),
                         committed=imports.committed),
    "list_export": Kind("导出列表", exports.export_list, exports.list_needs),
    "worklists": Kind("导出全部工作清单", exports.export_all_worklists,
                      _fixed("worklists", Action.EXPORT)),
    "annual_report": Kind("年度办理情况报告", documents.annual_report,
                          _fixed("annual_report", Action.EXPORT)),
    "notice_draft": Kind("情况专报", documents.notice_draft,
                         _fixed("notice_drafts", Action.EXPORT)),
    "reminders": Kind("发送提醒发件箱", documents.reminders, _fixed("outbox", Action.CREATE),
                      leaves="已发出的消息已记为已发送，中断时正在发送的一条记为发送失败"
                             "（请在提醒发件箱核对，需要时重新排队），其余仍待发送"),
}
