"""Pages of the power list and the law library."""

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from zhifa.core import testdata
from zhifa.org.factories import WORLD, OrgWorld
from zhifa.powers.data_files import data_dir
from zhifa.powers.factories import make_item, tier
from zhifa.powers.importing import import_power_list
from zhifa.powers.models import ImportJob, PowerItem

pytestmark = pytest.mark.django_db


def import_list(below: dict[str, Any]) -> OrgWorld:
    world: OrgWorld = below[WORLD.key]
    folder = data_dir()
    import_power_list(
        actor=None,
        items=("power_items.csv", (folder / "power_items.csv").read_bytes()),
        tiers=("discretion_tiers.csv", (folder / "discretion_tiers.csv").read_bytes()),
        agency=world.agency_a,
        area="城市管理",
    )
    return world


# imported once per test process, shared by this module's tests (zhifa.core.testdata)
LISTED = testdata.Layer("powers: agency A's power list", import_list, WORLD)


@pytest.fixture
@testdata.hands_out(LISTED)
def listed(world, request):
    return testdata.objects(request, LISTED, lambda: import_list({WORLD.key: world}))


def test_list_page_filters_and_searches(client, listed) -> None:
    client.force_login(listed.officer_b)
    page = client.get("/powers/")
    assert page.status_code == 200 and "79" in page.content.decode()
    html = client.get("/powers/", {"q": "露天烧烤"}).content.decode()
    assert "CF-DQ-006" in html and "CF-DL-001" not in html
    partial = client.get("/powers/", {"category": "inspection"}, HTTP_HX_REQUEST="true")
    body = partial.content.decode()
    assert "<html" not in body and body.count('href="/powers/') == 3


def test_list_page_runs_a_constant_number_of_queries(client, listed, django_assert_max_num_queries) -> None:
    client.force_login(listed.officer_a)
    client.get("/powers/")
    with django_assert_max_num_queries(20) as full:
        client.get("/powers/")  # 50 items on the page
    with django_assert_max_num_queries(len(full.captured_queries)):
        client.get("/powers/", {"category": "inspection"})  # 3 items


def test_detail_shows_the_article_text_inline_and_the_tiers(client, listed) -> None:
    call_command("import_laws", verbosity=0)
    client.force_login(listed.officer_a)
    item = PowerItem.objects.get(code="CF-DQ-006")
    html = client.get(f"/powers/{item.id}/").content.decode()
    assert "露天烧烤食品或者为露天烧烤食品提供场地" in html  # 大气污染防治法第一百一十八条, inline
    jz = PowerItem.objects.get(code="CF-JZ-003")
    html = client.get(f"/powers/{jz.id}/").content.decode()
    assert "未及时清运的建筑垃圾5立方米以下" in html and "5,000–15,000" in html
    assert "城市建筑垃圾管理规定" in html  # not in the library: shown as text


def test_discretion_calculator(client, listed) -> None:
    client.force_login(listed.officer_a)
    item = PowerItem.objects.get(code="CF-JZ-003")
    ok = client.get(
        f"/powers/{item.id}/discretion/", {"tier": "一般", "party_kind": "organisation", "amount": "20000"}
    )
    assert ok.status_code == 200 and "15,000" in ok.content.decode()
    assert 'data-testid="classification"' in ok.content.decode()
    low = client.get(
        f"/powers/{item.id}/discretion/", {"tier": "轻微", "party_kind": "organisation", "amount": "4999.99"}
    )
    assert "行政处罚法第三十二条" in low.content.decode()
    wrong = client.get(f"/powers/{item.id}/discretion/", {"tier": "无此阶次", "party_kind": "organisation"})
    assert wrong.status_code == 400 and "无此阶次" in wrong.content.decode()
    junk = client.get(f"/powers/{item.id}/discretion/", {"party_kind": "robot", "amount": "x"})
    assert junk.status_code == 400


