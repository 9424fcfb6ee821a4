"""The standard set of 文书: what each is called, how it is numbered, where it goes in the dossier, which
workflow event produces it and which event serves (delivers) it.

The document codes are the ones law.records.required_documents names. `number_word` forms the document
number `{agency abbreviation}{word}〔{year}〕{seq}号` (core.numbering), one sequence per agency, word and
year. The decision keeps the decision number the case workflow issued.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

WENSHU_DIR = Path(__file__).resolve().parent / "wenshu"


RECORD_CODES = frozenset({"inspection_record", "inquiry_record"})


@dataclass(frozen=True)
class Kind:
    code: str
    title: str
    number_word: str
    dossier_order: int
    single: bool = True  # one current document per case (else one per occasion: records, receipts)
    generated_by: tuple[str, ...] = ()  # case events that generate it
    served_by: tuple[str, ...] = ()  # case events that deliver it to the party (it is then frozen)
    needs_input: bool = False  # an officer fills in fields (笔录)
    to_party: bool = False  # addressed to the party, so it can be served (送达); internal forms cannot

    @property
    def servable(self) -> bool:
        return self.to_party or bool(self.served_by)

    @property
    @property
    def is_record(self) -> bool:
        """A 笔录 of the investigation (行政处罚法第五十五条): evidence a document may cite."""
        return self.code in RECORD_CODES

    @property
    def builtin_path(self) -> Path:
        return WENSHU_DIR / f"{self.code}.html"


KINDS: tuple[Kind, ...] = (
    Kind("dossier_index", "卷内目录", "目", 0, generated_by=("archive",)),
    Kind("filing_approval", "立案审批表", "立", 10, generated_by=("file",)),
    Kind("inspection_record", "现场检查（勘验）笔录", "检", 20, single=False, needs_input=True),
    Kind("inquiry_record", "询问笔录", "询", 21, single=False, needs_input=True),
    Kind("preservation_notice", "先行登记保存通知书", "先保", 25, single=False, to_party=True),
    Kind("seizure_decision", "查封（扣押）决定书", "强", 26, single=False, to_party=True),
    Kind("seizure_extension", "延长查封（扣押）期限决定书", "强延", 27, single=False, to_party=True),
    Kind("seizure_disposition", "查封（扣押）处理决定书", "强处", 28, single=False, to_party=True),
    Kind("rectification_order", "责令改正通知书", "责改", 30, single=False, needs_input=True, to_party=True),
    Kind(
        "legal_review_opinion",
        "法制审核意见书",
        "法审",
        40,
        single=False,
        generated_by=("approve_legal_review", "return_legal_review"),
    ),
    Kind(
        "deliberation_record", "集体讨论记录", "集讨", 45, single=False, generated_by=("record_deliberation",)
    ),
    Kind(
        "decision_approval",
        "行政处罚决定审批表",
        "罚批",
        48,
        single=False,
        generated_by=("approve_decision",),
    ),
    Kind("prior_notice", "行政处罚事先告知书", "罚告", 50, generated_by=("notify",), served_by=("notify",)),
    Kind("hearing_notice", "听证告知书", "听告", 51, generated_by=("notify",), served_by=("notify",)),
    Kind("hearing_record", "听证笔录", "听录", 55, generated_by=("hold_hearing",)),
    # 行政处罚法第二十七条: addressed to the judicial organ, not the party (never served under 第六十一条);
    # it carries the number the transfer recorded.
    Kind(
        "judicial_transfer",
        "涉嫌犯罪案件移送书",
        "移",
        57,
        single=False,
        generated_by=("transfer_to_judicial",),
    ),
    Kind(
        "decision",
        "行政处罚决定书",
        "罚决",
        60,
        generated_by=("decide", "decide_on_spot"),
        served_by=("serve", "decide_on_spot"),
    ),
    Kind(
        "no_penalty_decision",
        "不予行政处罚决定书",
        "不罚",
        61,
        generated_by=("decide_no_penalty",),
        served_by=("decide_no_penalty",),
    ),
    Kind("proof_of_service", "送达回证", "送", 70, single=False, generated_by=("notify", "serve")),
    Kind("reminder", "催告书", "催", 80, single=False, to_party=True),
    Kind("closing_report", "结案报告", "结", 90, generated_by=("report_closing",)),
    Kind("closing_approval", "结案审批表", "结批", 91, generated_by=("close",)),
)

BY_CODE: dict[str, Kind] = {k.code: k for k in KINDS}


def kind(code: str) -> Kind:
    return BY_CODE[code]


def generated_by(event: str) -> list[Kind]:
    return [k for k in KINDS if event in k.generated_by]


def builtin_body(code: str) -> str:
    return kind(code).builtin_path.read_text(encoding="utf-8")
