"""文书 of issue 12: the 涉嫌犯罪案件移送书 produced by the transfer (行政处罚法第二十七条) and the guardian's
order on the no-penalty decision for a child (第三十条). Each read back from the rendered PDF."""

from __future__ import annotations

import re

import pytest

from zhifa.enforcement.cases.factories import add_investigation_record, ev, person_id, register
from zhifa.enforcement.cases.models import State
from zhifa.enforcement.cases.tests import builders
from zhifa.enforcement.documents import render_queue
from zhifa.enforcement.documents.models import Document
from zhifa.enforcement.documents.tests.helpers import pdf_text
from zhifa.law.capacity import guardian_order_sentence

pytestmark = pytest.mark.django_db


def _text(document: Document) -> str:
    document.refresh_from_db()
    if document.blob is None:
        document = render_queue.document_render(document_id=document.pk)
    return re.sub(r"\s+", "", pdf_text(document))


class TestTransferDocument:
    def test_the_transfer_renders_its_document_with_what_the_file_holds(self, kit) -> None:
        case = builders.ordinary(kit, State.INVESTIGATING)
        case = ev(
            case,
            kit.world.approver_a,
            "transfer_to_judicial",
            organ="测试市公安局",
            document_number="测城管移〔2025〕7号",
            suspicion="非法采挖的砂石数量达到刑事立案标准，涉嫌非法采矿罪",
        )
        docs = Document.objects.filter(case=case, code="judicial_transfer")
        assert docs.count() == 1
        document = docs.get()
        assert document.number == "测城管移〔2025〕7号" and document.title == "涉嫌犯罪案件移送书"
        text = _text(document)
        assert "涉嫌犯罪案件移送书" in text and "测试市公安局：" in text
        assert "涉嫌非法采矿罪" in text and "第二十七条第一款" in text
        assert case.party_name in text and case.facts.rstrip("。") in text
        # nothing is said that the file does not hold: no decision, no fine paid, so no credit sentence
        assert "折抵" not in text and "已缴纳罚款" not in text and "行政处罚决定（" not in text
        # an internal paper to the judicial organ, not a 文书 served on the party
        assert document.state == Document.State.DRAFT

    def test_a_decided_and_partly_paid_case_names_the_decision_and_the_credit(self, kit) -> None:
        case = builders.ordinary(kit, State.SERVED)
        case = ev(
            case,
            kit.world.officer_a,
            "record_payment",
            amount="100.00",
            channel="bank",
            receipt_no="BK-TR-1",
        )
        case = ev(
            case,
            kit.world.approver_a,
            "transfer_to_judicial",
            organ="测试市公安局",
            document_number="测城管移〔2025〕8号",
            suspicion="经复核涉案金额巨大，涉嫌犯罪",
        )
        text = _text(Document.objects.get(case=case, code="judicial_transfer"))
        assert case.decision_number in text
        assert "已缴纳罚款人民币壹佰元整（¥100.00）" in text and "第三十五条第二款" in text


class TestGuardianOrder:
    def test_the_no_penalty_decision_for_a_child_orders_the_guardian(self, kit) -> None:
        child = {"kind": "person", "name": "小明", "id_number": person_id(born="20110501")}
        case = register(kit, discovered_on="2025-05-05", occurred_on="2025-05-01", party=child)
        case = ev(
            case,
            kit.world.approver_a,
            "file",
            officer_ids=[kit.officer_a.pk, kit.officer_a2.pk],
            filed_on="2025-05-06",
        )
        add_investigation_record(case, kit.world.officer_a)  # the ground stands on the file (第五十七条)
        case = ev(
            case,
            kit.world.approver_a,
            "decide_no_penalty",
            ground="under_age",
            reason="当事人违法时未满十四周岁",
            guardian_order="责令其监护人加以管教，一个月内带当事人到社区接受法治教育",
            decided_on="2025-05-10",
        )
        text = _text(Document.objects.get(case=case, code="no_penalty_decision"))
        assert "根据《中华人民共和国行政处罚法》第三十条的规定，责令当事人的监护人加以管教。" in text
        assert "一个月内带当事人到社区接受法治教育" in text

    def test_other_grounds_print_no_order(self, kit) -> None:
        case = builders.ordinary(kit, State.INVESTIGATING)
        add_investigation_record(case, kit.world.officer_a)
        case = ev(
            case, kit.world.approver_a, "decide_no_penalty", ground="minor_corrected", reason="轻微并及时改正"
        )
        text = _text(Document.objects.get(case=case, code="no_penalty_decision"))
        assert "监护人" not in text


def test_the_statutory_order_is_not_printed_twice() -> None:
    plain = "根据《中华人民共和国行政处罚法》第三十条的规定，责令当事人的监护人加以管教。"
    assert guardian_order_sentence("under_age", "责令其监护人加以管教。") == plain
    assert guardian_order_sentence("under_age", "责令监护人加以管教") == plain
    assert guardian_order_sentence("under_age", "") == plain
    assert guardian_order_sentence("under_age", "每周报告").endswith("具体要求：每周报告。")
    assert "严加看管和治疗" in guardian_order_sentence("incapacity", "")
    assert guardian_order_sentence("first_offence", "x") == ""
