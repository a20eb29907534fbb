"""The demo years (the 2016 and 2017 sample workbooks) and how to load them."""

from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import orm

from backoffice.imports import run_import
from backoffice.models import CongressSession

DATA = Path(__file__).parent / "data"
# Each folder holds one year's workbooks (and the truth.json they encode, for tests).
YEARS = {"2016": "区五届人大六次会议", "2017": "区六届人大一次会议"}


class DemoError(Exception):
    """A demo year did not import cleanly; the message lists the problems."""


def load_demo(db_session: orm.Session) -> list[CongressSession]:
    """Import every demo year through the importers, oldest first, one import per year.

    The liaison roster of 2017 closes terms the 2016 roster opened, so the order matters.
    """
    sessions = []
    for year, name in YEARS.items():
        result = run_import(db_session, [DATA / year], "auto", session=name, year=int(year),
                            dry_run=False, actor="demo", source="cli")
        if result.errors or result.status not in ("applied", "unchanged"):
            raise DemoError("\n".join(str(problem) for problem in result.errors))
        sessions.append(db_session.scalars(
            sa.select(CongressSession).where(CongressSession.name == name)).one())
    return sessions
