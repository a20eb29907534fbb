"""The demo years (the 2016 and 2017 sample workbooks) and how to load them."""

from pathlib import Path

from sqlalchemy import orm

from backoffice.audit import acting_as
from backoffice.models import CongressSession

DATA = Path(__file__).parent / "data"
YEARS = ("2016", "2017")


def load_demo(db_session: orm.Session) -> list[CongressSession]:
    """Load every demo year, one transaction per year."""
    from backoffice.demo.truth_loader import load_truth

    sessions = []
    with acting_as("demo", "cli"):
        for year in YEARS:
            sessions.append(load_truth(db_session, DATA / year / "truth.json"))
            db_session.commit()
    return sessions
