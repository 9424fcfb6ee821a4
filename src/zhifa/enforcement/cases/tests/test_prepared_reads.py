"""core.prepared: a query compiled once answers exactly what the ORM answers, with the caller's values
(an insert built once writes exactly the row save() writes), and the reads built on it (one case, the API token, the session, the signed-in user, the grants) keep
their rules (expiry, inactive users, scope)."""

import datetime as dt
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.db.models import signals
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from zhifa.core import prepared
from zhifa.core.history import AppendOnlyError
from zhifa.core.prepared import Prepared
from zhifa.enforcement.cases.models import Case, CaseDeadline, CaseEvent, CaseOfficer, State
from zhifa.enforcement.cases.selectors import case_get_for
from zhifa.enforcement.cases.tests.builders import ordinary
from zhifa.law.models import JurisdictionSetting
from zhifa.org.models import ApiToken, RoleGrant, User
from zhifa.org.selectors import scope_agency_ids
from zhifa.org.services import api_token_issue, api_token_user

pytestmark = pytest.mark.django_db


def _fields(obj: Any) -> dict[str, Any]:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def test_prepared_rows_equal_the_orm_rows_with_joins_and_each_value(kit: Any) -> None:
    a = ordinary(kit, State.INVESTIGATING)
    b = ordinary(kit, State.INVESTIGATING)
    prepared: Prepared[Case] = Prepared(
        lambda pk: Case.objects.select_related("agency", "power_item", "power_version").filter(pk=pk),
        markers=(-1,),
    )
    for case in (a, b):
        with CaptureQueriesContext(connection) as ctx:
            (got,) = prepared(case.pk)
        assert len(ctx.captured_queries) == 1  # the joins come in the one query, as select_related's
        want = Case.objects.select_related("agency", "power_item", "power_version").get(pk=case.pk)
        assert _fields(got) == _fields(want)
        assert _fields(got.agency) == _fields(want.agency)
        assert got.power_item_id == want.power_item_id and _fields(got.power_version) == _fields(
            want.power_version
        )
        assert got._state.adding is False and got._state.db == "default"
    assert prepared(-5) == []
    assert prepared.first(-5) is None and prepared.get(a.pk).pk == a.pk
    with pytest.raises(Case.DoesNotExist):  # `.get()` of the queryset: the model's own error
        prepared.get(-5)


def test_prepared_values_list_and_refusals(kit: Any) -> None:
    grants: Prepared[tuple[str, str]] = Prepared(
        lambda uid: RoleGrant.objects.filter(user_id=uid).values_list("role", "node__path"), markers=(-1,)
    )
    user = kit.world.approver_a
    assert grants(user.pk) == list(
        RoleGrant.objects.filter(user_id=user.pk).values_list("role", "node__path")
    )
    with pytest.raises(ValueError, match="appears 0 times"):
        Prepared(lambda pk: Case.objects.filter(pk__gt=0), markers=(-1,))(1)
    with pytest.raises(ValueError, match="prefetch"):
        Prepared(lambda pk: Case.objects.filter(pk=pk).prefetch_related("officers"), markers=(-1,))(1)
    with pytest.raises(ValueError, match="values_list"):
        Prepared(lambda pk: Case.objects.filter(pk=pk).values("id"), markers=(-1,))(1)
    with pytest.raises(ValueError, match="differ"):
        Prepared(lambda a, b: Case.objects.filter(pk=a, agency_id=b), markers=(-1, -1))


def test_case_get_for_keeps_scope_officers_and_deadlines(kit: Any) -> None:
    case = ordinary(kit, State.INVESTIGATING)
    w = kit.world
    got = case_get_for(user=w.officer_a, case_id=case.pk)
    assert got is not None and got.pk == case.pk
    with CaptureQueriesContext(connection) as ctx:
        officers = list(got.officers.all())
        deadlines = list(got.deadlines.all())
    assert ctx.captured_queries == []  # attached as a prefetch would
    assert [o.pk for o in officers] == list(
        CaseOfficer.objects.filter(case=case).order_by("id").values_list("id", flat=True)
    )
    assert [d.pk for d in deadlines] == list(
        CaseDeadline.objects.of_case(case).order_by("id").values_list("id", flat=True)
    )
    assert deadlines and all(o.case is got for o in officers)
    assert [o.pk for o in got.officers.filter(removed_on__isnull=True)] == [
        o.pk for o in officers if o.removed_on is None
    ]
    # another agency's officer: not visible, whatever the compiled query fetched
    assert case.agency_id not in scope_agency_ids(w.officer_b)
    assert case_get_for(user=w.officer_b, case_id=case.pk) is None
    assert case_get_for(user=w.officer_a, case_id=-3) is None


