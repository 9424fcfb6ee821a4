"""Staff pages and the public check page: access, constant queries, actions through services."""

import datetime as dt

import pytest
from django.utils import timezone

from zhifa.audit.models import AuditEntry
from zhifa.officers.factories import make_credential, make_officer
from zhifa.officers.models import Credential, Officer

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(world):
    a1 = make_officer(agency=world.agency_a, unit=world.squad_a1, user=world.officer_a, name="张三")
    make_credential(a1, number="PG0001")
    a2 = make_officer(agency=world.agency_a, name="李四")
    make_credential(a2, number="PG0002", expires_on=timezone.localdate() + dt.timedelta(days=10))
    b1 = make_officer(agency=world.agency_b, name="王五", areas=["市场监管"])
    make_credential(b1, number="PG0003", areas=["市场监管"])
    return {"a1": a1, "a2": a2, "b1": b1}


def test_list_is_for_admins_supervisors_and_approvers(client, world, people) -> None:
    client.force_login(world.officer_a)
    assert client.get("/officers/").status_code == 403
    client.force_login(world.approver_a)
    page = client.get("/officers/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "张三" in text and "李四" in text and "王五" not in text
    client.logout()
    assert client.get("/officers/").status_code == 302  # to the login page


def test_list_page_runs_constant_queries(client, world, people, django_assert_max_num_queries) -> None:
    client.force_login(world.supervisor)
    with django_assert_max_num_queries(30) as first:
        client.get("/officers/")
    for _ in range(8):
        make_credential(make_officer(agency=world.agency_b))
    with django_assert_max_num_queries(len(first.captured_queries)):
        response = client.get("/officers/")
    assert response.content.decode().count('href="/officers/') >= 11


def test_list_filters_expiring_and_status(client, world, people) -> None:
    client.force_login(world.supervisor)
    text = client.get("/officers/?expiring=on").content.decode()
    assert "李四" in text and "张三" not in text
    text = client.get(f"/officers/?agency={world.agency_b.pk}").content.decode()
    assert "王五" in text and "张三" not in text
    assert client.get("/officers/?status=nonsense").status_code == 200  # an invalid filter is ignored


def test_detail_masks_the_id_number_for_supervisors_only(client, world, people) -> None:
    officer = people["a1"]
    client.force_login(world.supervisor)
    text = client.get(f"/officers/{officer.pk}/").content.decode()
    assert officer.id_number not in text and officer.id_number[-4:] in text
    client.force_login(world.admin)
    assert officer.id_number in client.get(f"/officers/{officer.pk}/").content.decode()


def test_admin_suspends_with_htmx_and_gets_the_credential_block_back(client, world, people) -> None:
    credential = people["a1"].credentials.get()
    client.force_login(world.admin)
    response = client.post(
        f"/officers/credentials/{credential.pk}/suspend/", {"reason": "停职审查"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert f'id="credential-{credential.pk}"' in text and "<html" not in text
    credential.refresh_from_db()
    assert credential.status == "suspended"
    assert AuditEntry.objects.filter(action="officers.credential_suspend").exists()


def test_a_refused_action_changes_nothing_and_says_why(client, world, people) -> None:
    credential = people["a1"].credentials.get()
    client.force_login(world.admin)
    response = client.post(
        f"/officers/credentials/{credential.pk}/reinstate/", {"reason": "x"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 400
    assert "有效" in response.content.decode()
    no_reason = client.post(f"/officers/credentials/{credential.pk}/revoke/", {"reason": ""})
    assert no_reason.status_code == 400
    credential.refresh_from_db()
    assert credential.status == "valid"
    assert client.post(f"/officers/credentials/{credential.pk}/explode/", {}).status_code == 404


def test_non_admins_cannot_act(client, world, people) -> None:
    credential = people["a1"].credentials.get()
    client.force_login(world.supervisor)
    assert client.post(f"/officers/credentials/{credential.pk}/revoke/", {"reason": "x"}).status_code == 403
    credential.refresh_from_db()
    assert credential.status == "valid"


def test_admin_creates_an_officer_and_issues_a_credential_through_the_pages(client, world) -> None:
    client.force_login(world.admin)
    response = client.post(
        "/officers/new/",
        {
            "name": "周九",
            "gender": "female",
            "id_number": "11010519491231002X",
            "agency": world.agency_a.pk,
            "unit": world.squad_a1.pk,
            "areas": "城市管理、市容环卫",
            "username": "officer_a2",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    officer = Officer.objects.get(name="周九")
    assert officer.areas == ["城市管理", "市容环卫"] and officer.user == world.officer_a2
    today = timezone.localdate()
    issued = client.post(
        f"/officers/{officer.pk}/credentials/",
        {
            "number": "PG1000",
            "kind": "enforcement",
            "issuer": "测试市人民政府",
            "areas": "城市管理",
            "issued_on": today.isoformat(),
            "expires_on": (today + dt.timedelta(days=900)).isoformat(),
        },
    )
    assert issued.status_code == 302
    assert Credential.objects.get(number="PG1000").officer == officer


def test_officer_form_errors_are_shown_with_400(client, world, people) -> None:
    client.force_login(world.admin)
    response = client.post(
        "/officers/new/",
        {"name": "坏号", "gender": "male", "id_number": "110105194912310021", "agency": world.agency_a.pk},
    )
    assert response.status_code == 400
    assert "field-error" in response.content.decode()
    duplicate = client.post(
        f"/officers/{people['b1'].pk}/credentials/",
        {
            "number": "pg0001",
            "kind": "enforcement",
            "issuer": "x",
            "areas": "市场监管",
            "issued_on": "2025-01-01",
            "expires_on": "2030-01-01",
        },
    )
    assert duplicate.status_code == 400
    assert "PG0001" in duplicate.content.decode()


def test_photo_upload_checks_the_image(client, world, people, settings, tmp_path) -> None:
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    client.force_login(world.admin)
    officer = people["a1"]
    bad = client.post(
        f"/officers/{officer.pk}/photo/upload/", {"photo": SimpleUploadedFile("a.jpg", b"not an image")}
    )
    assert bad.status_code == 400
    buffer = io.BytesIO()
    Image.new("RGB", (30, 40), (10, 20, 30)).save(buffer, format="JPEG")
    good = client.post(
        f"/officers/{officer.pk}/photo/upload/", {"photo": SimpleUploadedFile("a.jpg", buffer.getvalue())}
    )
    assert good.status_code == 302
    photo = client.get(f"/officers/{officer.pk}/photo/")
    assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"
    public = client.get("/officers/check/PG0001/photo/")
    assert public.status_code == 200
    client.logout()
    assert client.get("/officers/check/PG0001/photo/").status_code == 200  # public
    assert client.get(f"/officers/{officer.pk}/photo/").status_code == 302  # staff route needs login


def test_card_has_a_qr_code_pointing_to_the_check_page(client, world, people) -> None:
    client.force_login(world.admin)
    response = client.get(f"/officers/{people['a1'].pk}/card/")
    text = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in text and "/officers/check/PG0001/" in text


def test_stats_and_exams_pages_render(client, world, people) -> None:
    client.force_login(world.supervisor)
    stats = client.get("/officers/stats/")
    assert stats.status_code == 200 and "测试市城市管理局" in stats.content.decode()
    assert client.get("/officers/stats/?year=abc").status_code == 200
    assert client.get("/officers/exams/").status_code == 200


def test_admin_creates_an_exam_and_records_a_result(client, world, people) -> None:
    client.force_login(world.admin)
    response = client.post(
        "/officers/exams/",
        {"title": "测试考试", "kind": "annual", "held_on": "2025-06-01", "organiser": world.city.pk},
    )
    assert response.status_code == 302
    exam_url = response["Location"]
    recorded = client.post(exam_url, {"officer": people["a1"].pk, "score": "88"})
    assert recorded.status_code == 302
    assert "88" in client.get(exam_url).content.decode()
    bad = client.post(exam_url, {"officer": people["a2"].pk, "score": "120"})
    assert bad.status_code == 400


def test_training_import_page_lists_row_errors_and_imports_nothing(client, world, people, xlsx) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from zhifa.officers.models import TrainingRecord

    client.force_login(world.admin)
    head = ["执法证号", "姓名", "培训类型", "培训名称", "培训日期", "学时"]
    data = xlsx(
        [
            head,
            ["PG0001", "张三", "集中学法", "学法", "2025-03-01", 4],
            ["PG0002", "张三", "集中学法", "学法", "2025-03-01", 4],
        ]
    )
    response = client.post("/officers/import/training/", {"file": SimpleUploadedFile("t.xlsx", data)})
    assert response.status_code == 400
    text = response.content.decode()
    assert "<td>3</td>" in text
    assert TrainingRecord.objects.count() == 0
    template = client.get("/officers/import/template/training/")
    assert template.status_code == 200 and template.content[:2] == b"PK"


def test_public_check_page_by_number_and_search(client, world, people) -> None:
    response = client.get("/officers/check/PG0001/")
    text = response.content.decode()
    assert response.status_code == 200 and 'data-testid="verdict">有效<' in text and "张三" in text
    assert people["a1"].id_number[-4:] not in text
    search = client.get("/officers/check/?number=pg0001")
    assert search.status_code == 302 and search["Location"] == "/officers/check/PG0001/"
    missing = client.get("/officers/check/?number=<script>alert(1)</script>")
    assert missing.status_code == 404 and "<script>alert(1)" not in missing.content.decode()


def test_home_page_shows_my_credential_and_admin_attention(client, world, people) -> None:
    client.force_login(world.officer_a)
    assert "PG0001" in client.get("/").content.decode()
    client.force_login(world.admin)
    assert "李四" in client.get("/").content.decode()
