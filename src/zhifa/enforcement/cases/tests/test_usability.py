"""Pages officers can work in (issue 13): leads with unknown parties, the next step, history in words,
queues with counts, tier choices that follow the item, refusals shown in place."""

import pytest
from django.test import Client, override_settings

from zhifa.core.errors import InvalidInput
from zhifa.enforcement.cases import history
from zhifa.enforcement.cases.factories import build_case_kit, ev, organisation_id, person_id, register
from zhifa.enforcement.cases.models import Case, State
from zhifa.enforcement.cases.services import case_register


@pytest.fixture
def kit(world):
    return build_case_kit(world)


@pytest.mark.django_db
class TestLeadWithUnknownParty:
    def test_a_lead_registers_without_the_party(self, kit) -> None:
        case = register(kit, party=None)
        assert case.state == State.REGISTERED
        assert (case.party_kind, case.party_name, case.party_id_number) == ("", "", "")

    def test_a_half_known_party_is_kept_and_what_is_given_is_still_checked(self, kit) -> None:
        case = register(kit, party={"kind": "person", "name": "张某", "id_number": ""})
        assert (case.party_name, case.party_id_number) == ("张某", "")
        with pytest.raises(InvalidInput) as exc:
            register(kit, party={"kind": "person", "name": "张某", "id_number": "123"})
        assert exc.value.detail["field"] == "id_number"

    def test_the_on_the_spot_procedure_still_needs_the_party(self, kit) -> None:
        from zhifa.enforcement.cases.factories import register_data

        with pytest.raises(InvalidInput):
            case_register(actor=kit.world.officer_a, data=register_data(kit, procedure="simple", party=None))

    def test_filing_is_refused_until_the_party_is_identified(self, kit) -> None:
        case = register(kit, party=None)
        officers = [kit.officer_a.pk, kit.officer_a2.pk]
        with pytest.raises(InvalidInput) as exc:
            ev(case, kit.world.approver_a, "file", officer_ids=officers)
        assert exc.value.detail["field"] == "party_kind"
        assert "立案前须查明当事人" in str(exc.value.message)
        assert Case.objects.get(pk=case.pk).state == State.REGISTERED

    def test_filing_completes_the_party_and_records_it(self, kit) -> None:
        case = register(kit, party=None)
        number = organisation_id(7)
        case = ev(
            case,
            kit.world.approver_a,
            "file",
            officer_ids=[kit.officer_a.pk, kit.officer_a2.pk],
            party_kind="organisation",
            party_name="海州市某某公司",
            party_id_number=number,
        )
        assert case.state == State.INVESTIGATING
        assert (case.party_kind, case.party_name, case.party_id_number) == (
            "organisation",
            "海州市某某公司",
            number,
        )
        event = case.events.get(name="file")
        assert event.payload["party"]["name"] == "海州市某某公司"

    def test_the_officer_sees_his_own_lead_unmasked_and_the_next_step(self, kit, client: Client) -> None:
        case = register(kit, party={"kind": "person", "name": "张小明", "id_number": person_id(3)})
        client.force_login(kit.world.officer_a)
        body = client.get(f"/cases/{case.pk}/").content.decode()
        assert "张小明" in body and person_id(3) in body
        assert "下一步" in body and "立案" in body and "赵六" in body  # the approver who files it
        listing = client.get("/cases/").content.decode()
        assert "张小明" in listing
        other = Client()
        other.force_login(kit.world.officer_a2)  # same agency, not his lead: still masked
        assert "张小明" not in other.get(f"/cases/{case.pk}/").content.decode()

    def test_the_file_form_asks_for_the_party_only_while_it_is_unknown(self, kit, client: Client) -> None:
        unknown = register(kit, party=None)
        known = register(kit)
        client.force_login(kit.world.approver_a)
        assert 'name="party_name"' in client.get(f"/cases/{unknown.pk}/").content.decode()
        assert 'name="party_name"' not in client.get(f"/cases/{known.pk}/").content.decode()


@pytest.mark.django_db
class TestHumanHistory:
    def test_the_payload_reads_as_chinese_lines(self) -> None:
        lines = history.payload_lines(
            {
                "officers": [{"id": 5, "name": "张三", "credential": "35090220240001"}],
                "amount_class": "within_tier",
                "measures": ["fine"],
                "fine_amount": "3000.00",
                "hearing_eligible": False,
                "permitted_range": ["1000.00", "5000.00"],
            }
        )
        text = "；".join(f"{x['label']}：{x['text']}" for x in lines)
        assert "张三（35090220240001）" in text
        assert "within_tier" not in text and "'id'" not in text and "fine" not in text
        assert "罚款" in text and "3,000.00" in text and "否" in text and "1,000.00 – 5,000.00" in text

    def test_the_case_page_shows_no_developer_output(self, kit, client: Client) -> None:
        case = register(kit)
        ev(case, kit.world.approver_a, "file", officer_ids=[kit.officer_a.pk, kit.officer_a2.pk])
        client.force_login(kit.world.approver_a)
        body = client.get(f"/cases/{case.pk}/").content.decode()
        assert "{&#x27;id&#x27;" not in body and "officers:" not in body and "patrol" not in body
        assert "张三" in body  # the actor by name, not by account

    def test_the_workflow_page_names_states_in_chinese(self, kit, client: Client) -> None:
        client.force_login(kit.world.officer_a)
        body = client.get("/cases/workflow/").content.decode()
        assert "线索登记" in body and "已立案调查" in body
        assert ">registered<" not in body and "investigating" not in body


