"""The import page's first step in a browser: upload a file into a new session."""

import re
from pathlib import Path

from tests.backoffice.imports.tables import NEW_SESSION


def upload_to_new_session(page, path: Path) -> None:
    """Upload path on the open import page, for a new session of 2018; wait for its preview."""
    page.locator("#files").set_input_files(str(path))
    page.locator("#session").select_option("__new__")
    page.locator("#new_session_name").fill(NEW_SESSION)
    page.locator("#new_session_year").fill("2018")
    page.get_by_role("button", name="上传并预览").click()
    page.wait_for_url(re.compile(r".*/preview/\w+/$"))