def test_api_token_expiry_and_inactive_user(kit: Any) -> None:
    user = kit.world.officer_a
    key, _ = api_token_issue(user=user)
    assert api_token_user(key=key) == user
    assert api_token_user(key=key + "x") is None
    ApiToken.objects.filter(user=user).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert api_token_user(key=key) is None
    key, _ = api_token_issue(user=user)
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert api_token_user(key=key) is None


def test_session_and_signed_in_user(kit: Any) -> None:
    user = kit.world.officer_a
    c = Client()
    c.force_login(user)
    assert c.get("/cases/").status_code == 200
    # an expired session signs out (the row is still there)
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    assert c.get("/cases/").status_code == 302
    c.force_login(user)
    assert c.get("/cases/").status_code == 200
    User.objects.filter(pk=user.pk).update(is_active=False)  # an inactive user is nobody
    assert c.get("/cases/").status_code == 302


@pytest.mark.skipif(connection.vendor != "postgresql", reason="server-side preparation is PostgreSQL's")
def test_postgresql_prepares_the_statement_and_survives_a_rollback(kit: Any) -> None:
    """settings.py asks psycopg to prepare core.prepared's SQL on the server: the statement is then
    listed by PostgreSQL (parameters as $n) and answers as before, also after a rolled-back
    transaction made psycopg forget its names."""
    from django.db import transaction

    a = ordinary(kit, State.INVESTIGATING)
    prepared: Prepared[Case] = Prepared(
        lambda pk: Case.objects.select_related("agency").filter(pk=pk), markers=(-1,)
    )

    def named() -> list[str]:
        # This query's own statement (psycopg numbers the placeholders): the events that brought the
        # case to its state have prepared the app's own case queries on this connection too.
        own = prepared._plan(connection.alias).sql.replace("%s", "$1")
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements WHERE NOT from_sql")
            return [row[0] for row in cursor.fetchall() if row[0] == own]

    with CaptureQueriesContext(connection) as ctx:
        assert prepared(a.pk)[0].pk == a.pk
    assert '"cases_case"' in ctx.captured_queries[0]["sql"]  # the query log shows the statement
    statements = named()
    assert len(statements) == 1 and "$1" in statements[0]
    assert prepared(a.pk)[0].agency.pk == a.agency_id and named() == statements  # run again, not re-prepared
    with pytest.raises(RuntimeError), transaction.atomic():
        assert prepared(a.pk)[0].pk == a.pk
        raise RuntimeError("roll back")
    assert _fields(prepared(a.pk)[0]) == _fields(Case.objects.get(pk=a.pk))
    assert prepared(-5) == []


def _row(model: Any, pk: int) -> dict[str, Any]:
    got = _fields(model.objects.get(pk=pk))
    del got["id"]
    return got


def test_prepared_insert_writes_the_row_save_writes(kit: Any) -> None:
    source = ordinary(kit, State.DECIDED)  # many columns set: dates, money, JSON, foreign keys
    values = {k: v for k, v in _fields(source).items() if k != "id"}
    unique = {"number": source.number, "decision_number": source.decision_number}
    by_orm = Case(**{**values, **{k: f"{v}-1" for k, v in unique.items()}})
    by_insert = Case(**{**values, **{k: f"{v}-2" for k, v in unique.items()}})
    by_orm.save(force_insert=True)
    with CaptureQueriesContext(connection) as ctx:
        prepared.insert(by_insert)
    assert len(ctx.captured_queries) == 1
    assert by_insert.pk is not None and by_insert.pk != by_orm.pk
    assert by_insert._state.adding is False and by_insert._state.db == "default"
    assert _row(Case, by_insert.pk) == {**_row(Case, by_orm.pk), **{k: f"{v}-2" for k, v in unique.items()}}
    # pre_save(add=True) runs as in save(): an auto_now column is filled
    setting = JurisdictionSetting(node=kit.world.city, key="test.prepared_insert", value={"a": [1, "二"]})
    prepared.insert(setting)
    stored = JurisdictionSetting.objects.get(pk=setting.pk)
    assert stored.value == {"a": [1, "二"]} and stored.set_at is not None and stored.set_at == setting.set_at


def test_prepared_insert_leaves_to_save_what_save_does_more(kit: Any) -> None:
    case = ordinary(kit, State.INVESTIGATING)
    event = CaseEvent.objects.filter(case=case).first()
    assert event is not None
    with pytest.raises(AppendOnlyError):  # not a new row: save(), which refuses to update an event
        prepared.insert(event)
    seen: list[Any] = []

    def receiver(sender: Any, instance: Any, **kwargs: Any) -> None:
        seen.append(instance)

    signals.post_save.connect(receiver, sender=CaseEvent)
    try:
        again = CaseEvent(case=case, seq=99, name="note", at=timezone.now(), occurred_on=case.last_act_on)
        prepared.insert(again)
    finally:
        signals.post_save.disconnect(receiver, sender=CaseEvent)
    assert seen == [again] and again.pk is not None  # a receiver is told, as by save()
