"""The 免罚清单 (行政处罚法第三十三条第一款): kept by the jurisdiction's administrators and approvers
(deny by default), through the services, the staff pages and the JSON API; published on the portal
(政府信息公开条例第二十条第（六）项) while in force. Today is Monday 30 June 2025."""

from __future__ import annotations

import pytest
from django.test import Client

from zhifa.audit.models import AuditEntry
from zhifa.core.errors import Conflict, Forbidden, InvalidInput
from zhifa.enforcement.cases import services
from zhifa.enforcement.cases.factories import add_investigation_record, ev
from zhifa.enforcement.cases.models import NoPenaltyListEntry, State
from zhifa.enforcement.cases.tests import builders
from zhifa.powers.factories import make_item

pytestmark = pytest.mark.django_db

LINE = {
    "kind": "first_offence",
    "conditions": "首次违法、挖掘面积小于5平方米、当日恢复原状",
    "document": "测试市城市管理领域轻微违法行为免罚清单",
}


def line(kit, **over):
    return {"power_item_id": kit.item.pk, **LINE, **over}


class TestKeeping:
    def test_the_agencys_approver_keeps_its_list_not_the_citys(self, kit) -> None:
        w = kit.world
        with pytest.raises(Forbidden):
            services.no_penalty_list_add(actor=w.approver_a, node=w.city, data=line(kit))
        for outsider in (w.officer_a, w.reviewer_a, w.supervisor, w.officer_b):
            with pytest.raises(Forbidden):
                services.no_penalty_list_add(actor=outsider, node=w.agency_a, data=line(kit))
        entry = services.no_penalty_list_add(actor=w.approver_a, node=w.agency_a, data=line(kit))
        assert entry.is_active and entry.retired_on is None
        assert services.no_penalty_list_add(actor=w.admin, node=w.city, data=line(kit)).node_id == w.city.pk

    def test_an_item_of_an_agency_outside_the_jurisdiction_is_refused(self, kit) -> None:
        w = kit.world
        other = make_item("T-SC-009", agency=w.agency_b, name="未按规定明码标价")
        with pytest.raises(InvalidInput) as exc:
            services.no_penalty_list_add(
                actor=w.approver_a, node=w.agency_a, data=line(kit, power_item_id=other.pk)
            )
        assert exc.value.code == "power_item_outside_jurisdiction"
        with pytest.raises(InvalidInput):
            services.no_penalty_list_add(actor=w.approver_a, node=w.agency_a, data=line(kit, kind="none"))
        with pytest.raises(InvalidInput):
            services.no_penalty_list_add(actor=w.approver_a, node=w.agency_a, data=line(kit, document=""))
        assert not NoPenaltyListEntry.objects.exists()

    def test_a_change_is_audited_with_the_text_before_and_after(self, kit) -> None:
        w = kit.world
        entry = services.no_penalty_list_add(actor=w.approver_a, node=w.agency_a, data=line(kit))
        services.no_penalty_list_update(
            actor=w.approver_a, entry_id=entry.pk, data={"conditions": "首次违法"}
        )
        entry.refresh_from_db()
        assert entry.conditions == "首次违法" and entry.document == LINE["document"]
        audit = AuditEntry.objects.filter(action="cases.no_penalty_list_update").get()
        assert audit.summary["before"]["conditions"] == LINE["conditions"]
        assert audit.summary["after"]["conditions"] == "首次违法"
        with pytest.raises(Forbidden):
            services.no_penalty_list_update(actor=w.officer_a, entry_id=entry.pk, data={"conditions": "x"})

    def test_a_retired_line_stays_on_record_changes_no_more_and_no_longer_applies(self, kit) -> None:
        w = kit.world
        entry = services.no_penalty_list_add(actor=w.approver_a, node=w.agency_a, data=line(kit))
        with pytest.raises(InvalidInput):  # the reason is required
            services.no_penalty_list_retire(actor=w.approver_a, entry_id=entry.pk, data={"reason": ""})
        with pytest.raises(InvalidInput):  # never in the future
            services.no_penalty_list_retire(
                actor=w.approver_a, entry_id=entry.pk, data={"reason": "清单修订", "retired_on": "2025-07-01"}
            )
        services.no_penalty_list_retire(
            actor=w.approver_a, entry_id=entry.pk, data={"reason": "清单修订", "retired_on": "2025-06-30"}
        )
        entry.refresh_from_db()
        assert (
            not entry.is_active
            and str(entry.retired_on) == "2025-06-30"
            and entry.retire_reason == "清单修订"
        )
        with pytest.raises(Conflict) as exc:
            services.no_penalty_list_update(actor=w.approver_a, entry_id=entry.pk, data={"conditions": "x"})
        assert exc.value.code == "entry_retired"
        case = builders.ordinary(kit, State.INVESTIGATING)
        add_investigation_record(case, w.officer_a)
        case = ev(case, w.approver_a, "decide_no_penalty", ground="first_offence", reason="首次违法，已恢复")
        assert case.events.order_by("-seq").first().payload["no_penalty_list"] == []


