"""How long the pre-parse check takes on a large list and on bombs, and the memory it takes.

Each file is checked in a fresh process (`check_workbook` with the default limits):
wall seconds (best of --runs), the process's peak memory (ru_maxrss: interpreter and
libraries included) and how much the check added to it. The list is the import
benchmark's (make_assignment_list.py); the bombs are the tests' hostile files.

    .venv/bin/python bench/bench_limits.py [--rows 100000] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def child(path: str, runs: int) -> dict:
    """Check the file `runs` times (in the child); return the figures."""
    from importers.limits import _checked, check_workbook
    from importers.problems import ReadError

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    best, outcome = float("inf"), "passed"
    for _ in range(runs):
        _checked.cache_clear()  # time the check itself, not its memo
        started = time.perf_counter()
        try:
            check_workbook(Path(path))
        except ReadError as error:
            outcome = str(error)[:60]
        best = min(best, time.perf_counter() - started)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"seconds": best, "grown_mb": (peak - before) / 1024, "peak_mb": peak / 1024,
            "outcome": outcome}


def files(folder: Path, rows: int) -> dict[str, Path]:
    from bench.make_assignment_list import write
    from tests.importers.hostile_files import (
        cells_sheet,
        deflate_bomb,
        ods_cell,
        ods_row,
        rewritten_xls,
        write_ods_content,
        write_xlsx_parts,
    )

    return {
        f"{rows:,}-row assignment list": write(rows, folder / "list.xlsx"),
        "A1 + XFD1048576 (.xlsx)": write_xlsx_parts(
            folder / "a1.xlsx", {"Sheet1": cells_sheet([("A1", 1), ("XFD1048576", 2)])}),
        "1 GiB of zeros in one part": deflate_bomb(folder / "zeros.xlsx"),
        "1 GiB, directory says 1 KB": deflate_bomb(folder / "liar.xlsx", declared=1024),
        "value repeated 16384 × 100000 (.ods)": write_ods_content(
            folder / "repeats.ods", {"表1": ods_row([ods_cell("x", 16384)], repeat=100_000)}),
        "DIMENSIONS of 2**31 rows (.xls)": rewritten_xls(
            folder / "dims.xls", dimensions=(0, 0x7FFFFFFF, 0, 256)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child[0], int(args.child[1]))))
        return
    print("| file | size | inflated | check, best s | peak MB (grown) | outcome |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        for label, path in files(Path(folder), args.rows).items():
            output = subprocess.run([sys.executable, __file__, "--child", str(path),
                                     str(args.runs)], check=True, capture_output=True,
                                    text=True, cwd=ROOT).stdout
            figures = json.loads(output.strip().splitlines()[-1])
            print(f"| {label} | {_mb(path.stat().st_size)} | {_inflated(path)} | "
                  f"{figures['seconds']:.2f} | {figures['peak_mb']:.0f} "
                  f"(+{figures['grown_mb']:.0f}) | "
                  f"{figures['outcome']} |")


def _mb(count: int) -> str:
    return f"{count / 2**20:.1f} MB" if count >= 2**20 else f"{count / 1024:.0f} KB"


def _inflated(path: Path) -> str:
    if path.suffix == ".xls":
        return "–"
    with zipfile.ZipFile(path) as archive:
        real = sum(info.file_size for info in archive.infolist())
    return _mb(real) + (" declared" if "liar" in path.name else "")


if __name__ == "__main__":
    main()
