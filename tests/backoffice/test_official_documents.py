"""Official documents read back with python-docx: the annual report and the notice laid
out per GB/T 9704 (A4, margins, fonts, 标题 styles, page numbers), the report's charts
drawn in; an opinion's printable case file (一案一册) and its zip, for whoever may read
the opinion and for no one else."""

import io
import logging
import zipfile
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from docx import Document

from backoffice.extensions import db
from backoffice.models import Attachment
from backoffice.reporting import annual_files, chart_images, notices
from backoffice.reporting.annual import Feedback, OpinionFacts, annual_report
from backoffice.reporting.annual_prose import paragraphs
from backoffice.reporting.notices import Finding, Kind, draft_notice
from tests.backoffice.docx_reading import assert_official_layout, styled
from tests.backoffice.scoping import co_handled_by, led_by, unrelated_to
from tests.backoffice.test_attachments import _upload
from tests.conftest import sign_in, unavailable

SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def _facts(count: int, year: int) -> list[OpinionFacts]:
    categories = ("城市建设和管理", "社会事业", "公安和廉政建设", "财政经济")
    return [
        OpinionFacts(
            number=f"{i:04d}", category=categories[i % 4], lead_unit=f"单位{i % 6}",
            assigned_on=date(year, 3, 1),
            replied_on=date(year, 6, 1) if i % 7 else None,
            answer_type="ABCD"[i % 4] if i % 7 else None,
            concluded_on=date(year, 9, 1) if i % 3 == 0 else None,
            feedback=(Feedback(date(year, 7, 1), ("好", "较好", "一般")[i % 3], i % 5 == 0),),
            supervised=i % 10 == 0,
        )
        for i in range(count)
    ]


def test_a_cjk_font_is_found_for_the_charts() -> None:
    if chart_images.cjk_font() is None:
        unavailable("no CJK font for the report's charts (install fonts-noto-cjk)")


def test_annual_report_is_an_official_document_with_its_charts() -> None:
    report = annual_report("区六届人大一次会议", date(2017, 12, 15), _facts(40, 2017))
    previous = annual_report("区五届人大五次会议", date(2016, 12, 15), _facts(30, 2016))
    document = Document(io.BytesIO(annual_files.as_docx(report, previous)))

    assert_official_layout(document)
    assert styled(document, "公文标题") == ["关于区六届人大一次会议代表书面意见办理情况"]
    assert styled(document, "Heading 1") == ["一、基本情况", "二、与上届次比较"]
    assert styled(document, "Heading 2") == [
        "（一）类型分布情况", "（二）答复办理情况", "（三）反馈评价情况", "（四）领导督办情况"]
    body = styled(document, "Normal")
    assert all(part.text in body for part in paragraphs(report, previous))
    if chart_images.cjk_font() is None:
        pytest.skip("no CJK font: the report goes without charts")
    # Three breakdowns and the year-over-year columns, as PNG pictures in the text.
    assert len(document.inline_shapes) == 4
    images = [rel.target_part for rel in document.part.rels.values()
              if rel.reltype.endswith("/image")]
    assert [image.content_type for image in images] == ["image/png"] * 4
    assert all(image.blob.startswith(b"\x89PNG") for image in images)


def test_without_a_cjk_font_the_report_goes_without_charts_and_says_why(
    monkeypatch, caplog
) -> None:
    monkeypatch.setattr(chart_images, "cjk_font", lambda: None)
    report = annual_report("区六届人大一次会议", date(2017, 12, 15), _facts(5, 2017))
    with caplog.at_level(logging.WARNING):
        document = Document(io.BytesIO(annual_files.as_docx(report)))
    assert len(document.inline_shapes) == 0
    assert "未找到中文字体" in caplog.text
    assert styled(document, "Heading 1") == ["一、基本情况"]


def test_notice_is_an_official_document_with_a_heading_per_unit() -> None:
    findings = [
        Finding(1, "浦锦街道", Kind.OVERDUE, 7, "0007", "修路", "答复期限2017年6月1日，尚未办理"),
        Finding(1, "浦锦街道", Kind.LATE, 8, "0008", "治水", "签收期限2017年3月8日，实际3月9日"),
        Finding(2, "区司法局", Kind.DISAGREED, 9, "0009", "普法", "代表于2017年7月1日反馈不同意"),
    ]
    draft = draft_notice("区六届人大一次会议", date(2017, 4, 16), date(2017, 7, 15), findings)
    document = Document(io.BytesIO(notices.as_docx(draft)))
    assert_official_layout(document)
    assert styled(document, "公文标题") == ["关于区六届人大一次会议代表书面意见办理情况的专报"]
    assert styled(document, "Heading 1") == ["一、浦锦街道：超期未办1件、超期办理1件",
                                              "二、区司法局：不同意退回1件"]
    assert "超期未办：第0007号《修路》，答复期限2017年6月1日，尚未办理。" in styled(
        document, "Normal")