class TestPages:
    def test_staff_read_the_list_keepers_add_edit_and_retire(self, kit, client) -> None:
        w = kit.world
        services.no_penalty_list_add(actor=w.admin, node=w.city, data=line(kit))
        client.force_login(w.officer_a)
        assert "/cases/no-penalty-list/" in client.get("/cases/").content.decode()  # reached from the cases
        page = client.get("/cases/no-penalty-list/")
        assert page.status_code == 200 and LINE["document"] in page.content.decode()
        assert "/cases/no-penalty-list/new/" not in page.content.decode()
        assert client.get("/cases/no-penalty-list/new/").status_code == 403
        client.force_login(w.approver_a)
        page = client.get("/cases/no-penalty-list/").content.decode()
        assert "/cases/no-penalty-list/new/" in page
        assert (
            "/edit" not in page
            and f"/cases/no-penalty-list/{NoPenaltyListEntry.objects.get().pk}/" not in page
        )
        # a refused form comes back in place with its 400 and changes nothing
        bad = client.post(
            "/cases/no-penalty-list/new/",
            {"node_id": w.agency_a.pk, "power_item_id": kit.item.pk, "kind": "first_offence", "document": ""},
        )
        assert bad.status_code == 400 and NoPenaltyListEntry.objects.count() == 1
        ok = client.post("/cases/no-penalty-list/new/", {"node_id": w.agency_a.pk, **line(kit)})
        assert ok.status_code == 302
        mine = NoPenaltyListEntry.objects.get(node=w.agency_a)
        assert client.get(f"/cases/no-penalty-list/{mine.pk}/").status_code == 200
        client.post(f"/cases/no-penalty-list/{mine.pk}/", {**line(kit), "conditions": "首次违法且当日改正"})
        mine.refresh_from_db()
        assert mine.conditions == "首次违法且当日改正"
        refused = client.post(f"/cases/no-penalty-list/{mine.pk}/retire/", {"reason": ""})
        assert refused.status_code == 400
        client.post(f"/cases/no-penalty-list/{mine.pk}/retire/", {"reason": "清单修订"})
        mine.refresh_from_db()
        assert mine.retired_on is not None
        # the city's line is not the agency approver's to change
        city_line = NoPenaltyListEntry.objects.get(node=w.city)
        assert (
            client.post(f"/cases/no-penalty-list/{city_line.pk}/retire/", {"reason": "x"}).status_code == 403
        )

    def test_signed_out_is_sent_to_sign_in(self, kit) -> None:
        response = Client().get("/cases/no-penalty-list/")
        assert response.status_code in (302, 401, 403) and NoPenaltyListEntry.objects.count() == 0


class TestApi:
    def test_list_add_change_retire(self, kit, api_token) -> None:
        w = kit.world
        approver, officer = Client(), Client()
        ha, ho = api_token(w.approver_a), api_token(w.officer_a)
        body = {"node_id": w.agency_a.pk, **line(kit)}
        r = officer.post("/api/v1/no-penalty-list", body, content_type="application/json", **ho)
        assert r.status_code == 403
        r = approver.post(
            "/api/v1/no-penalty-list", {**body, "documnet": "x"}, content_type="application/json", **ha
        )
        assert r.status_code == 400 and r.json()["code"] == "unknown_field"
        r = approver.post(
            "/api/v1/no-penalty-list", {**body, "node_id": w.city.pk}, content_type="application/json", **ha
        )
        assert r.status_code == 400 and r.json()["detail"]["field"] == "node_id"
        r = approver.post("/api/v1/no-penalty-list", body, content_type="application/json", **ha)
        assert r.status_code == 201, r.content
        created = r.json()
        assert created["power_item"]["code"] == "T-DL-001" and created["may_edit"] and created["active"]
        assert created["article"] == "行政处罚法第三十三条第一款"
        listed = officer.get("/api/v1/no-penalty-list", **ho).json()
        assert listed["count"] == 1 and listed["results"][0]["may_edit"] is False
        r = approver.patch(
            f"/api/v1/no-penalty-list/{created['id']}",
            {"kind": "minor_corrected"},
            content_type="application/json",
            **ha,
        )
        assert r.status_code == 200 and r.json()["kind"] == "minor_corrected"
        r = approver.post(
            f"/api/v1/no-penalty-list/{created['id']}/retire",
            {"reason": "废止"},
            content_type="application/json",
            **ha,
        )
        assert r.status_code == 200 and r.json()["active"] is False and r.json()["retired_on"] == "2025-06-30"
        r = approver.patch(
            f"/api/v1/no-penalty-list/{created['id']}",
            {"conditions": "x"},
            content_type="application/json",
            **ha,
        )
        assert r.status_code == 409 and r.json()["code"] == "entry_retired"
        assert officer.get("/api/v1/no-penalty-list", **ho).json()["count"] == 0
        assert officer.get("/api/v1/no-penalty-list?retired=true", **ho).json()["count"] == 1
        assert approver.get("/api/v1/no-penalty-list/999999", **ha).status_code == 404
        assert Client().get("/api/v1/no-penalty-list").status_code == 401


class TestPortal:
    def test_the_lines_in_force_are_published_and_a_retired_one_leaves(
        self, kit, django_capture_on_commit_callbacks
    ) -> None:
        w = kit.world
        entry = services.no_penalty_list_add(actor=w.approver_a, node=w.agency_a, data=line(kit))
        public = Client()
        page = public.get("/portal/no-penalty-list/").content.decode()
        assert LINE["conditions"] in page and "T-DL-001" in page
        assert LINE["conditions"] in public.get(f"/portal/powers/{kit.item.pk}/").content.decode()
        data = public.get("/api/v1/public/no-penalty-list").json()
        assert data["count"] == 1 and data["results"][0]["document"] == LINE["document"]
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            services.no_penalty_list_retire(
                actor=w.approver_a, entry_id=entry.pk, data={"reason": "清单修订"}
            )
        assert callbacks  # the portal's cache is bumped after the commit
        # the cached page is rebuilt after the change (the portal's generation moves on commit)
        assert LINE["conditions"] not in public.get("/portal/no-penalty-list/").content.decode()
        assert public.get("/api/v1/public/no-penalty-list").json()["count"] == 0
