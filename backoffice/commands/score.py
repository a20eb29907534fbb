"""`backoffice score`: a year's assessment as text, JSON or an .xlsx sheet."""

import json
from datetime import datetime
from pathlib import Path

import click
from flask.cli import with_appcontext


@click.command("score")
@click.option("--year", type=int, required=True, help="考核年度")
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="考核截止日（YYYY-MM-DD）；默认为该年12月31日，当年则为今天",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "xlsx"]),
    default="text",
    show_default=True,
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="输出文件")
@with_appcontext
def score(year: int, as_of: datetime | None, output_format: str, output: Path | None) -> None:
    """Assess a year under its stored rules and print or write the ranking.

    The JSON is the shape of `assessment` in tests/fixtures/expected/2017.json.
    """
    from backoffice.assessment import assess_year, check_year, default_as_of
    from backoffice.assessment.ranking_table import ranking_table
    from backoffice.assessment.sheets import ranking_text, title, write_ranking_xlsx
    from backoffice.assessment.snapshots import snapshot
    from backoffice.extensions import db
    from scoring import assessment_json

    day = as_of.date() if as_of else default_as_of(year)
    try:
        check_year(db.session, year, day)
        assessment = assess_year(db.session, year, day)
    except (LookupError, ValueError) as problem:
        raise click.ClickException(str(problem.args[0] if problem.args else problem)) from None
    if output_format == "json":
        _emit(json.dumps(assessment_json(assessment), ensure_ascii=False, indent=1) + "\n", output)
    elif output_format == "xlsx":
        if output is None:
            raise click.UsageError("xlsx 格式须用 -o 指定输出文件。")
        frozen = snapshot(assessment)
        write_ranking_xlsx(output, ranking_table(frozen.result), title(frozen))
        click.echo(f"已写入 {output}。", err=True)
    else:
        frozen = snapshot(assessment)
        _emit(ranking_text(ranking_table(frozen.result), title(frozen)), output)


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        click.echo(text, nl=False)
        return
    output.write_text(text, encoding="utf-8")
    click.echo(f"已写入 {output}。", err=True)


COMMANDS = (score,)

