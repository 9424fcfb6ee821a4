"""The public pages (no login, no JavaScript needed), the public API, statistics against hand counts,
constant queries on the list, and the staff publication pages."""

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.core.cache import cache

from zhifa.public.portal import selectors as sel
from zhifa.public.portal import services as svc
from zhifa.public.portal.factories import publish_reviewed
from zhifa.public.portal.models import PublishedDecision
from zhifa.public.portal.services import DecisionSnapshot

pytestmark = pytest.mark.django_db
D = dt.date
_ids = itertools.count(1)
SEPT_3 = D(2025, 9, 3)


def publish(agency, *, party="张三", kind="person", decided_on=SEPT_3, fine="500.00",
            measures=("fine",), facts="在解放路占道经营。", category="城市市容和环境卫生管理条例",
            publish_it=True):  # fmt: skip
    n = next(_ids)
    d = svc.publication_schedule(
        snapshot=DecisionSnapshot(
            case_id=n,
            agency=agency,
            decision_number=f"{agency.abbreviation}罚决〔2025〕{n}号",
            decided_on=decided_on,
            party_kind=kind,
            party_name=party,
            measures=list(measures),
            fine_amount=Decimal(fine),
            facts=facts,
            category=category,
        )
    )
    return publish_reviewed(d) if publish_it else d


class TestPublicPages:
    @pytest.mark.parametrize(
        "url",
        [
            "/portal/",
            "/portal/before/",
            "/portal/guides/",
            "/portal/during/",
            "/portal/decisions/",
            "/portal/stats/",
        ],
    )
    def test_every_page_reads_without_login_and_without_a_cookie(self, client, world, url, frozen) -> None:
        publish(world.agency_a)
        response = client.get(url)
        assert response.status_code == 200
        assert not response.cookies  # no session, no CSRF cookie: pages are cacheable and private
        assert "<script src" not in response.content.decode().split("</head>")[1]  # reading needs no JS

    def test_the_before_page_lists_agencies_with_duties_and_contacts(self, client, world) -> None:
        world.agency_a.duties = "负责市容环境卫生管理。"
        world.agency_a.phone = "0591-12319"
        world.agency_a.save()
        page = client.get("/portal/before/").content.decode()
        assert "测试市城市管理局" in page and "负责市容环境卫生管理。" in page and "0591-12319" in page

    def test_the_agency_page_lists_officers_with_valid_credentials(self, client, world, frozen) -> None:
        from zhifa.officers.factories import make_credentialed_officer, make_officer

        holder = make_credentialed_officer(agency=world.agency_a, unit=world.squad_a1, name="陈立新")
        make_officer(agency=world.agency_a, unit=world.squad_a1, name="无证人")
        page = client.get(f"/portal/agencies/{world.agency_a.pk}/").content.decode()
        number = holder.credentials.get().number
        assert "陈立新" in page and number in page and f"/officers/check/{number}/" in page
        assert "无证人" not in page
        assert holder.id_number not in page

    def test_the_during_page_sends_the_number_to_the_credential_check(self, client) -> None:
        page = client.get("/portal/during/").content.decode()
        assert 'action="/officers/check/"' in page and 'name="number"' in page

    def test_unknown_agency_and_decision_are_404(self, client, world) -> None:
        assert client.get("/portal/agencies/999999/").status_code == 404
        assert (
            client.get(f"/portal/agencies/{world.squad_a1.pk}/").status_code == 404
        )  # a unit, not an agency
        assert client.get("/portal/decisions/999999/").status_code == 404

    def test_a_scheduled_decision_is_not_visible_yet(self, client, world, frozen) -> None:
        d = publish(world.agency_a, publish_it=False)
        assert client.get(f"/portal/decisions/{d.pk}/").status_code == 404
        assert d.decision_number not in client.get("/portal/decisions/").content.decode()

    def test_search_filter_and_pagination(self, client, world, frozen) -> None:
        publish(world.agency_a, facts="夜间施工噪声扰民。", category="噪声污染防治法")
        for _ in range(21):
            publish(world.agency_b, facts="销售过期食品。", category="食品安全法")
        page = client.get("/portal/decisions/", {"q": "噪声"}).content.decode()
        assert "共1件" in page and "测城管罚决" in page
        page = client.get("/portal/decisions/", {"agency": world.agency_b.pk}).content.decode()
        assert "共21件" in page and "第1页，共2页" in page
        assert client.get("/portal/decisions/", {"page": "999"}).status_code == 200
        assert client.get("/portal/decisions/", {"page": "x", "agency": "y"}).status_code == 200

    def test_the_decision_page_shows_the_masked_record(self, client, world, frozen) -> None:
        d = publish(world.agency_a, party="欧阳娜娜", facts="欧阳娜娜（13800138000）在解放路占道经营。")
        page = client.get(f"/portal/decisions/{d.pk}/").content.decode()
        assert "欧阳**" in page and "欧阳娜娜" not in page and "13800138000" not in page
        assert "罚款人民币500.00元" in page

    def test_the_list_runs_a_constant_number_of_queries(
        self, client, world, frozen, django_assert_max_num_queries
    ) -> None:
        publish(world.agency_a)
        with django_assert_max_num_queries(10) as few:
            client.get("/portal/decisions/?nocache=1")
        for _ in range(15):
            publish(world.agency_b)
        with django_assert_max_num_queries(len(few.captured_queries)):
            client.get("/portal/decisions/?nocache=2")


