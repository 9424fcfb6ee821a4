"""Test and demo builders for cases, driving the real services. `CaseKit` adds to the org world what a
case needs (a published power item with tiers, credentialed officers linked to the personas, a
qualified legal reviewer, a hearing presider); `advance` walks a case through the workflow to a
given state with real-world dates, the way the pages and API do."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from zhifa.core.identity import resident_id_check_char, uscc_check_char
from zhifa.core.testlayers import Layer
from zhifa.enforcement.cases import hooks
from zhifa.enforcement.cases.models import Case, State
from zhifa.enforcement.cases.services import case_apply_event, case_register
from zhifa.law.penalty import LEGAL_REVIEW_CHECKLIST
from zhifa.officers.factories import make_credentialed_officer, make_officer
from zhifa.officers.models import Officer
from zhifa.org.factories import WORLD, OrgWorld
from zhifa.powers.factories import make_item, tier
from zhifa.powers.models import PowerItem

_serial = itertools.count(1)

CHECKLIST_OK = dict.fromkeys(LEGAL_REVIEW_CHECKLIST, True)


def person_id(n: int | None = None, *, born: str = "19850601") -> str:
    first17 = f"350902{born}{(n if n is not None else next(_serial)) % 1000:03d}"
    return first17 + resident_id_check_char(first17)


def organisation_id(n: int | None = None) -> str:
    first17 = f"91350900MA{(n if n is not None else next(_serial)) % 10_000_000:07d}"
    return first17 + uscc_check_char(first17)


@dataclass
class CaseKit:
    world: OrgWorld
    item: PowerItem
    officer_a: Officer
    officer_a2: Officer
    officer_a3: Officer
    reviewer: Officer
    presider: Officer
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def agency(self) -> Any:
        return self.world.agency_a


def build_case_kit(world: OrgWorld) -> CaseKit:
    item = make_item(
        "T-DL-001",
        agency=world.agency_a,
        name="未经批准挖掘城市道路",
        fine_max=20000,
        tiers=(tier("轻微", None, 5000), tier("一般", 5000, 10000), tier("严重", 10000, 20000)),
        violated_provision="《城市道路管理条例》第三十三条",
        penalty_provision="《城市道路管理条例》第四十二条",
    )
    return CaseKit(
        world=world,
        item=item,
        officer_a=make_credentialed_officer(agency=world.agency_a, unit=world.squad_a1, user=world.officer_a),
        officer_a2=make_credentialed_officer(
            agency=world.agency_a, unit=world.squad_a2, user=world.officer_a2
        ),
        officer_a3=make_credentialed_officer(agency=world.agency_a, unit=world.squad_a2, name="周九"),
        reviewer=make_officer(
            agency=world.agency_a, unit=world.legal_a, user=world.reviewer_a, has_legal_qualification=True
        ),
        presider=make_credentialed_officer(agency=world.agency_a, unit=world.legal_a, name="吴十"),
    )


def case_kit_layer(clock: dt.datetime) -> Layer:
    """The case kit on the org world as a layer of shared test data (zhifa.core.testdata), built with the
    clock stopped at `clock`: the moment the app's `frozen` fixture stops it at, as the kit was built when
    each test built it. The apps whose tests freeze the same moment share the same rows."""
    return Layer(
        f"case kit at {clock.isoformat()}", lambda below: build_case_kit(below[WORLD.key]), WORLD, clock
    )


def register_data(kit: CaseKit, **over: Any) -> dict[str, Any]:
    today = over.pop("today", None) or timezone.localdate()
    data: dict[str, Any] = {
        "procedure": "ordinary",
        "agency_id": kit.agency.pk,
        "source": "patrol",
        "party": {
            "kind": "organisation",
            "name": "海州市某某市政工程有限公司",
            "id_number": organisation_id(),
            "phone": "13800138000",
            "address": "海州市东城区建设路2号",
        },
        "facts": "未经批准擅自挖掘城市道路约20平方米。",
        "occurred_on": (today - dt.timedelta(days=3)).isoformat(),
        "location": "建设路与人民路交叉口",
        "power_item_id": kit.item.pk,
        "discovered_on": today.isoformat(),
        # tests date leads weeks back (paper first, entered later): the 补录 rule wants the source
        "discovery_record": "巡查记录 XC-0001",
    }
    data.update(over)
    return data


def register(kit: CaseKit, *, actor: Any = None, **over: Any) -> Case:
    return case_register(actor=actor or kit.world.officer_a, data=register_data(kit, **over))


def ev(case: Case, actor: Any, event: str, **data: Any) -> Case:
    return case_apply_event(case_id=case.pk, actor=actor, event=event, data=data)


def add_investigation_record(case: Case, actor: Any) -> None:
    """The officers' 现场检查笔录 (行政处罚法第五十五条), written through the documents app."""
    from zhifa.enforcement.documents.factories import add_investigation_record as add

    add(case, actor)


