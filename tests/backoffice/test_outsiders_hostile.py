"""Holes an outsider could use, found by probing the public site, the sign-in page and the
deputies' pages as an attacker would."""

import contextlib
import http.client
import re
import socket
import ssl
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from werkzeug.http import http_date

from backoffice.extensions import db
from backoffice.models import Opinion
from backoffice.public.catalogue import summary
from backoffice.public.review import approve, reviewable
from backoffice.security.log import mask_phones
from tests.deploy.test_nginx import CONFIG, nginx_binary, site_config
from tests.mail_server import free_port

HOST = "backoffice.example.gov.cn"


@pytest.mark.parametrize(("written", "masked"), [
    # A Shanghai number without its area code, as most people write their own.
    ("联系电话：64123456", "联系电话：****3456"),
    ("请致电6412 3456（王先生）", "请致电****3456（王先生）"),
    ("物业热线 6412-3456", "物业热线 ****3456"),
    ("Tel: 64123456", "Tel: ****3456"),
    # Separators a word processor or a web page puts between the groups.
    ("联系138\u00a01234\u00a05678", "联系138****5678"),
    ("联系138—1234—5678", "联系138****5678"),
    ("联系021–64123456", "联系021-****3456"),
    # Numbers that are not phone numbers stay as they are.
    ("编号20170315，2017-03-15，投资25000000元", "编号20170315，2017-03-15，投资25000000元"),
])
def test_the_public_summary_masks_a_number_however_it_is_written(written, masked) -> None:
    # The public site's summaries, titles and letter names are masked by mask_phones; a
    # deputy's text names residents' home numbers, mostly without the area code.
    assert mask_phones(written) == masked
    assert summary(written) == " ".join(masked.split())


@contextlib.contextmanager
def _nginx(folder: Path) -> Iterator[int]:
    """Run deploy/nginx.conf on a free port of this host, its app server down (502); yield
    the port."""
    nginx = nginx_binary()
    port = free_port()
    site = CONFIG.read_text(encoding="utf-8")
    site = re.sub(r"listen 80[^;]*;", f"listen 127.0.0.1:{free_port()};", site)
    site = site.replace("listen 443 ssl default_server;", f"listen 127.0.0.1:{port} ssl "
                        "default_server;").replace("listen 443 ssl", f"listen 127.0.0.1:{port} ssl")
    site = site.replace("server 127.0.0.1:8000;", f"server 127.0.0.1:{free_port()};")
    main = site_config(folder, site)
    server = subprocess.Popen([nginx, "-p", str(folder), "-e", str(folder / "error.log"),
                               "-c", str(main), "-g", "daemon off;"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port)):
                break
            time.sleep(0.02)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=10)


def _statuses(port: int, method: str, path: str, times: int) -> list[int]:
    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    connection = http.client.HTTPConnection(HOST, port, timeout=5)
    # By the name nginx answers to (SNI), at this host's address.
    connection.sock = context.wrap_socket(socket.create_connection(("127.0.0.1", port)),
                                          server_hostname=HOST)
    statuses = []
    for _ in range(times):
        connection.request(method, path, body="username=a&password=b" if method == "POST"
                           else None, headers={"Host": HOST, "Content-Type":
                                               "application/x-www-form-urlencoded"})
        answer = connection.getresponse()
        answer.read()
        statuses.append(answer.status)
    connection.close()
    return statuses


def test_nginx_limits_each_clients_sign_in_attempts(tmp_path: Path) -> None:
    # Every sign-in attempt costs the app a password hash (~0.1 s of a core), a locked one
    # too, by design, and a security log entry kept 180 days: unlimited, one client kept a
    # two-core server busy and the log growing. nginx lets each client post so many.
    with _nginx(tmp_path) as port:
        statuses = _statuses(port, "POST", "/login", 40)
        assert set(statuses[:20]) == {502} and 429 in statuses, statuses  # a burst passes
        # One count for every way to a password check: another way gains no more tries.
        for path in ("/login/second-factor", "/login/second-factor/enrol", "/account/password"):
            assert 429 in _statuses(port, "POST", path, 5), path
        # Reading the page stays free, and a client refused here may still read the site.
        assert set(_statuses(port, "GET", "/login", 40)) == {502}


def test_a_reply_page_edited_after_its_approval_is_never_answered_not_modified(app) -> None:
    # The page said Last-Modified: the approval's time. The office then took a name out of
    # the title; a cache or browser asking If-Modified-Since was told 304 and kept showing
    # the name (its ETag, when it sends one, would have told the truth).
    with app.app_context():
        opinion = db.session.scalar(sa.select(Opinion).where(reviewable()).limit(1))
        publication = approve(db.session, opinion.id, "operator")
        db.session.commit()
        opinion_id, url = opinion.id, f"/public/{publication.public_id}"
    public = app.test_client()
    first = public.get(url)
    assert first.status_code == 200
    with app.app_context():
        db.session.get(Opinion, opinion_id).title = "关于某小区加装电梯的建议（已删去姓名）"
        db.session.commit()
    # Asked as a cache that kept the page since it was fetched.
    again = public.get(url, headers={"If-Modified-Since": http_date(datetime.now(UTC))})
    assert again.status_code == 200 and "已删去姓名" in again.get_data(as_text=True)
