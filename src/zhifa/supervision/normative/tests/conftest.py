from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: dt.date) -> dt.datetime:
    """10:00 in Shanghai on `day` (for time_machine)."""
    return dt.datetime(day.year, day.month, day.day, 10, 0, tzinfo=SHANGHAI)


def one_page_pdf(title: str) -> bytes:
    """A real one-page PDF (blank page; the title in its metadata so two differ) for upload tests."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": title})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