class TestApi:
    def test_public_decisions_with_count_search_and_agency(self, client, world, frozen) -> None:
        publish(world.agency_a, facts="夜间施工噪声扰民。")
        publish(world.agency_b, party="某某食品有限公司", kind="organisation", facts="销售过期食品。")
        body = client.get("/api/v1/public/decisions").json()
        assert body["count"] == 2 and {r["party"] for r in body["results"]} == {"张**", "某某食品有限公司"}
        assert body["results"][0]["fine_amount"] == "500.00"  # money as a decimal string
        assert client.get("/api/v1/public/decisions", {"q": "过期食品"}).json()["count"] == 1
        assert client.get("/api/v1/public/decisions", {"agency": world.agency_a.pk}).json()["count"] == 1
        assert client.get("/api/v1/public/decisions", {"page": 5}).json()["results"] == []
        assert client.get("/api/v1/public/decisions", {"page_size": 500}).status_code == 422

    def test_the_api_list_runs_a_constant_number_of_queries(
        self, client, world, frozen, django_assert_max_num_queries
    ) -> None:
        publish(world.agency_a)
        with django_assert_max_num_queries(10) as few:
            client.get("/api/v1/public/decisions?page_size=50")
        for _ in range(15):
            publish(world.agency_b)
        cache.clear()  # the cached total follows publications after commit; tests do not commit
        with django_assert_max_num_queries(len(few.captured_queries) + 1):  # + the total, counted again
            assert client.get("/api/v1/public/decisions?page_size=50").json()["count"] == 16

    def test_a_hostile_query_is_harmless(self, client, world, frozen) -> None:
        publish(world.agency_a)
        for q in ['"', "'; DROP TABLE x; --", "AND OR NOT", "*", "<script>", "占道 OR 1=1"]:
            response = client.get("/api/v1/public/decisions", {"q": q})
            assert response.status_code == 200, q
            assert client.get("/portal/decisions/", {"q": q}).status_code == 200