def test_admin_edits_a_draft_while_the_published_version_stays_live(client, world) -> None:
    item = make_item("P-1", name="原名称", fine_max=1000, tiers=(tier("轻微", None, 500),))
    client.force_login(world.admin)
    form = {
        "name": "新名称",
        "category": "penalty",
        "party_type": "any",
        "fine_max": "2000",
        "fine_basis": "fixed",
        "tiers-TOTAL_FORMS": "1",
        "tiers-INITIAL_FORMS": "0",
        "tiers-0-name": "轻微",
        "tiers-0-fine_max": "800",
    }
    response = client.post(f"/powers/{item.id}/edit/", {**form, "save": "1"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.published_version.name == "原名称" and item.published_version.fine_max == 1000
    client.force_login(world.officer_a)
    assert "原名称" in client.get(f"/powers/{item.id}/").content.decode()
    client.force_login(world.admin)
    assert client.post(f"/powers/{item.id}/publish/").status_code == 302
    item.refresh_from_db()
    assert item.published_version.name == "新名称" and item.published_version.number == 2
    assert item.versions.get(number=1).name == "原名称"


def test_an_invalid_draft_is_refused_with_the_rule_and_nothing_changes(client, world) -> None:
    item = make_item("P-2", fine_min=100, fine_max=1000)
    client.force_login(world.admin)
    form = {
        "name": "事项",
        "category": "penalty",
        "party_type": "any",
        "fine_min": "100",
        "fine_max": "1000",
        "fine_basis": "fixed",
        "tiers-TOTAL_FORMS": "1",
        "tiers-INITIAL_FORMS": "0",
        "tiers-0-name": "严重",
        "tiers-0-fine_min": "500",
        "tiers-0-fine_max": "5000",
    }
    response = client.post(f"/powers/{item.id}/edit/", form)
    assert response.status_code == 400
    assert "行政处罚法第三十四条" in response.content.decode()
    assert item.versions.count() == 1


def test_officers_cannot_reach_the_admin_pages(client, world) -> None:
    item = make_item("P-3")
    client.force_login(world.officer_a)
    assert client.get("/powers/new/").status_code == 403
    assert client.get("/powers/import/").status_code == 403
    assert client.post(f"/powers/{item.id}/publish/").status_code == 403
    assert client.get(f"/powers/{item.id}/edit/").status_code == 403


def test_import_page_reports_rows_and_imports_nothing_on_error(client, world) -> None:
    client.force_login(world.admin)
    good = (data_dir() / "power_items.csv").read_bytes()
    bad = good.replace(b",5,10,", b",50,10,", 1)  # CF-GH-001: min 50 > max 10
    response = client.post("/powers/import/", {"items": SimpleUploadedFile("x.csv", bad), "publish": "on"})
    assert response.status_code == 302
    job = ImportJob.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert job.status == "failed" and PowerItem.objects.count() == 0
    assert "最低罚款（50.00）大于最高罚款（10.00）" in page and "<td>2</td>" in page
    response = client.post(
        "/powers/import/",
        {
            "items": SimpleUploadedFile("ok.csv", good),
            "agency": world.agency_a.id,
            "area": "城市管理",
            "publish": "on",
        },
    )
    job = ImportJob.objects.latest("id")
    assert job.status == "done" and job.created == 79 and job.percent == 100
    assert 'data-testid="import-result"' in client.get(response["Location"]).content.decode()


def test_a_large_import_runs_as_a_task_and_records_progress(
    client, world, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    from zhifa.powers import jobs

    client.force_login(world.admin)
    good = (data_dir() / "power_items.csv").read_bytes()
    monkeypatch.setattr(jobs, "INLINE_BYTES", 10)  # every file is "large": it goes to the task
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            "/powers/import/", {"items": SimpleUploadedFile("ok.csv", good), "publish": "on"}
        )
    job = ImportJob.objects.latest("id")
    assert response.status_code == 302 and job.status == "pending" and len(callbacks) == 1
    waiting = client.get(f"/powers/import/{job.id}/progress/", HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in waiting  # the page keeps polling while the job runs
    callbacks[0]()  # the commit: the task is enqueued (the immediate backend runs it now)
    job.refresh_from_db()
    assert job.status == "done" and job.created == 79
    assert (job.processed_rows, job.total_rows) == (79, 79)
    done = client.get(f"/powers/import/{job.id}/progress/", HTTP_HX_REQUEST="true").content.decode()
    assert 'data-status="done"' in done and "hx-trigger" not in done


def test_law_library_pages(client, world) -> None:
    call_command("import_laws", verbosity=0)
    client.force_login(world.officer_a)
    assert "中华人民共和国行政处罚法" in client.get("/powers/laws/").content.decode()
    from zhifa.powers.models import Law

    law = Law.objects.get(short_name="大气污染防治法")
    html = client.get(f"/powers/laws/{law.id}/").content.decode()
    assert 'id="a118"' in html and "第四节 扬尘污染防治" in html
    results = client.get("/powers/search/", {"q": "露天烧烤", "kind": "article"}).content.decode()
    assert results.index("第一百一十八条") < results.index("第八十一条")
    assert "<mark>露天烧烤</mark>" in results
    hostile = client.get("/powers/search/", {"q": '"<script>alert(1)</script>'})
    assert hostile.status_code == 200 and "<script>alert(1)</script>" not in hostile.content.decode()


def test_export_downloads(client, listed) -> None:
    client.force_login(listed.officer_a)
    csv_response = client.get("/powers/export/power_items.csv")
    assert csv_response.status_code == 200
    # for people: a BOM and Chinese headers, the rows as the shared file has them
    shared = (data_dir() / "power_items.csv").read_text(encoding="utf-8").splitlines()
    exported = csv_response.content.decode("utf-8-sig").splitlines()
    assert csv_response.content.startswith("\ufeff".encode()) and exported[0].startswith("事项编码,")
    assert exported[1:] == shared[1:]
    assert client.get("/powers/export/discretion_tiers.xlsx").content[:2] == b"PK"
    assert client.get("/powers/export/other.csv").status_code == 404


def test_unresolved_references_are_listed_for_admins(client, listed) -> None:
    call_command("import_laws", verbosity=0)
    client.force_login(listed.admin)
    html = client.get("/powers/unresolved/").content.decode()
    assert "北京市市容环境卫生条例" in html
