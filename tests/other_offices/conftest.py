"""Generated years, written once per test session and shared by the tests that read them."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from backoffice.extensions import db
from tests.conftest import _app, database_copy
from tests.importers.workbook_builders import SAMPLES
from tests.other_offices.generator import GeneratedFile, write_year
from tests.other_offices.variants import picker


def load_truth(year: str, every: int = 1) -> dict[str, Any]:
    """Return a sample year's truth.json, keeping only every n-th opinion if asked."""
    truth = json.loads((SAMPLES / year / "truth.json").read_text(encoding="utf-8"))
    truth["opinions"] = truth["opinions"][::every]
    return truth


Generated = tuple[Path, list[GeneratedFile]]


@pytest.fixture
def empty_app(templates, tmp_path: Path) -> Iterator[Flask]:
    """An app on a fresh copy of the migrated, empty SQLite database."""
    with database_copy(templates("sqlite", "empty"), "sqlite", tmp_path) as url:
        app = _app(url, tmp_path)
        yield app
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture(scope="session")
def generated_year(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str, str], Generated]:
    """Return a function giving the folder (and its files) of a year written by an office."""
    cache: dict[tuple[str, str], Generated] = {}

    def generated(year: str, office: str) -> Generated:
        if (year, office) not in cache:
            folder = tmp_path_factory.mktemp(f"{year}-{office}")
            cache[year, office] = folder, write_year(load_truth(year), folder,
                                                     picker(year, office))
        return cache[year, office]

    return generated