class TestStatistics:
    def test_counts_and_amounts_by_month_agency_and_category_match_hand_counts(
        self, client, world, frozen
    ) -> None:
        publish(
            world.agency_a, decided_on=D(2025, 1, 10), fine="200.00", category="城市市容和环境卫生管理条例"
        )
        publish(world.agency_a, decided_on=D(2025, 1, 20), fine="300.50", category="城市道路管理条例")
        publish(world.agency_b, decided_on=D(2025, 3, 5), fine="1000.00", category="食品安全法")
        publish(
            world.agency_b, decided_on=D(2025, 3, 6), measures=("warning",), fine="0", category="食品安全法"
        )
        withdrawn = publish(world.agency_a, decided_on=D(2025, 3, 7), fine="9999.00")
        svc.publication_withdraw(
            decision_id=withdrawn.pk, actor=None, ground="revoked", changed_on=D(2025, 9, 1), note="已撤销。"
        )
        publish(world.agency_a, decided_on=D(2024, 12, 31), fine="50.00")  # another year
        stats = sel.decision_stats(year=2025)
        assert [(m.month, m.count, m.amount) for m in stats.months if m.count] == [
            (1, 2, Decimal("500.50")),
            (3, 2, Decimal("1000.00")),
        ]
        assert (stats.total_count, stats.total_amount) == (4, Decimal("1500.50"))
        assert {(r.name, r.count, r.amount) for r in stats.by_agency} == {
            ("测试市城市管理局", 2, Decimal("500.50")),
            ("测试市市场监督管理局", 2, Decimal("1000.00")),
        }
        assert stats.by_category[0].name == "食品安全法" and stats.by_category[0].count == 2
        only_b = sel.decision_stats(year=2025, agency_id=world.agency_b.pk)
        assert only_b.total_count == 2
        assert sel.stats_years() == [2025, 2024]
        page = client.get("/portal/stats/?year=2025").content.decode()
        assert page.count("<svg") == 4 and "1500.50" in page and "<title>1月: 2</title>" in page

    def test_chart_labels_are_escaped(self, world, frozen) -> None:
        from zhifa.public.portal.charts import bar_chart

        svg = str(bar_chart(["<script>alert(1)</script>"], [3], title="t"))
        assert "<script>" not in svg and "&lt;script&gt;" in svg


class TestManagePages:
    def test_staff_see_their_agencys_publications_with_deadline_colours(self, client, world, frozen) -> None:
        mine = publish(world.agency_a, publish_it=False)
        other = publish(world.agency_b, publish_it=False)
        client.force_login(world.officer_a)
        page = client.get("/portal/manage/").content.decode()
        assert mine.decision_number in page and other.decision_number not in page
        assert "status-" in page
        assert client.get(f"/portal/manage/{other.pk}/").status_code == 404

    def test_the_public_and_outsiders_are_kept_out(self, client, world) -> None:
        assert client.get("/portal/manage/").status_code == 302
        client.force_login(world.outsider)
        assert client.get("/portal/manage/").status_code == 403

    def test_prepare_review_publish_and_withdraw_from_the_page(self, client, world, frozen) -> None:
        d = publish(world.agency_a, publish_it=False)
        client.force_login(world.officer_a)
        page = client.get(f"/portal/manage/{d.pk}/").content.decode()
        assert "准备公示" not in page  # not served yet: nothing to prepare
        svc.publication_case_served(case_id=d.case_id, served_on=SEPT_3)
        response = client.post(
            f"/portal/manage/{d.pk}/prepare/", {"facts_public": "张三（13800138000）占道。"}
        )
        assert response.status_code == 302
        d.refresh_from_db()
        assert d.state == PublishedDecision.State.PREPARED and "13800138000" not in d.facts_public
        refused = client.post(f"/portal/manage/{d.pk}/publish/", {"masking_checked": "on"})
        assert refused.status_code == 403  # an officer prepares; the approver publishes
        client.force_login(world.approver_a)
        unchecked = client.post(f"/portal/manage/{d.pk}/publish/")
        assert unchecked.status_code == 422 and "核对" in unchecked.content.decode()
        assert client.post(f"/portal/manage/{d.pk}/publish/", {"masking_checked": "on"}).status_code == 302
        d.refresh_from_db()
        assert d.state == PublishedDecision.State.PUBLISHED
        assert d.events.get(kind="publish").actor == world.approver_a
        client.force_login(world.officer_a)
        response = client.post(
            f"/portal/manage/{d.pk}/withdraw/", {"ground": "revoked", "changed_on": "2025-09-20", "note": ""}
        )
        assert response.status_code == 400
        response = client.post(
            f"/portal/manage/{d.pk}/withdraw/",
            {"ground": "revoked", "changed_on": "2025-09-20", "note": "经复议撤销。"},
        )
        assert response.status_code == 302
        d.refresh_from_db()
        assert d.state == PublishedDecision.State.WITHDRAWN
        client.force_login(world.approver_a)
        again = client.post(f"/portal/manage/{d.pk}/publish/", {"masking_checked": "on"})
        assert again.status_code == 409
        assert client.post(f"/portal/manage/{d.pk}/explode/").status_code == 404


