"""Steps on Flask-Admin's forms that several browser tests take."""


def choose(page, field_id: str, text: str, typed: str = "") -> None:
    """Pick text in the select2 box of a field, typing first for an ajax lookup."""
    page.locator(f"#s2id_{field_id}").click()
    if typed:
        page.locator(".select2-drop-active input.select2-input").fill(typed)
    page.locator(".select2-drop-active .select2-result-label", has_text=text).first.click()
