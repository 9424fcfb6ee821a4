"""Issue 12, items 1–6 and 14, driven through `case_apply_event`: minors and capacity (行政处罚法第三十条、
第三十一条), one fine per act (第二十九条), no-penalty grounds and 首违不罚 (第三十三条), no heavier penalty
after a statement (第四十五条), serious cases deliberated (第五十七条), capped extensions (第六十条) and
backdated discovery (第三十六条). Today is Monday 30 June 2025; acts on 1 May 2025."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from zhifa.core.errors import InvalidInput, RuleViolation
from zhifa.enforcement.cases.factories import (
    add_investigation_record,
    approve_and_notify,
    ev,
    person_id,
    register,
    waive,
)
from zhifa.enforcement.cases.models import Case, State
from zhifa.foundation.alerts.models import Alert
from zhifa.powers.factories import make_item, tier

pytestmark = pytest.mark.django_db
D = dt.date
ACT = "2025-05-01"


def person(born: str, **over: object) -> dict:
    return {"kind": "person", "name": "小明", "id_number": person_id(born=born), **over}


def filed(kit, party=None, **over):
    case = register(
        kit, discovered_on="2025-05-05", occurred_on=ACT, **({"party": party} if party else {}), **over
    )
    return ev(
        case,
        kit.world.approver_a,
        "file",
        officer_ids=[kit.officer_a.pk, kit.officer_a2.pk],
        filed_on="2025-05-06",
    )


def propose(kit, case, *, fine="3000.00", tier_name="轻微", measures=("fine",), **extra):
    data = {"tier": tier_name, "measures": list(measures), "reasons": "事实清楚", **extra}
    if "fine" in measures:
        data["fine_amount"] = fine
    return ev(case, kit.world.officer_a, "submit_proposal", **data)


def to_decision(kit, case, **proposal):
    case = propose(kit, case, **proposal)
    case = approve_and_notify(case, kit, served_on="2025-05-07")  # the head's approval first (issue 13)
    rights = ["statement", "hearing"] if case.hearing_eligible else ["statement"]
    return waive(case, kit.world.officer_a, rights=rights, waived_on="2025-05-08")


class TestMinors:
    def test_fourteenth_birthday_on_the_day_of_the_act_is_still_under_14(self, kit) -> None:
        case = filed(kit, party=person("20110501"))
        with pytest.raises(RuleViolation) as exc:
            propose(kit, case)
        assert exc.value.code == "party_under_14" and "第三十条" in str(exc.value.message)
        with pytest.raises(RuleViolation) as exc:
            ev(case, kit.world.approver_a, "decide_no_penalty", ground="under_age", reason="未满十四周岁")
        assert exc.value.code == "guardian_order_required"
        with pytest.raises(RuleViolation) as exc:  # the ground stands on the file (第四十条、第五十七条)
            ev(
                case,
                kit.world.approver_a,
                "decide_no_penalty",
                ground="under_age",
                reason="当事人违法时未满十四周岁，已进行教育。",
                guardian_order="责令其监护人加以管教。",
                decided_on="2025-05-10",
            )
        assert exc.value.code == "no_penalty_without_evidence" and "第五十七条" in str(exc.value.message)
        add_investigation_record(case, kit.world.officer_a)
        case = ev(
            case,
            kit.world.approver_a,
            "decide_no_penalty",
            ground="under_age",
            reason="当事人违法时未满十四周岁，已进行教育。",
            guardian_order="责令其监护人加以管教。",
            decided_on="2025-05-10",
        )
        assert case.state == State.CLOSED and case.no_penalty_ground == "under_age"
        payload = case.events.order_by("-seq").first().payload
        assert payload["guardian_order"] and payload["party"]["age"] == 13

    def test_a_fourteen_year_old_cannot_be_pardoned_as_under_14(self, kit) -> None:
        case = filed(kit, party=person("20110430"))  # 14 since 1 May 2025
        with pytest.raises(RuleViolation) as exc:
            ev(
                case,
                kit.world.approver_a,
                "decide_no_penalty",
                ground="under_age",
                reason="x",
                guardian_order="责令监护人加以管教",
            )
        assert exc.value.code == "not_under_14"

    def test_a_minor_must_be_fined_at_the_bottom_of_the_tier(self, kit) -> None:
        case = to_decision(kit, filed(kit, party=person("20070501")), fine="6000.00", tier_name="一般")  # 17
        with pytest.raises(RuleViolation) as exc:
            ev(case, kit.world.approver_a, "decide", decided_on="2025-05-09")
        assert exc.value.code == "minor_leniency_required"
        case = ev(case, kit.world.approver_a, "decide", fine_amount="5000.00", decided_on="2025-05-09")
        assert case.state == State.DECIDED and case.fine_amount == Decimal("5000.00")

    def test_the_day_after_the_eighteenth_birthday_is_an_adult(self, kit) -> None:
        case = to_decision(kit, filed(kit, party=person("20070430")), fine="6000.00", tier_name="一般")
        assert ev(case, kit.world.approver_a, "decide", decided_on="2025-05-09").state == State.DECIDED

    def test_no_penalty_on_the_spot_for_a_child(self, kit) -> None:
        case = register(
            kit,
            procedure="simple",
            discovered_on="2025-06-10",
            occurred_on="2025-06-10",
            party=person("20120101"),
        )
        with pytest.raises(RuleViolation) as exc:
            ev(
                case,
                kit.world.officer_a,
                "decide_on_spot",
                officer_ids=[kit.officer_a.pk, kit.officer_a2.pk],
                power_item_id=kit.item.pk,
                measures=["warning"],
                reasons="x",
                decided_on="2025-06-10",
            )
        assert exc.value.code == "party_under_14"

    def test_foreign_document_with_a_birth_date_and_an_old_15_digit_id(self, kit) -> None:
        foreign = {"kind": "person", "name": "JOHN DOE", "id_type": "other", "id_number": "E12345678"}
        case = filed(kit, party={**foreign, "birth_date": "2012-01-01"})
        assert case.party_birth_date == D(2012, 1, 1)
        with pytest.raises(RuleViolation):
            propose(kit, case)
        # no birth date at all: the age is unknown, which blocks neither the penalty nor the protection
        unknown = filed(kit, party=foreign)
        assert unknown.party_birth_date is None
        assert propose(kit, unknown).state == State.PROPOSED
        old = register(kit, party={"kind": "person", "name": "老张", "id_number": "350902600101123"})
        assert old.party_birth_date == D(1960, 1, 1)
        with pytest.raises(InvalidInput):
            register(kit, party={"kind": "person", "name": "老张", "id_number": "350902601301123"})
        with pytest.raises(InvalidInput):  # a birth date contradicting the ID
            register(kit, party=person("19800101", birth_date="1980-01-02"))

    def test_incapacity_recorded_by_the_investigation_refuses_a_penalty(self, kit) -> None:
        case = filed(kit, party=person("19800101"))
        with pytest.raises(RuleViolation) as exc:
            propose(kit, case, party_capacity="none")
        assert exc.value.code == "party_incapable" and "第三十一条" in str(exc.value.message)
        add_investigation_record(case, kit.world.officer_a)
        case = ev(
            case,
            kit.world.approver_a,
            "decide_no_penalty",
            ground="incapacity",
            reason="经鉴定，行为时不能辨认自己行为。",
            guardian_order="责令监护人严加看管和治疗。",
        )
        assert case.party_capacity == "none"


def other_agency_fine(kit, *, party_id: str, provision: str, act: dt.date, decided: dt.date, **over) -> Case:
    """An earlier decision of agency B, set up as its rows would be."""
    item_b = make_item("T-B-1", agency=kit.world.agency_b, violated_provision=provision)
    now = timezone.now()
    values = {
        "agency": kit.world.agency_b,
        "procedure": "ordinary",
        "state": State.SERVED,
        "decision_number": "海交罚决〔2025〕9号",
        "number": "海交罚立〔2025〕9号",
        "source": "patrol",
        "party_kind": "person",
        "party_name": "张某",
        "party_id_number": party_id,
        "facts": "x",
        "occurred_on": act,
        "discovered_on": act,
        "registered_at": now,
        "last_act_on": decided,
        "last_event_at": now,
        "decided_on": decided,
        "measures": ["fine"],
        "fine_amount": Decimal("2000"),
        "power_item": item_b,
        "power_version": item_b.published_version,
    }
    values.update(over)
    return Case.objects.create(**values)


PROVISION = "《城市道路管理条例》第二十九条"


def item_a(kit):
    return make_item(
        "T-A-29",
        agency=kit.agency,
        violated_provision=PROVISION,
        fine_max=20000,
        tiers=(tier("轻微", None, 5000),),
    )


class TestOneFinePerAct:
    def test_two_fines_for_one_act_across_two_agencies(self, kit) -> None:
        pid = person_id(born="19800101")
        earlier = other_agency_fine(
            kit, party_id=pid, provision=PROVISION, act=D(2025, 5, 1), decided=D(2025, 5, 4)
        )
        item = item_a(kit)
        case = filed(kit, party={"kind": "person", "name": "张某", "id_number": pid}, power_item_id=item.pk)
        with pytest.raises(RuleViolation) as exc:
            propose(kit, case, power_item_id=item.pk)
        assert exc.value.code == "fined_twice" and "第二十九条" in str(exc.value.message)
        assert exc.value.detail["earlier"][0]["case_id"] == earlier.pk
        assert "海交罚决〔2025〕9号" in str(exc.value.message)
        # a warning for the same act is not a second fine
        assert propose(kit, case, power_item_id=item.pk, measures=("warning",)).state == State.PROPOSED

    def test_an_act_on_another_day_may_be_fined(self, kit) -> None:
        pid = person_id(born="19800101")
        other_agency_fine(kit, party_id=pid, provision=PROVISION, act=D(2025, 4, 2), decided=D(2025, 4, 10))
        item = item_a(kit)
        case = filed(kit, party={"kind": "person", "name": "张某", "id_number": pid}, power_item_id=item.pk)
        assert propose(kit, case, power_item_id=item.pk).state == State.PROPOSED

    def test_the_higher_of_several_provisions(self, kit) -> None:
        higher = make_item("T-A-HI", agency=kit.agency, fine_max=50000, violated_provision="某条例第十条")
        case = filed(kit)
        with pytest.raises(RuleViolation) as exc:
            propose(kit, case, concurrent_power_item_ids=[higher.pk])
        assert exc.value.code == "lower_provision_chosen"
        lower = make_item("T-A-LO", agency=kit.agency, fine_max=1000, violated_provision="某条例第十一条")
        assert propose(kit, case, concurrent_power_item_ids=[lower.pk]).state == State.PROPOSED


class TestFirstOffence:
    def test_first_offence_refused_after_an_earlier_penalty_for_the_same_kind(self, kit) -> None:
        pid = person_id(born="19800101")
        other_agency_fine(kit, party_id=pid, provision=PROVISION, act=D(2025, 2, 1), decided=D(2025, 2, 20))
        item = item_a(kit)
        case = filed(kit, party={"kind": "person", "name": "张某", "id_number": pid}, power_item_id=item.pk)
        with pytest.raises(RuleViolation) as exc:
            ev(case, kit.world.approver_a, "decide_no_penalty", ground="first_offence", reason="首次违法")
        assert exc.value.code == "not_first_offence"
        add_investigation_record(case, kit.world.officer_a)
        case = ev(
            case, kit.world.approver_a, "decide_no_penalty", ground="minor_corrected", reason="轻微并及时改正"
        )
        assert case.state == State.CLOSED

    def test_a_ground_is_required_and_the_no_penalty_list_is_recorded(self, kit) -> None:
        from zhifa.core.errors import Forbidden
        from zhifa.enforcement.cases.services import no_penalty_list_add

        line = {
            "power_item_id": kit.item.pk,
            "kind": "first_offence",
            "conditions": "首次、挖掘面积小于5平方米、当日恢复",
            "document": "海州市城市管理领域轻微违法行为不予处罚清单",
        }
        with pytest.raises(Forbidden):  # an agency's approver does not keep the city's list
            no_penalty_list_add(actor=kit.world.approver_a, node=kit.world.city, data=line)
        no_penalty_list_add(actor=kit.world.admin, node=kit.world.city, data=line)
        case = filed(kit)
        with pytest.raises(RuleViolation) as exc:
            ev(case, kit.world.approver_a, "decide_no_penalty", reason="理由")
        assert exc.value.code == "no_penalty_ground_required"
        add_investigation_record(case, kit.world.officer_a)
        case = ev(
            case, kit.world.approver_a, "decide_no_penalty", ground="first_offence", reason="首次违法，已恢复"
        )
        listed = case.events.order_by("-seq").first().payload["no_penalty_list"]
        assert listed[0]["document"] == "海州市城市管理领域轻微违法行为不予处罚清单"


class TestNoHeavierAfterStatement:
    def notified_and_argued(self, kit):
        case = propose(kit, filed(kit), fine="3000.00")
        case = approve_and_notify(case, kit, served_on="2025-06-20")
        return ev(
            case, kit.world.officer_a, "record_statement", content="当事人称已回填。", stated_on="2025-06-23"
        )

    def test_a_heavier_revision_without_new_evidence_is_refused(self, kit) -> None:
        case = self.notified_and_argued(kit)
        with pytest.raises(RuleViolation) as exc:
            propose(kit, case, fine="3000.01", revision_reason="当事人态度不好")
        assert exc.value.code == "heavier_revision_without_new_evidence"
        assert "第四十五条" in str(exc.value.message)
        # a lighter kind replacing the fine is not heavier
        case = propose(kit, case, measures=("warning",), revision_reason="采纳陈述意见")
        assert case.state == State.PROPOSED and not case.legal_review_required

    def test_with_new_evidence_it_goes_to_legal_review_and_a_new_notice(self, kit) -> None:
        from zhifa.enforcement.evidence.factories import jpeg_bytes, make_evidence

        case = self.notified_and_argued(kit)
        photo = make_evidence(
            actor=kit.world.officer_a, agency=kit.agency, data=jpeg_bytes("new"), kind="photo", case=case
        )
        case = propose(
            kit, case, fine="4000.00", revision_reason="复测发现挖掘面积更大", new_evidence_ids=[photo.pk]
        )
        assert case.state == State.PROPOSED
        assert case.legal_review_required and "heavier_revision" in case.legal_review_grounds
        with pytest.raises(RuleViolation):
            ev(case, kit.world.officer_a, "notify", served_on="2025-06-30")


class TestDeliberation:
    def test_the_serious_case_list_requires_deliberation(self, kit) -> None:
        case = propose(kit, filed(kit, party=person("19800101")), fine="10000.00", tier_name="严重")
        assert case.deliberation_required and case.deliberation_grounds == ["large_fine"]
        case = propose(kit, filed(kit, party=person("19800101")), fine="9999.99", tier_name="一般")
        assert not case.deliberation_required
        case = propose(kit, filed(kit), measures=("revocation",))
        assert case.deliberation_grounds == ["revocation"]

    def test_a_hearing_requires_deliberation_before_the_decision(self, kit) -> None:
        from zhifa.enforcement.cases.factories import CHECKLIST_OK
        from zhifa.enforcement.cases.tests import builders

        case = builders.hearing_requested(kit)
        case = ev(
            case,
            kit.world.approver_a,
            "hold_hearing",
            presided_by=kit.presider.pk,
            notice_served_on="2025-05-09",
            held_on="2025-05-20",
            record="听证笔录",
            record_signed=True,
        )
        assert case.deliberation_required and "hearing_held" in case.deliberation_grounds
        case = ev(case, kit.world.officer_a, "request_legal_review")
        case = ev(
            case,
            kit.world.reviewer_a,
            "approve_legal_review",
            opinion="同意",
            checklist=CHECKLIST_OK,
            reviewed_on="2025-05-22",
        )
        with pytest.raises(RuleViolation) as exc:
            ev(case, kit.world.approver_a, "decide", decided_on="2025-05-28")
        assert exc.value.code == "deliberation_missing" and "第六十五条" in str(exc.value.message)


class TestExtensions:
    RULE = "部门规章：经负责人批准可延长三十日"

    def test_capped_then_deliberated_then_no_more(self, kit) -> None:
        case = filed(kit)
        a = kit.world.approver_a
        with pytest.raises(RuleViolation) as exc:
            ev(case, a, "extend_deadline", days=31, reason="鉴定", rule=self.RULE, approved_on="2025-06-02")
        assert exc.value.code == "extension_over_cap" and "第六十条" in str(exc.value.message)
        case = ev(
            case, a, "extend_deadline", days=30, reason="鉴定", rule=self.RULE, approved_on="2025-06-02"
        )
        with pytest.raises(RuleViolation) as exc:
            ev(case, a, "extend_deadline", days=10, reason="再鉴定", rule=self.RULE, approved_on="2025-06-03")
        assert exc.value.code == "extension_needs_deliberation"
        case = ev(
            case,
            a,
            "extend_deadline",
            days=10,
            reason="再鉴定",
            rule=self.RULE,
            approved_on="2025-06-03",
            deliberated_on="2025-06-03",
            deliberation_minutes="负责人集体讨论同意继续延期十日。",
        )
        assert [e["days"] for e in case.extensions] == [30, 10] and case.extension_days == 40
        with pytest.raises(RuleViolation) as exc:
            ev(
                case,
                a,
                "extend_deadline",
                days=1,
                reason="又延",
                rule=self.RULE,
                approved_on="2025-06-04",
                deliberated_on="2025-06-04",
                deliberation_minutes="讨论",
            )
        assert exc.value.code == "extension_limit_reached"


class TestBackdatedDiscovery:
    def test_source_record_required_and_supervisors_alerted(
        self, kit, django_capture_on_commit_callbacks
    ) -> None:
        # today Monday 30 June; five working days before: 23 June → 23 June needs nothing, 20 June does
        assert not register(
            kit, occurred_on="2025-06-01", discovered_on="2025-06-23", discovery_record=""
        ).discovery_backdated
        with pytest.raises(RuleViolation) as exc:
            register(kit, occurred_on="2025-06-01", discovered_on="2025-06-20", discovery_record="")
        assert exc.value.code == "discovery_source_required" and "第三十六条" in str(exc.value.message)
        with django_capture_on_commit_callbacks(execute=True):
            case = register(
                kit,
                occurred_on="2025-06-01",
                discovered_on="2025-06-20",
                discovery_record="巡查日志 2025-06-20 第3页",
            )
        assert case.discovery_backdated
        alert = Alert.objects.get(key=f"case:{case.pk}:discovery_backdated")
        assert alert.agency_id == kit.agency.pk and "第三十六条" in alert.article


def test_registration_page_takes_the_birth_date_and_the_source_record(kit, client) -> None:
    client.force_login(kit.world.officer_a)
    page = client.get("/cases/new/").content.decode()
    assert 'name="party_birth_date"' in page and 'name="discovery_record"' in page
    post = {
        "procedure": "ordinary",
        "agency_id": kit.agency.pk,
        "source": "patrol",
        "party_kind": "person",
        "party_name": "JOHN DOE",
        "party_id_type": "other",
        "party_id_number": "E12345678",
        "party_birth_date": "2010-03-01",
        "facts": "占道经营。",
        "occurred_on": "2025-06-10",
        "discovered_on": "2025-06-10",
        "power_item_id": kit.item.pk,
    }
    refused = client.post("/cases/new/", post)
    assert refused.status_code in (400, 422) and "field-error" in refused.content.decode()
    assert client.post("/cases/new/", {**post, "discovery_record": "巡查记录 0610-3"}).status_code == 302
    case = Case.objects.get(party_name="JOHN DOE")
    assert case.party_birth_date == D(2010, 3, 1) and case.discovery_backdated
