import datetime as dt

import pytest
from django.test import Client

from zhifa.audit.models import AuditEntry
from zhifa.core.errors import Conflict, InvalidInput
from zhifa.foundation.alerts.models import Alert
from zhifa.foundation.alerts.services import alert_raise, alert_resolve, alert_resolve_by_hand


def _raise(world, key="case:1:decision_overdue", agency=None):
    return alert_raise(
        kind="case_deadline",
        key=key,
        agency_id=(agency or world.agency_a).id,
        title="案件决定期限已届满",
        due_on=dt.date(2025, 6, 1),
        article="行政处罚法第六十条",
    )


@pytest.mark.django_db
class TestAlertServices:
    def test_raising_is_idempotent_while_open(self, world) -> None:
        first = _raise(world)
        second = _raise(world)
        assert first.pk == second.pk
        assert Alert.objects.count() == 1

    def test_resolving_closes_and_a_later_raise_opens_a_new_one(self, world) -> None:
        first = _raise(world)
        assert alert_resolve(key=first.key, note="已作出决定") == 1
        first.refresh_from_db()
        assert first.resolved_at is not None
        second = _raise(world)
        assert second.pk != first.pk and second.is_open
        assert AuditEntry.objects.filter(action="alerts.resolve").count() == 1

    def test_resolving_by_hand_needs_a_note_and_an_open_alert(self, world) -> None:
        alert = _raise(world)
        with pytest.raises(InvalidInput):
            alert_resolve_by_hand(alert_id=alert.id, actor=world.supervisor, note="  ")
        alert_resolve_by_hand(alert_id=alert.id, actor=world.supervisor, note="已督办")
        with pytest.raises(Conflict):
            alert_resolve_by_hand(alert_id=alert.id, actor=world.supervisor, note="再次")


@pytest.mark.django_db
class TestAlertVisibility:
    def test_api_lists_only_alerts_in_scope(self, client: Client, world, api_token) -> None:
        _raise(world, key="a")
        _raise(world, key="b", agency=world.agency_b)
        body = client.get("/api/v1/alerts?open=true", **api_token(world.officer_a)).json()
        assert body["count"] == 1 and body["results"][0]["agency"] == world.agency_a.id
        assert client.get("/api/v1/alerts", **api_token(world.supervisor)).json()["count"] == 2
        by_agency = client.get(
            f"/api/v1/alerts?agency={world.agency_b.id}", **api_token(world.supervisor)
        ).json()
        assert by_agency["count"] == 1

    def test_page_lists_alerts_with_a_constant_number_of_queries(
        self, client: Client, world, django_assert_max_num_queries
    ) -> None:
        for i in range(30):
            _raise(world, key=f"k{i}")
        client.force_login(world.supervisor)
        with django_assert_max_num_queries(12):
            response = client.get("/alerts/")
        assert response.status_code == 200
        assert response.content.decode().count("案件决定期限已届满") == 30

    def test_officers_cannot_resolve_by_hand(self, client: Client, world) -> None:
        alert = _raise(world)
        client.force_login(world.officer_a)
        assert client.post(f"/alerts/{alert.id}/resolve/", {"note": "x"}).status_code == 403
        client.force_login(world.supervisor)
        assert client.post(f"/alerts/{alert.id}/resolve/", {"note": "已督办"}).status_code == 302
        alert.refresh_from_db()
        assert not alert.is_open

    def test_resolving_an_alert_of_another_agency_is_404(self, client: Client, world) -> None:
        alert = _raise(world, agency=world.agency_b)
        client.force_login(world.approver_a)
        assert client.post(f"/alerts/{alert.id}/resolve/", {"note": "x"}).status_code == 404

    def test_home_shows_the_open_alert_count(self, client: Client, world) -> None:
        _raise(world)
        client.force_login(world.officer_a)
        body = client.get("/").content.decode()
        assert "案件决定期限已届满" in body


@pytest.mark.django_db
def test_the_home_panels_latest_are_the_orms_rows(world) -> None:
    from zhifa.foundation.alerts.selectors import alert_list_for, open_alerts_latest

    for i in range(7):
        _raise(world, key=f"case:{i}:a", agency=world.agency_a if i % 2 else world.agency_b)
    alert_resolve(key="case:3:a")
    for user in (world.officer_a, world.officer_b, world.supervisor, world.outsider):
        for size in (1, 5):
            orm = list(alert_list_for(user=user, is_open=True)[:size])
            rows = open_alerts_latest(user=user, size=size)
            assert [(a.pk, a.title, a.agency.name, a.resolved_by_id) for a in rows] == [
                (a.pk, a.title, a.agency.name, a.resolved_by_id) for a in orm
            ]