@SQLITE_ONLY
def test_case_file_downloads_for_whoever_reads_the_opinion_and_no_one_else(
    as_user, app
) -> None:
    with app.app_context():
        opinion = led_by("浦江镇")
        opinion_id, number, title = opinion.id, opinion.number, opinion.title
        deputy, unit = opinion.lead_deputy.name, opinion.lead_unit.name
        co_units = [co.unit.name for co in opinion.co_handlings]
        hidden_id = unrelated_to("浦江镇").id
        co_handled_id = co_handled_by("浦江镇").id
    client = as_user("pujiang")
    _upload(client, opinion_id, "答复函（第一稿）.pdf", b"%PDF-1.4 reply")

    page = client.get(f"/admin/opinion/details/?id={opinion_id}").get_data(as_text=True)
    docx_url = f"/admin/opinion/case_file/docx?id={opinion_id}"
    zip_url = f"/admin/opinion/case_file/zip?id={opinion_id}"
    assert f'class="btn btn-primary mr-2 mb-2" href="{docx_url}"' in page
    assert f'class="btn btn-outline-primary mb-2" href="{zip_url}"' in page

    response = client.get(docx_url)
    assert response.status_code == 200
    assert "filename*=UTF-8''%E7%AC%AC" in response.headers["Content-Disposition"]
    document = Document(io.BytesIO(response.data))
    assert_official_layout(document)
    cover = {row.cells[0].text: row.cells[1].text for row in document.tables[0].rows}
    assert cover["编号"] == f"第{number}号" and cover["标题"] == title
    assert cover["领衔代表"].startswith(deputy) and cover["主办单位"] == unit
    assert cover["会办单位"] == ("、".join(co_units) or "无")
    assert cover["届次会议"].startswith("区")
    headings = styled(document, "Heading 1")
    assert headings[0] == "一、意见内容" and headings[-1] == "十一、附件目录"
    assert any(h.startswith("三、办理期限（截至") for h in headings)
    listed = document.tables[-1]
    assert [c.text for c in listed.rows[1].cells][:3] == ["1", "答复函", "答复函（第一稿）.pdf"]

    archive = zipfile.ZipFile(io.BytesIO(client.get(zip_url).data))
    assert archive.namelist() == [f"第{number}号_一案一册.docx", "附件/01_答复函（第一稿）.pdf"]
    assert archive.read("附件/01_答复函（第一稿）.pdf") == b"%PDF-1.4 reply"
    assert Document(io.BytesIO(archive.read(archive.namelist()[0]))).tables[0].rows

    # A co-handler reads the case file too; another unit's is not found, as its opinion
    # is not there for this unit.
    assert client.get(f"/admin/opinion/case_file/docx?id={co_handled_id}").status_code == 200
    for kind in ("docx", "zip"):
        assert client.get(f"/admin/opinion/case_file/{kind}?id={hidden_id}").status_code == 404
    qibao = app.test_client()
    sign_in(qibao, "qibao")
    assert qibao.get(docx_url).status_code == 404
    assert client.get(f"/admin/opinion/case_file/pdf?id={opinion_id}").status_code == 404

    # A lost attachment: no zip that silently lacks it, a message on the case file.
    with app.app_context():
        stored = db.session.scalar(sa.select(Attachment.stored_name))
    (Path(app.config["ATTACHMENT_FOLDER"]) / stored).unlink()
    lost = client.get(zip_url, follow_redirects=True)
    assert "无法打包：附件“答复函（第一稿）.pdf”的文件已丢失" in lost.get_data(as_text=True)

    # The report's and the notice's downloads are buttons one sees.
    office = app.test_client()
    sign_in(office, "operator")
    report = office.get("/admin/annual_report/?as_of=2017-12-15").get_data(as_text=True)
    assert 'class="btn btn-primary mr-2 mb-2" href="/admin/annual_report/download/docx' in report
    drafts = office.get("/admin/notice_draft/?as_of=2017-07-15&start=2017-04-16")
    assert 'class="btn btn-primary mr-2" href="/admin/notice_draft/docx' in drafts.get_data(
        as_text=True)
