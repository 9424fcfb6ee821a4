"""Form widgets shared by every app.

`DateInput`: an `<input type="date">` whose value is always ISO (YYYY-MM-DD), the only format the
browser accepts. Django's own DateInput renders the active language's format (zh-hans: 2026/12/06),
which the browser silently drops — an edit form then showed its dates blank (a credential's 有效期至)
and saved them empty.
"""

from __future__ import annotations

from typing import Any

from django import forms

ISO_DATE = "%Y-%m-%d"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None, format: str | None = None) -> None:
        super().__init__(attrs=attrs, format=format or ISO_DATE)
