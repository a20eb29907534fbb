"""Write a large assignment list (书面意见交办清单) the way offices fill it in, for benchmarks.

Units and deputies are the 2017 demo year's, so the list imports into a database that
holds them. Numbers, dates and separators are written in the forms offices use.

    .venv/bin/python bench/make_assignment_list.py 10000 /tmp/list-10000.xlsx
"""

from __future__ import annotations

import argparse
import random
from datetime import date, timedelta
from pathlib import Path

import xlsxwriter

from backoffice.demo import DATA
from importers import read_file
from importers.vocabulary import Category

HEADER = ["序号", "编号", "案由", "领衔代表", "附议代表", "代表团", "类别", "主办单位",
          "会办单位", "交办日期", "督办领导"]
SUPERVISORS = ["王副区长", "李副区长", "陈副区长"]


def people() -> tuple[list[str], list[tuple[str, str]]]:
    """Return the 2017 units (by a name or alias, as sheets write them) and deputies."""
    units = read_file(DATA / "2017" / "承办单位名录.xlsx").records
    deputies = read_file(DATA / "2017" / "代表名册.xlsx").records
    names = [[u["name"], *u["aliases"]] for u in units]
    return names, [(d["name"], d["delegation"]) for d in deputies]


def write(count: int, path: Path, seed: int = 2018) -> Path:
    """Write count opinions over the four category sheets; return path."""
    rng = random.Random(seed)
    units, deputies = people()
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheets = {category: book.add_worksheet(category.value) for category in Category}
    rows = dict.fromkeys(sheets, 0)
    for sheet in sheets.values():
        sheet.write_row(0, 0, HEADER)
    assigned = date(2018, 2, 20)
    for number in range(1, count + 1):
        category = rng.choices(list(Category), weights=(72, 14, 9, 5))[0]
        lead, *co = rng.sample(units, 1 + rng.choice((0, 0, 1, 1, 2)))
        name, delegation = rng.choice(deputies)
        cosigners = [d[0] for d in rng.sample(deputies, rng.randint(0, 4)) if d[0] != name]
        day = assigned + timedelta(days=rng.choice((0, 0, 0, 7)))
        rows[category] += 1
        sheets[category].write_row(rows[category], 0, [
            rows[category],
            rng.choice((f"{number:04d}", number, f"第{number}号")),
            f"关于推进第{number}号民生项目的建议",
            name,
            rng.choice(("、", "，", " ")).join(cosigners),
            delegation,
            category.value,
            rng.choice(lead),
            "、".join(rng.choice(u) for u in co) or "无",
            rng.choice((day.isoformat(), f"{day.year}年{day.month}月{day.day}日",
                        f"{day.year}.{day.month}.{day.day}")),
            rng.choice(SUPERVISORS) if rng.random() < 0.03 else "",
        ])
    book.close()
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("path", type=Path)
    args = parser.parse_args()
    print(write(args.count, args.path))


if __name__ == "__main__":
    main()
