"""The supervision documents (执法监督通知书/建议书/决定书) as 文书 PDFs: rendered from a template with
the documents app's renderer (WeasyPrint, its fonts, no network) and stored through core.files.

A document states only what is on the file: the clue's explanation and records, the requirements the
supervisor wrote, the deadline computed by the deadline engine. Personal names of parties never
appear: the problem models put none into a clue (they name cases by number and officers, who act in
public office, by name), so nothing needs masking here.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from zhifa.core.files.models import Blob
from zhifa.core.files.services import blob_store
from zhifa.enforcement.documents.services import html_pdf
from zhifa.org.selectors import node_names


def notice_context(notice: Any, clue: Any) -> dict[str, Any]:
    names = node_names([notice.agency_id])
    return {
        "title": notice.get_kind_display(),
        "number": notice.number,
        "agency": names.get(notice.agency_id, ""),
        "issued_on": notice.issued_on,
        "due_on": notice.due_on,
        "provisional": notice.due_provisional,
        "clue_title": clue.title,
        "explanation": clue.explanation,
        "records": [{"label": r.get("label", ""), "facts": r.get("facts", {})} for r in (clue.records or [])],
        "requirements": notice.requirements,
        "issuer": notice.issuer_name,
        # The organ named in the heading and above the seal is the one recorded when the document was
        # issued (the supervisor's own organ); a document issued before organs were recorded names none
        # rather than an organ the file does not show.
        "organ": notice.issuer_organ_name,
    }


def notice_pdf(notice: Any, clue: Any) -> bytes:
    html = render_to_string("centre/notice_pdf.html", notice_context(notice, clue))
    return html_pdf(html, title=f"{notice.get_kind_display()} {notice.number}")


def store_notice_pdf(notice: Any, clue: Any) -> Blob:
    return blob_store(notice_pdf(notice, clue), mime="application/pdf")
