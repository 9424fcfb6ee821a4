"""The list's rows (portal.fragments, selectors.decision_list_page) and the lighter reading path: same markup as the
template, never a withdrawn or superseded decision, constant queries, no session read."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.template import Context, Template

from zhifa.public.portal import fragments
from zhifa.public.portal import services as svc
from zhifa.public.portal.models import PublishedDecision
from zhifa.public.portal.tests.test_pages import publish

pytestmark = pytest.mark.django_db
SESSION = {"HTTP_COOKIE": "sessionid=an-official-s-session-cookie"}  # never answered from the page cache

# The row loop `_decision_rows.html` had before rows were rendered in Python: the markup must not change.
TEMPLATE_ROWS = (
    "{% for d in items %}<tr>\n"
    "    <td><a href=\"{% url 'portal:decision' d.id %}\">{{ d.decision_number }}</a></td>\n"
    "    <td>{{ d.party_public }}</td><td>{{ d.measures_public }}</td><td>{{ d.agency_name }}</td>"
    '<td class="nowrap">{{ d.decided_on|date:"Y-m-d" }}</td>\n'
    "  </tr>{% endfor %}"
)


def row(n: int, **extra: object) -> SimpleNamespace:
    values = {
        "id": n,
        "decision_number": f"测城管罚决〔2025〕{n}号",
        "party_public": "张**",
        "measures_public": "罚款人民币500.00元",
        "agency_name": "测试市城市管理局",
        "decided_on": dt.date(2025, 9, 3),
    }
    return SimpleNamespace(**{**values, **extra})


def test_rows_have_the_templates_markup_escaped_the_same_way() -> None:
    items = [
        row(1),
        row(
            22,
            party_public="<b>\"某某\"&'公司'</b>",
            measures_public="警告<script>",
            decided_on=dt.date(999, 1, 2),
        ),
        row(333, agency_name="A & B"),
    ]
    expected = Template(TEMPLATE_ROWS).render(Context({"items": items}))
    assert str(fragments.rows_html(items)) == expected
    assert "&lt;b&gt;&quot;某某&quot;&amp;&#x27;公司&#x27;&lt;/b&gt;" in expected


def test_agency_options_escape_names_and_mark_the_chosen_one() -> None:
    html = str(fragments.agency_options_html([(3, "A<B"), (4, "C")], 4))
    assert html == '<option value="3">A&lt;B</option><option value="4" selected>C</option>'


class TestListRows:
    def test_a_page_is_one_statement_cold_or_warm(
        self, client, world, frozen, django_assert_num_queries
    ) -> None:
        """From a cold start as from a warm one: the page's ids (index) and its rows in one statement
        (branch portal4)."""
        d = publish(world.agency_a)
        assert d.decision_number in client.get("/portal/decisions/?page=1", **SESSION).content.decode()
        # the count is cached (per generation); the page itself: its rows, the recently withdrawn
        with django_assert_num_queries(2) as seen:
            page = client.get("/portal/decisions/", **SESSION).content.decode()
        assert d.decision_number in page and page.count('<td class="nowrap">') == 1
        rows = [q["sql"] for q in seen.captured_queries if '"party_public"' in q["sql"]]
        assert len(rows) == 1 and "IN (SELECT" in rows[0] and "LIMIT" in rows[0], rows
        cache.clear()  # cold: only the count and the agency names are read again
        with django_assert_num_queries(4):
            assert client.get("/portal/decisions/", **SESSION).content.decode() == page

    def test_a_withdrawn_decision_leaves_the_list_at_once(
        self, client, world, frozen, django_capture_on_commit_callbacks, django_assert_num_queries
    ) -> None:
        kept = publish(world.agency_a)
        d = publish(world.agency_a)
        assert (
            f">{d.decision_number}</a></td>" in client.get("/portal/decisions/", **SESSION).content.decode()
        )
        with django_capture_on_commit_callbacks(execute=True):
            svc.publication_withdraw(
                decision_id=d.pk, actor=world.officer_a, ground="revoked",
                changed_on=dt.date(2025, 9, 20), note="经行政复议，本决定已被撤销。",
            )  # fmt: skip
        page = client.get("/portal/decisions/", **SESSION).content.decode()
        assert f">{d.decision_number}</a></td>" not in page and kept.decision_number in page
        assert page.count('<td class="nowrap">') == 1
        with django_assert_num_queries(1):  # the notice's fields are read with the row
            notice = client.get(f"/portal/decisions/{d.pk}/", **SESSION).content.decode()
        assert "该决定已撤回" in notice and "经行政复议，本决定已被撤销。" in notice and "张**" not in notice

    def test_a_decision_published_again_corrected_shows_the_corrected_text(
        self, client, world, frozen
    ) -> None:
        d = publish(world.agency_a, party="某某有限公司", kind="organisation")
        assert "某某有限公司" in client.get("/portal/decisions/", **SESSION).content.decode()
        later = d.published_at + dt.timedelta(hours=1)
        PublishedDecision.objects.filter(pk=d.pk).update(party_public="更正后的公司名称", published_at=later)
        page = client.get("/portal/decisions/", **SESSION).content.decode()
        assert "更正后的公司名称" in page and "某某有限公司" not in page

    def test_pages_keep_the_newest_first_across_pages(self, client, world, frozen) -> None:
        made = []
        for n in range(25):
            made.append(publish(world.agency_a if n % 2 else world.agency_b))
            frozen.shift(60)
        newest_first = [d.decision_number for d in reversed(made)]
        first = client.get("/portal/decisions/", **SESSION).content.decode()
        second = client.get("/portal/decisions/?page=2", **SESSION).content.decode()
        shown = [n for n in newest_first if f">{n}</a></td>" in first]
        assert shown == newest_first[:20]
        assert [n for n in newest_first if f">{n}</a></td>" in second] == newest_first[20:]
        assert [first.index(f">{n}</a>") for n in shown] == sorted(first.index(f">{n}</a>") for n in shown)
        # a page past the end shows the last one; the agency filter pages the same way
        assert client.get("/portal/decisions/?page=99", **SESSION).content.decode().count("nowrap") == 5
        by_agency = client.get(f"/portal/decisions/?agency={world.agency_a.pk}", **SESSION).content.decode()
        assert by_agency.count('<td class="nowrap">') == 12


def test_a_stale_total_is_recounted_once_while_other_requests_show_the_previous_one(
    world, frozen, django_assert_num_queries
) -> None:
    from zhifa.public.portal import cache as portal_cache
    from zhifa.public.portal import selectors as sel

    publish(world.agency_a)
    assert sel.published_count() == 1
    with django_assert_num_queries(0):
        assert sel.published_count() == 1  # counted under this generation
    publish(world.agency_b)
    portal_cache.bump()  # what the publication's commit does
    mark = sel.count_key() + ":counting"
    cache.add(mark, 1)  # another request is counting
    with django_assert_num_queries(0):
        assert sel.published_count() == 1  # the previous total meanwhile
    cache.delete(mark)
    with django_assert_num_queries(1):
        assert sel.published_count() == 2
    assert cache.get(mark) is None  # released
    publish(world.agency_b)
    frozen.shift(sel.COUNT_CACHE_SECONDS - 1)
    assert sel.published_count() == 2  # still fresh
    frozen.shift(2)
    with django_assert_num_queries(1):
        assert sel.published_count() == 3  # stale by time: counted again
    assert sel.published_count(agency_id=world.agency_b.pk) == 2  # each filter its own total
    cache.clear()  # cold: nothing to show meanwhile, so it counts whatever the mark says
    cache.add(mark, 1)
    assert sel.published_count() == 3


class TestReadingPath:
    def test_a_signed_in_visitor_costs_no_session_query_and_constant_queries(
        self, client, world, frozen, django_assert_max_num_queries
    ) -> None:
        client.force_login(world.officer_a)
        publish(world.agency_a)
        cache.clear()
        with django_assert_max_num_queries(10) as few:
            assert client.get("/portal/decisions/").status_code == 200
        for _ in range(15):
            publish(world.agency_b)
        cache.clear()  # every row and the count read again: the cold path
        with django_assert_max_num_queries(len(few.captured_queries)) as many:
            page = client.get("/portal/decisions/").content.decode()
        assert page.count('<td class="nowrap">') == 16
        d = PublishedDecision.objects.filter(state="published").first()
        with django_assert_max_num_queries(1) as one:
            assert client.get(f"/portal/decisions/{d.pk}/").status_code == 200
        for q in [*few.captured_queries, *many.captured_queries, *one.captured_queries]:
            assert "django_session" not in q["sql"] and '"org_user"' not in q["sql"], q["sql"]

    def test_staff_pages_still_read_the_session_and_are_not_stored(self, client, world) -> None:
        client.force_login(world.officer_a)
        response = client.get("/portal/manage/")
        assert response.status_code == 200 and response["Cache-Control"] == "no-store"

    def test_the_memoised_header_marks_each_section(self, client, world, frozen) -> None:
        for url, label in [
            ("/portal/during/", "事中"),
            ("/portal/decisions/", "事后"),
            ("/portal/during/", "事中"),
        ]:
            header = client.get(url, **SESSION).content.decode().split("</header>")[0]
            current = header.split('aria-current="page">')[1].split("</a>")[0]
            assert label in current, (url, current)

    def test_the_agency_filter_follows_a_renamed_agency(
        self, client, world, frozen, django_capture_on_commit_callbacks
    ) -> None:
        assert "测试市城市管理局" in client.get("/portal/decisions/", **SESSION).content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            world.agency_a.name = "测试市综合行政执法局"
            world.agency_a.save()
        page = client.get("/portal/decisions/", **SESSION).content.decode()
        assert "测试市综合行政执法局" in page
