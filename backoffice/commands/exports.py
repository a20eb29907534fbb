"""`backoffice export KIND OUT.xlsx`: write a sheet kind as `backoffice import` reads it.

KIND is one of the import's kinds (units deputies liaisons opinions handling signoffs
contacts progress evaluations co-evaluations notices), or `worklist` for units'
worklists: one unit's .xlsx with --unit, every unit with open work zipped otherwise.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, TypeVar

import click
from flask.cli import with_appcontext

from importers.schemas import KINDS

WORKLIST = "worklist"
T = TypeVar("T")


@click.command("export")
@click.argument("kind", type=click.Choice([*KINDS, WORKLIST]), metavar="KIND")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--session", "session_name", help="届次会议名称（默认为最近一届）")
@click.option("--unit", "unit_name", help="只导出该单位主办或会办的；worklist 时为该单位的清单")
@click.option("--blank", is_flag=True, help="只写空白模板（表头、下拉选项、填写说明）")
@with_appcontext
def export(kind: str, out: Path, session_name: str | None, unit_name: str | None,
           blank: bool) -> None:
    """Export KIND to OUT (.xlsx; .zip for all units' worklists), importable as KIND.

    KIND: units deputies liaisons opinions handling signoffs contacts progress
    evaluations co-evaluations notices, or worklist.
    """
    from backoffice.audit import acting_as
    from backoffice.exports import ExportError, export_kind, resolve_session, resolve_unit
    from backoffice.extensions import db
    from backoffice.models.security import SecurityEventKind
    from backoffice.security import log

    try:
        session = resolve_session(db.session, session_name)
        unit = resolve_unit(db.session, unit_name) if unit_name else None
        if kind == WORKLIST:
            message = _worklists(out, session, unit)
        else:
            _check_suffix(out, ".xlsx")
            count = _write_atomically(out, lambda part: export_kind(
                db.session, kind, part, session=session, unit=unit, blank=blank))
            message = f"已导出 {count} 行到 {out}"
    except ExportError as error:
        raise click.UsageError(str(error)) from None
    with acting_as("cli", "cli"):
        log.record_now(SecurityEventKind.EXPORT, object=out.name, detail=message)
    click.echo(message)


def _worklists(out: Path, session: object, unit: object) -> str:
    from backoffice.exports import export_worklist, export_worklists, units_with_work
    from backoffice.extensions import db

    if unit is not None:
        _check_suffix(out, ".xlsx")
        count = _write_atomically(out, lambda part: export_worklist(db.session, unit, session,
                                                                    part))
        return f"已导出 {unit}的清单（{count} 行）到 {out}"
    _check_suffix(out, ".zip")
    units = [found for found, _lead, _co in units_with_work(db.session, session)]
    names = _write_atomically(out, lambda part: export_worklists(db.session, units, session,
                                                                 part))
    return f"已导出 {len(names)} 个单位的清单到 {out}"


def _check_suffix(out: Path, suffix: str) -> None:
    if out.suffix.lower() != suffix:
        raise click.UsageError(f"输出文件“{out}”应以 {suffix} 结尾")


def _write_atomically(out: Path, write: Callable[[IO[bytes]], T]) -> T:
    """Write to a temporary file beside out, then rename it: never half a file at out."""
    folder = out.resolve().parent
    if not folder.is_dir():
        raise click.UsageError(f"目录“{folder}”不存在")
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".export-", suffix=out.suffix)
    try:
        with os.fdopen(handle, "wb") as part:
            result = write(part)
        os.replace(temporary, out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return result


COMMANDS = (export,)