@pytest.mark.django_db
class TestQueues:
    def test_the_approvers_queue_counts_all_waiting_work(self, kit, client: Client) -> None:
        for _ in range(12):
            register(kit)
        client.force_login(kit.world.approver_a)
        body = client.get("/").content.decode()
        assert "全部待办（12件）" in body
        assert body.count('href="/cases/') >= 10

    def test_an_officers_unfiled_leads_are_his_open_cases(self, kit, client: Client) -> None:
        register(kit, party=None)
        client.force_login(kit.world.officer_a)
        body = client.get("/cases/?mine=1").content.decode()
        assert "尚未查明" in body

    def test_mine_is_what_he_handles_and_the_leads_he_registered(self, kit) -> None:
        """Both halves of the "mine" union: a case he handles, a lead he registered and has not been
        filed; not a lead registered by someone else, nor a case filed to other officers."""
        from zhifa.enforcement.cases.selectors import CaseFilters, case_list_for, my_open_cases

        w = kit.world
        handled = register(kit)
        ev(handled, w.approver_a, "file", officer_ids=[kit.officer_a.pk, kit.officer_a2.pk])
        his_lead = register(kit)  # registered by officer_a (the kit's registering officer)
        theirs = register(kit, actor=w.approver_a)
        mine = {c.pk for c in case_list_for(user=w.officer_a, filters=CaseFilters(mine=True))}
        assert handled.pk in mine and his_lead.pk in mine and theirs.pk not in mine
        assert {c.pk for c in my_open_cases(user=w.officer_a)} == {handled.pk, his_lead.pk}
        assert his_lead.registered_by_id == w.officer_a.pk and theirs.registered_by_id != w.officer_a.pk


@pytest.mark.django_db
class TestChoices:
    def test_tiers_follow_the_item_and_show_their_ranges(self, kit, client: Client) -> None:
        case = register(kit)
        ev(case, kit.world.approver_a, "file", officer_ids=[kit.officer_a.pk, kit.officer_a2.pk])
        client.force_login(kit.world.officer_a)
        body = client.get(f"/cases/{case.pk}/").content.decode()
        assert 'data-follows="power_item_id"' in body
        assert f'data-parent="{kit.item.pk}"' in body
        assert "一般（5,000–10,000 元）" in body
        assert "data-searchable" in body

    def test_the_register_form_offers_only_the_agencys_items(self, kit, client: Client) -> None:
        from zhifa.powers.factories import make_item

        make_item("T-OTHER-001", agency=kit.world.agency_b, name="别的机关的事项")
        client.force_login(kit.world.officer_a)
        body = client.get("/cases/new/").content.decode()
        assert "T-DL-001" in body and "T-OTHER-001" not in body
        assert f'data-parent="{kit.agency.pk}"' in body

    def test_the_on_the_spot_form_keeps_the_channel_after_an_error(self, kit, client: Client) -> None:
        client.force_login(kit.world.officer_a)
        response = client.post(
            "/cases/on-spot/",
            {
                "agency_id": kit.agency.pk,
                "party_kind": "person",
                "party_name": "张某",
                "party_id_number": "1",
                "paid_now": "on",
                "channel": "bank",
                "measures": ["warning"],
                "power_item_id": kit.item.pk,
            },
        )
        assert response.status_code == 400
        body = response.content.decode()
        assert '<option value="bank" selected>' in body
        assert 'value="warning" checked' in body and 'value="fine" checked' not in body


@pytest.mark.django_db
class TestRefusalsInPlace:
    @override_settings(DEBUG=True)
    def test_the_page_never_loads_the_debug_script_that_replaced_it(self, kit, client: Client) -> None:
        client.force_login(kit.world.officer_a)
        body = client.get("/cases/").content.decode()
        assert "django-htmx.js" not in body
        assert '"(400|403|409|422|429)","swap":true' in body  # refusals are swapped into the page

    def test_a_refused_event_answers_with_the_form_and_its_reason(self, kit, client: Client) -> None:
        case = register(kit)
        client.force_login(kit.world.approver_a)
        response = client.post(
            f"/cases/{case.pk}/events/file/", {"officer_ids": [kit.officer_a.pk]}, HTTP_HX_REQUEST="true"
        )
        assert response.status_code in (400, 422)
        body = response.content.decode()
        assert body.lstrip().startswith("<form") and "第四十二条" in body and "<html" not in body
