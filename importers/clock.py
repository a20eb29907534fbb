"""The one clock on every screen and sheet: Beijing time, whatever the server's own zone."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

LOCAL_TIME = ZoneInfo("Asia/Shanghai")


def wall_clock(moment: datetime) -> datetime:
    """Return a stored moment as Beijing wall-clock time without a zone (a spreadsheet cell
    has none); a moment without a zone is a stored UTC one (SQLite hands them back so)."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(LOCAL_TIME).replace(tzinfo=None)


def local_today() -> date:
    """Return today's date in Beijing, whatever the server's zone."""
    return datetime.now(LOCAL_TIME).date()
