"""An officer in the field: uploads a photo from a phone, sees it in the dossier by its hash, writes the
inspection record, and opens the generated PDF."""

import datetime as dt
import hashlib

import pytest
from django.utils import timezone

from zhifa.enforcement.cases.factories import advance, build_case_kit, register
from zhifa.enforcement.cases.models import State
from zhifa.enforcement.evidence.factories import jpeg_bytes
from zhifa.org.factories import PASSWORD


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_officer_uploads_a_photo_and_writes_the_inspection_record_on_a_phone(
    browser, live_server, world
) -> None:
    kit = build_case_kit(world)
    today = timezone.localdate()
    case = register(
        kit,
        discovered_on=(today - dt.timedelta(days=1)).isoformat(),
        occurred_on=(today - dt.timedelta(days=2)).isoformat(),
    )
    case = advance(kit, case, State.INVESTIGATING, start=today)
    photo = jpeg_bytes("street", seed=5)
    sha256 = hashlib.sha256(photo).hexdigest()

    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "officer_a")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/evidence/upload/?case={case.pk}")
    page.set_input_files(
        "input[name=file]", files=[{"name": "IMG_0001.jpg", "mimeType": "image/jpeg", "buffer": photo}]
    )
    page.fill("textarea[name=description]", "占道堆放建筑材料现场照片")
    page.fill("input[name=device]", "执法记录仪 HZ-001")
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{live_server.url}/evidence/*/")
    assert sha256 in page.content()
    assert page.evaluate("document.querySelector('img').naturalWidth") == 320  # the stored photo displays

    page.goto(f"{live_server.url}/documents/case/{case.pk}/")
    assert sha256 in page.content() and "立案审批表" in page.content()
    page.click("summary:has-text('现场检查（勘验）笔录')")
    page.fill("details[open] textarea[name=findings]", "现场堆放砖块约10平方米，未见占道许可。")
    page.click("details[open] button[type=submit]")
    page.wait_for_url(f"{live_server.url}/documents/case/{case.pk}/")
    assert "测城管检〔" in page.content()  # numbered and listed
    with page.expect_response(lambda r: "/pdf/" in r.url) as pdf:
        page.click("a:has-text('现场检查（勘验）笔录')")
    assert pdf.value.headers["content-type"] == "application/pdf"
    page.close()
