"""The office at work, for locust (started by bench/load_test.py): each user signs in
as the operator and reads the opinions list, case files and the dashboard, and saves
its own opinion through the edit form (a fresh form and CSRF token every time).

LOAD_OPINION_IDS names the opinions to save, one per user, so that two users never
save the same one (a conflict is a correct answer, not the load we measure).
"""

import itertools
import os
import re
import sys
from pathlib import Path

from locust import HttpUser, between, task

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.backoffice.html_forms import form_data  # after the path above

OPINIONS = [int(i) for i in os.environ.get("LOAD_OPINION_IDS", "").split(",") if i]
PASSWORD = os.environ.get("LOAD_PASSWORD", "")
_next_opinion = itertools.cycle(OPINIONS)


def _token(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)[1]


class OfficeUser(HttpUser):
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        self.opinion = next(_next_opinion)
        self.saves = 0
        page = self.client.get("/login", name="/login").text
        with self.client.post("/login", name="/login (sign in)", allow_redirects=False,
                              catch_response=True, data={
                                  "username": "operator", "password": PASSWORD,
                                  "csrf_token": _token(page)}) as response:
            if response.status_code != 302:
                response.failure(f"sign-in answered {response.status_code}")

    @task(4)
    def opinion_list(self) -> None:
        self.client.get("/admin/opinion/?page_size=50", name="/admin/opinion/ (list)")

    @task(3)
    def case_file(self) -> None:
        self.client.get(f"/admin/opinion/details/?id={self.opinion}",
                        name="/admin/opinion/details/ (case file)")

    @task(1)
    def dashboard(self) -> None:
        self.client.get("/admin/", name="/admin/ (dashboard)")

    @task(2)
    def save(self) -> None:
        url = f"/admin/opinion/edit/?id={self.opinion}"
        form = form_data(self.client.get(url, name="/admin/opinion/edit/ (form)").text)
        self.saves += 1
        form["title"] = re.sub(r"（第\d+次保存）$", "", str(form["title"])) + \
            f"（第{self.saves}次保存）"
        with self.client.post(url, data=form, name="/admin/opinion/edit/ (save)",
                              allow_redirects=False, catch_response=True) as response:
            if response.status_code != 302:  # a refused save re-renders the form
                response.failure(f"save answered {response.status_code}")
