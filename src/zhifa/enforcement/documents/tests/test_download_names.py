"""Downloads are named as a clerk files them: the 文书 `<文号>-<标题>.pdf`, the dossier `<案号>-卷宗.pdf|zip`,
in RFC 5987 `filename*` (the Chinese name) beside an ASCII `filename` for clients that read only that."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from zhifa.core.files.serving import content_disposition
from zhifa.enforcement.documents.models import Document

from .test_api import closed_case  # noqa: F401 - the fixture
from .test_case_documents import START, _register, advance

pytestmark = pytest.mark.django_db


def _names(header: str) -> tuple[str, str, str]:
    """(disposition, ascii filename, decoded filename*)."""
    from urllib.parse import unquote

    disposition, plain, star = (part.strip() for part in header.split(";"))
    assert plain.startswith('filename="') and plain.endswith('"')
    assert star.startswith("filename*=UTF-8''")
    return disposition, plain[len('filename="') : -1], unquote(star[len("filename*=UTF-8''") :])


def test_the_header_carries_both_names_and_the_fallback_is_plain_ascii() -> None:
    header = content_disposition('测城管立〔2025〕1号/"卷宗".pdf', fallback="dossier 1\u00e9.pdf")
    disposition, plain, name = _names(header)
    assert disposition == "attachment" and plain == "dossier_1_.pdf"
    assert name == '测城管立〔2025〕1号/"卷宗".pdf'
    assert header.isascii()  # a header is ASCII; the Chinese travels percent-encoded
    assert content_disposition("卷宗.pdf", fallback="", as_attachment=False).startswith(
        'inline; filename="download"'
    )


def test_the_dossier_pdf_and_zip_are_named_by_case_number_on_pages_and_api(
    client,
    closed_case,  # noqa: F811
    kit,
    api_token,
) -> None:
    number = closed_case.number
    assert number
    headers = api_token(kit.world.officer_a)
    api_pdf = client.get(f"/api/v1/cases/{closed_case.pk}/dossier.pdf", **headers)
    api_zip = client.get(f"/api/v1/cases/{closed_case.pk}/dossier.zip", **headers)
    client.force_login(kit.world.officer_a)
    page_pdf = client.get(f"/documents/case/{closed_case.pk}/dossier.pdf")
    page_zip = client.get(f"/documents/case/{closed_case.pk}/dossier.zip")
    for response, ext in ((api_pdf, "pdf"), (page_pdf, "pdf"), (api_zip, "zip"), (page_zip, "zip")):
        assert response.status_code == 200
        disposition, plain, name = _names(response["Content-Disposition"])
        assert disposition == "attachment"
        assert name == f"{number}-卷宗.{ext}"
        assert plain == f"dossier-{closed_case.pk}.{ext}"
        assert quote(f"{number}-卷宗.{ext}", safe="") in response["Content-Disposition"]


def test_a_masked_dossier_says_so_in_its_name(client, closed_case, kit, api_token) -> None:  # noqa: F811
    """The supervisor sees the party masked: the copy's name says it is not the original."""
    url, token = f"/api/v1/cases/{closed_case.pk}/dossier.pdf", api_token(kit.world.supervisor)
    assert client.get(url, **token).status_code == 202  # prepared by the worker first (test_masked_dossier)
    response = client.get(url, **token)
    assert response.status_code == 200
    _disposition, plain, name = _names(response["Content-Disposition"])
    assert (
        name == f"{closed_case.number}-卷宗（脱敏）.pdf" and plain == f"dossier-{closed_case.pk}-masked.pdf"
    )


def test_a_document_pdf_keeps_its_number_and_title_with_an_ascii_fallback(
    client, kit, frozen, api_token
) -> None:
    case = advance(kit, _register(kit), "decided", start=START)
    decision = Document.objects.get(case=case, code="decision")
    client.force_login(kit.world.officer_a)
    response = client.get(f"/documents/{decision.pk}/pdf/")
    disposition, plain, name = _names(response["Content-Disposition"])
    assert disposition == "inline"
    assert name == f"{decision.number}-行政处罚决定书.pdf" and plain == f"document-{decision.pk}.pdf"
    masked = client.get(f"/api/v1/documents/{decision.pk}/pdf", **api_token(kit.world.supervisor))
    assert masked.status_code == 200
    _d, plain, name = _names(masked["Content-Disposition"])
    assert (
        name == f"{decision.number}-行政处罚决定书（脱敏）.pdf"
        and plain == f"document-{decision.pk}-masked.pdf"
    )


def test_a_case_without_a_number_yet_is_named_by_its_id() -> None:
    from types import SimpleNamespace

    from zhifa.enforcement.documents.api import dossier_ascii_name, dossier_download_name

    lead = SimpleNamespace(pk=7, number="")
    assert dossier_download_name(lead, "pdf") == "案件7-卷宗.pdf"
    assert (
        dossier_download_name(SimpleNamespace(pk=8, number="测城管立〔2025〕3号"), "zip")
        == "测城管立〔2025〕3号-卷宗.zip"
    )
    assert dossier_ascii_name(lead, "zip", masked=True) == "dossier-7-masked.zip"
