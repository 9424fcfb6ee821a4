"""Builders shared by the officers tests."""

import io
from collections.abc import Callable
from typing import Any

import pytest


@pytest.fixture
def xlsx() -> Callable[..., bytes]:
    """Write rows (first row = headers) into an .xlsx file in memory."""

    def _build(rows: list[list[Any]]) -> bytes:
        from openpyxl import Workbook

        workbook = Workbook()
        sheet = workbook.active
        for row in rows:
            sheet.append(row)
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()

    return _build
