"""`backoffice import KIND|auto PATH...`: import sheets from the command line.

Exit status: 0 when the import was applied (or a dry run found nothing wrong),
1 when nothing was applied because of errors, 2 for a wrong command line.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click
from flask.cli import with_appcontext

from importers import KINDS, SCHEMAS, Problem, UsageError, column_letter
from importers.columns import How
from importers.problems import cell_excerpt

if TYPE_CHECKING:
    from backoffice.imports import ImportResult, PreparedImport

PROGRESS_FROM = 2000  # rows to write before a progress bar is worth showing
_SHOWN_PROBLEMS = 200
# Columns read as their headers say (or left out as 序号 is): not worth a line each.
_BY_HEADER = frozenset({How.EXACT, How.IGNORED})


@click.command("import")
@click.argument("kind", type=click.Choice(["auto", *KINDS]), metavar="KIND|auto")
@click.argument("paths", nargs=-1, required=True,
                type=click.Path(exists=True, path_type=Path), metavar="PATH...")
@click.option("--session", "session_name", metavar="NAME",
              help="届次会议名称，如 区六届人大一次会议（默认为最新一届）")
@click.option("--year", type=int, metavar="YYYY", help="届次会议的年度（新建届次会议时必填）")
@click.option("--dry-run", is_flag=True, help="只检查并显示将要做的变更，不写入数据库")
@click.option("--skip-invalid", is_flag=True, help="导入无误的行，跳过并列出有错误的行")
@click.option("--map", "mappings", multiple=True, metavar="源列=目标列",
              help="把表中的某一列对应到某一列（目标留空表示忽略该列），可重复；"
                   "优先于已记住的对应关系")
@click.option("--no-remembered", "no_remembered", is_flag=True,
              help="不使用在导入预览中记住的表头对应关系")
@click.option("--overwrite", is_flag=True,
              help="导出后数据库中已被修改、表格又要改动的行（冲突）也导入，以表格为准；"
                   "默认不导入这些行")
@click.option("--format", "output", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="输出格式")
@with_appcontext
def import_command(kind: str, paths: tuple[Path, ...], session_name: str | None,
                   year: int | None, dry_run: bool, skip_invalid: bool,
                   mappings: tuple[str, ...], no_remembered: bool, overwrite: bool,
                   output: str) -> None:
    """Import sheets: KIND is one of the sheet kinds, or auto to recognise each file.

    A folder imports every workbook in it (and its subfolders) in dependency order.
    A sheet whose headers read the same as one whose mapping was confirmed on the import
    preview is read with that mapping (unless --no-remembered); --map wins over it.
    A row of one of our exports whose value was changed in the database since the export
    is a conflict: left as the database has it unless --overwrite.
    """
    import sqlalchemy as sa

    from backoffice.extensions import db
    from backoffice.imports import ImportResult, StalePlan, apply_prepared, prepare_import
    from backoffice.storage import StorageError

    quiet = output == "json"
    if not quiet:
        click.echo(f"正在读取 {len(paths)} 个路径中的表格…", err=True)
    try:
        prepared = prepare_import(db.session, list(paths), kind, session=session_name,
                                  year=year, mapping=list(mappings), skip_invalid=skip_invalid,
                                  remembered=not no_remembered, applying=not dry_run)
    except UsageError as error:
        raise click.UsageError(str(error)) from None
    chosen = prepared.conflict_rows() if overwrite else []
    if dry_run:
        result = ImportResult("dry_run", prepared, held=prepared.held_rows(chosen))
    else:
        writes = sum(1 for row in prepared.plan.rows if row.writes)
        try:
            with _progress(writes if not quiet and writes >= PROGRESS_FROM else 0) as advance:
                result = apply_prepared(db.session, prepared, actor="cli", source="cli",
                                        progress=advance, overwrite=chosen)
        except StalePlan as stale:
            click.echo(f"导入失败，未导入任何数据：{stale}", err=True)
            sys.exit(1)
        except sa.exc.IntegrityError as error:
            click.echo(f"导入失败：与同时写入的数据冲突，未导入任何数据（{error.orig}）", err=True)
            sys.exit(1)
        except StorageError as error:
            click.echo(f"导入失败，未导入任何数据：{error}", err=True)
            sys.exit(1)
    if quiet:
        click.echo(json.dumps(result.to_json(), ensure_ascii=False))
    else:
        _print_text(result)
    sys.exit(exit_status(result))


def exit_status(result: ImportResult) -> int:
    """Return 0 for an applied import or a clean dry run, 1 when errors keep it out."""
    if result.status == "dry_run":
        plan = result.plan
        kept_out = not plan.ok and (not result.prepared.skip_invalid or not plan.has_changes)
        return 1 if kept_out else 0
    return 1 if result.status == "refused" else 0


COMMANDS = (import_command,)


@contextmanager
def _progress(length: int) -> Iterator:
    if not length or not sys.stderr.isatty():
        yield None
        return
    with click.progressbar(length=length, label="写入数据库", file=sys.stderr) as bar:
        yield bar.update


def _print_text(result: ImportResult) -> None:
    from importers.planning import Outcome

    prepared = result.prepared
    plan = result.plan
    if prepared.session_name:
        new = "（新建）" if plan.creates_session else ""
        click.echo(f"届次会议：{prepared.session_name}（{prepared.year}年）{new}")
    for facts in prepared.files:
        kind = prepared.kinds.get(str(facts.path))
        title = SCHEMAS[kind].title if kind else "未识别"
        click.echo(f"  {facts.name}：{title}，{prepared.rows.get(str(facts.path), 0)} 行")
        _print_columns(prepared, str(facts.path))
    counts = plan.counts()
    click.echo("计划：" + "，".join(f"{outcome.label} {counts[outcome]} 行" for outcome in Outcome))
    _print_problems("错误", result.errors, prepared.name_of)
    _print_problems("提示", result.warnings, prepared.name_of)
    _print_conflicts(result)
    counts_done = result.counts
    done = (f"新增 {counts_done['created']} 行，修改 {counts_done['updated']} 行，"
            f"无变化 {counts_done['unchanged']} 行，跳过 {counts_done['skipped']} 行")
    if counts_done["conflicted"]:
        done += f"，有冲突未导入 {counts_done['conflicted']} 行（确认以表格为准请加 --overwrite）"
    click.echo({
        "applied": f"已导入（导入记录 #{result.run_id}）：{done}",
        "unchanged": (f"没有导入任何数据：{done}" if counts_done["conflicted"]
                      else "没有需要导入的变更：数据库中已是这些数据"),
        "dry_run": f"试运行，未写入数据库：{done}",
        "refused": "有错误，未导入任何数据。请修正后重新导入，或用 --skip-invalid 跳过有错误的行",
    }[result.status])


def _print_columns(prepared: PreparedImport, path: str) -> None:
    """Print how a file's sheets were read: the remembered mapping used, every column not
    read as its header says, and how many were (the JSON output lists every column)."""
    from backoffice.imports.mappings import confidence_text, field_label

    for sheet in prepared.sheets:
        if sheet.file != path:
            continue
        if sheet.recalled:
            click.echo(f"    工作表“{sheet.sheet}”按已记住的对应关系读取"
                       f"（#{sheet.recalled.id}，{sheet.recalled.describe()}）")
        plain = [column for column in sheet.columns if column.how in _BY_HEADER]
        for column in sheet.columns:
            if column.how in _BY_HEADER:
                continue
            target = ("未匹配" if column.how is How.UNMATCHED
                      else field_label(sheet.kind, column.field))
            sure = ("" if column.how is How.UNMATCHED
                    else "，" + confidence_text(column.how, column.confidence))
            memory = "，已记住的对应关系" if column.column in sheet.from_memory else ""
            click.echo(f"    {column_letter(column.column)}列“{column.header}” → {target}"
                       f"（{column.how_label}{sure}{memory}）")
        if len(plain) == len(sheet.columns):
            click.echo(f"    工作表“{sheet.sheet}”：{len(plain)} 列均按表头识别")
        elif plain:
            click.echo(f"    工作表“{sheet.sheet}”其余 {len(plain)} 列按表头识别")


def _print_conflicts(result: ImportResult) -> None:
    """Print each conflict: where, and the values at export, in the database, in the file."""
    conflicts = result.prepared.conflicts
    if not conflicts:
        return
    click.echo(f"冲突（{len(conflicts)}）：导出后数据库中已被修改的值")
    for conflict in conflicts[:_SHOWN_PROBLEMS]:
        where = conflict.cell or f"{conflict.row[1]}!{conflict.row[2] + 1}"
        click.echo(f"  {result.prepared.name_of(conflict.row[0])} {where} "
                   f"{conflict.message(conflict.row not in result.held)}")
    if len(conflicts) > _SHOWN_PROBLEMS:
        click.echo(f"  ……另有 {len(conflicts) - _SHOWN_PROBLEMS} 条")


def _print_problems(title: str, problems: list[Problem], name_of) -> None:
    if not problems:
        return
    click.echo(f"{title}（{len(problems)}）：")
    for problem in problems[:_SHOWN_PROBLEMS]:
        value = f"「{cell_excerpt(problem.value)}」" if problem.value not in (None, "") else ""
        parts = (name_of(problem.file), problem.cell or problem.sheet, value + problem.message)
        click.echo("  " + " ".join(part for part in parts if part))
    if len(problems) > _SHOWN_PROBLEMS:
        click.echo(f"  ……另有 {len(problems) - _SHOWN_PROBLEMS} 条")