def add_signed_waiver(case: Case, actor: Any, *, description: str = "当事人签字的放弃陈述申辩权利书") -> int:
    """The party's signed written waiver, scanned into the file as evidence (行政处罚法第六十二条); a
    `waive_rights` event points at it. Returns the evidence id."""
    from zhifa.enforcement.evidence.factories import make_evidence, pdf_bytes

    ev = make_evidence(
        actor=actor,
        agency=case.agency,
        data=pdf_bytes(description),
        kind="document",
        name="waiver.pdf",
        case=case,
        description=description,
    )
    return int(ev.pk)


def waive(case: Case, actor: Any, *, rights: list[str], waived_on: str) -> Case:
    """Record the party's written waiver of exactly `rights`, with its signed document."""
    evidence_id = add_signed_waiver(case, actor)
    return ev(case, actor, "waive_rights", rights=rights, document=evidence_id, waived_on=waived_on)


def approve_and_notify(case: Case, kit: CaseKit, *, served_on: str, approved_on: str | None = None) -> Case:
    """The head approves the proposal (处罚决定审批表), then the officer serves the notice. A file
    without any evidence first gets the officers' inspection record (行政处罚法第四十条、第五十五条)."""
    if not hooks.file_items(case):
        add_investigation_record(case, kit.world.officer_a)
    case = ev(case, kit.world.approver_a, "approve_decision", approved_on=approved_on or served_on)
    return ev(case, kit.world.officer_a, "notify", served_on=served_on)


def close_case(case: Case, kit: CaseKit, *, closed_on: str, summary: str = "罚款已缴清，结案。") -> Case:
    """The officers' closing report (结案报告), then the head's approval (结案审批表)."""
    case = ev(case, kit.world.officer_a, "report_closing", summary=summary, written_on=closed_on)
    return ev(case, kit.world.approver_a, "close", closed_on=closed_on)


def day(start: dt.date, n: int) -> str:
    return (start + dt.timedelta(days=n)).isoformat()


ORDINARY_PATH = [
    State.REGISTERED,
    State.INVESTIGATING,
    State.PROPOSED,
    State.NOTIFIED,
    State.DECIDED,
    State.SERVED,
    State.EXECUTED,
    State.CLOSED,
    State.ARCHIVED,
]


def advance(kit: CaseKit, case: Case, target: str, *, start: dt.date, fine: str = "3000.00") -> Case:
    """Drive `case` from `registered` along the ordinary path to `target` (the party waives its rights
    so no window has to elapse). Acts are dated from `start` on, one day apart."""
    w = kit.world
    steps: list[tuple[str, Any, dict[str, Any]]] = [
        (
            "file",
            w.approver_a,
            {"officer_ids": [kit.officer_a.pk, kit.officer_a2.pk], "filed_on": day(start, 0)},
        ),
        (
            "submit_proposal",
            w.officer_a,
            {"tier": "轻微", "measures": ["fine"], "fine_amount": fine, "reasons": "挖掘面积较小，已回填。"},
        ),
        ("approve_decision", w.approver_a, {"approved_on": day(start, 1)}),
        ("notify", w.officer_a, {"served_on": day(start, 1)}),
        ("waive_rights", w.officer_a, {"waived_on": day(start, 2), "rights": ["statement"]}),
        ("decide", w.approver_a, {"decided_on": day(start, 2), "reasons": "事实清楚，证据确凿。"}),
        ("serve", w.officer_a, {"method": "direct", "served_on": day(start, 3), "receipt": "送达回证"}),
        (
            "record_payment",
            w.officer_a,
            {"amount": fine, "paid_on": day(start, 4), "channel": "bank", "receipt_no": f"NO.{case.pk:06d}"},
        ),
        ("report_closing", w.officer_a, {"summary": "罚款已缴清，结案。", "written_on": day(start, 5)}),
        ("close", w.approver_a, {"closed_on": day(start, 5)}),
        ("archive", w.officer_a, {"archived_on": day(start, 5)}),
    ]
    if case.state == target:
        return case
    for name, actor, data in steps:
        if name == "submit_proposal" and not hooks.file_items(case):
            # The investigation's record (行政处罚法第五十五条): no proposal, notice or decision rests on
            # an empty file (第四十条), and the dossier needs it at archiving.
            add_investigation_record(case, w.officer_a)
        payload = dict(data)
        if name == "waive_rights":
            payload["document"] = add_signed_waiver(case, w.officer_a)
        case = ev(case, actor, name, **payload)
        if case.state == target:
            return case
    raise AssertionError(f"did not reach {target}, stopped at {case.state}")
