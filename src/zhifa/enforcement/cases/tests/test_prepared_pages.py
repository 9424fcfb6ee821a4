"""The staff pages' reads compiled once (core.prepared.PreparedIn: one query per length of an IN list)
answer exactly what the ORM's querysets they replace answer, with the same number of queries; the
navigation bar written in Python is the template loop's markup; a text's detected names are kept."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.template import engines
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from zhifa.core import masking
from zhifa.core.navigation import nav_for, nav_html
from zhifa.core.prepared import PreparedIn
from zhifa.enforcement.cases import selectors
from zhifa.enforcement.cases.models import Case, State
from zhifa.enforcement.cases.tests.builders import ordinary
from zhifa.org.models import OrgNode
from zhifa.org.roles import Role
from zhifa.org.selectors import first_users_with_role, scope_agencies, scope_agency_ids, users_with_role

pytestmark = pytest.mark.django_db


def test_prepared_in_answers_as_the_orm_for_each_length_repeats_and_none(kit: Any) -> None:
    w = kit.world
    by_ids: PreparedIn[tuple[int, str]] = PreparedIn(
        lambda kind, ids: (
            OrgNode.objects.filter(kind=kind, id__in=ids).order_by("id").values_list("id", "name")
        ),
        markers=("\u2063kind\u2063",),
        list_marker=-1000,
    )
    nodes = [w.agency_a.pk, w.agency_b.pk, w.justice.pk, w.city.pk]
    for ids in (nodes[:1], nodes[:2], nodes, [nodes[1], nodes[0], nodes[1]], [-5]):
        want = list(
            OrgNode.objects.filter(kind="agency", id__in=ids).order_by("id").values_list("id", "name")
        )
        with CaptureQueriesContext(connection) as ctx:
            assert by_ids("agency", ids) == want
        assert len(ctx.captured_queries) == 1
    with CaptureQueriesContext(connection) as ctx:  # an empty IN: the ORM's answer, without a query
        assert by_ids("agency", []) == []
    assert len(ctx.captured_queries) == 0


def test_first_users_with_role_are_the_querysets_first(kit: Any) -> None:
    w = kit.world
    for role in (Role.APPROVER, Role.OFFICER, Role.LEGAL_REVIEWER, Role.SUPERVISOR):
        for agency in (w.agency_a, w.agency_b):
            want = list(
                users_with_role(role, agency_id=agency.pk, agency=agency)
                .only("id", "full_name", "username")
                .order_by("id")[:4]
            )
            got = first_users_with_role(role, agency=agency, limit=4)
            assert [(u.pk, u.display_name) for u in got] == [(u.pk, u.display_name) for u in want]
    assert first_users_with_role(Role.OFFICER, agency=w.agency_a, limit=1) == list(
        users_with_role(Role.OFFICER, agency_id=w.agency_a.pk).order_by("id")[:1]
    )


def test_party_other_cases_keep_the_scope_and_the_order(kit: Any) -> None:
    w = kit.world
    cases = [ordinary(kit, State.INVESTIGATING) for _ in range(3)]
    Case.objects.filter(pk__in=[c.pk for c in cases]).update(party_id_number="110101199003070011")
    first = Case.objects.get(pk=cases[0].pk)
    for user in (w.officer_a, w.approver_a, w.supervisor, w.officer_b, w.outsider):
        want = list(
            Case.objects.filter(agency_id__in=scope_agency_ids(user), party_id_number=first.party_id_number)
            .exclude(pk=first.pk)
            .order_by("-discovered_on", "-id")[:20]
        )
        got = selectors.party_other_cases(user=user, case=first)
        assert [c.pk for c in got] == [c.pk for c in want]
        assert all(c.agency.abbreviation for c in got)


def test_the_list_filters_choices_are_the_querysets(kit: Any) -> None:
    from zhifa.officers.models import Officer
    from zhifa.powers.models import PowerItem

    w = kit.world
    for user in (w.officer_a, w.supervisor, w.outsider):
        agencies, officers, items = selectors.list_filter_choices(user=user)
        ids = scope_agency_ids(user)
        assert agencies == [(a.id, a.name) for a in scope_agencies(user)]
        assert officers == list(
            Officer.objects.filter(agency_id__in=ids, is_active=True)
            .order_by("name")
            .values_list("id", "name")
        )
        assert items == [
            (p.id, p.code, p.published_version.name if p.published_version else None)
            for p in PowerItem.objects.filter(agency_id__in=ids)
            .select_related("published_version")
            .order_by("code")
        ]


def test_the_navigation_bar_is_the_template_loops_markup(kit: Any) -> None:
    loop = engines["django"].from_string(
        '{% for item in nav_items %}\n          <a href="{{ item.url }}"{% if request.path == item.url %}'
        ' aria-current="page"{% endif %}>{{ item.label }}</a>\n        {% endfor %}'
    )
    w = kit.world
    for user in (w.officer_a, w.approver_a, w.supervisor, w.admin, w.outsider):
        items = nav_for(user)
        for path in ["/", "/nowhere/", *(i["url"] for i in items)]:
            request = RequestFactory().get(path)
            assert str(nav_html(user, path)) == loop.render({"nav_items": items}, request)
    assert str(nav_html(None, "/")) == ""


def test_detected_names_are_kept_per_text_and_handed_out_as_new_lists() -> None:
    text = "当事人张伟与李娜在人民路经营烧烤。"
    first = masking.detected_names(text)
    first.append("不是名字")
    assert masking.detected_names(text) == first[:-1]
    assert masking.redact_text(text) == masking.redact_text(text)