def test_the_numbered_list_stops_at_the_page_limit(world, frozen, monkeypatch) -> None:
    monkeypatch.setattr(sel, "MAX_PAGES", 2)
    for _ in range(5):
        publish(world.agency_a)
    page = sel.decision_page(page=99, page_size=2)
    assert (page.count, page.number, page.num_pages, page.truncated, page.has_next) == (5, 2, 2, True, False)


def test_the_unfiltered_pages_compiled_once_are_the_orms(world, frozen, monkeypatch) -> None:
    """The list's and the home page's unfiltered pages, each compiled once per process (core.prepared),
    give the ORM's rows: the same values and types, the same columns loaded, also when the bound on
    compiled pages evicts some; a filtered list is the ORM's as before."""
    for i in range(7):
        publish(world.agency_a if i % 2 else world.agency_b, decided_on=D(2025, 9, 1 + i))

    def seen(**filters: object) -> list[object]:
        out: list[object] = []
        for page in (1, 2, 3, 4, 99):
            lp = sel.decision_list_page(page=page, page_size=3, **filters)  # type: ignore[arg-type]
            dp = sel.decision_page(page=page, page_size=3, **filters)  # type: ignore[arg-type]
            rows = [(vars(r), [type(v) for v in vars(r).values()]) for r in lp.rows]
            items = [
                ({f: getattr(d, f) for f in sel.PUBLIC_LIST_FIELDS}, d.get_deferred_fields())
                for d in dp.items
            ]
            out.append((rows, lp.number, lp.count, items, dp.number, dp.count))
        return out

    fresh = sel.PreparedShapes(sel._plain_page_query, most_shapes=2, paged=True)  # two kept: others evicted
    monkeypatch.setattr(sel, "_PLAIN_PAGES", fresh)
    compiled = seen()
    assert len(fresh._plans) == 2  # the unfiltered pages took the compiled path, within its bound
    assert sum(len(p[0]) for p in compiled) == 3 + 3 + 1 + 1 + 1  # pages 4 and 99 show the last one
    monkeypatch.setattr(sel, "_plain", lambda q, agency_id: False)  # every page through the ORM
    assert seen() == compiled
    assert len(seen(agency_id=world.agency_a.pk)[0][0]) == 3


def test_the_portal_indicators_against_the_hand_counts(world, frozen) -> None:
    """Planted: agency A publishes ¥200 and ¥300.50 in January 2025, one more withdrawn; B ¥1000 in
    March 2025 and one in December 2024."""
    from zhifa.core.indicators import DateSpan, indicator_value

    publish(world.agency_a, decided_on=D(2025, 1, 10), fine="200.00")
    publish(world.agency_a, decided_on=D(2025, 1, 20), fine="300.50")
    withdrawn = publish(world.agency_a, decided_on=D(2025, 1, 21), fine="9999.00")
    svc.publication_withdraw(
        decision_id=withdrawn.pk, actor=None, ground="revoked", changed_on=D(2025, 9, 1), note="已撤销。"
    )
    publish(world.agency_b, decided_on=D(2025, 3, 5), fine="1000.00")
    publish(world.agency_b, decided_on=D(2024, 12, 31), fine="50.00")
    a, both, y = [world.agency_a.pk], [world.agency_a.pk, world.agency_b.pk], DateSpan.year(2025)
    assert indicator_value("portal.decisions_published", a, y).value == 2
    assert indicator_value("portal.fines_published", a, y).value == Decimal("500.50")
    assert indicator_value("portal.decisions_published", both, y).value == 3
    assert indicator_value("portal.fines_published", both, y).value == Decimal("1500.50")
    assert indicator_value("portal.decisions_published", both, DateSpan.year(2024)).value == 1
