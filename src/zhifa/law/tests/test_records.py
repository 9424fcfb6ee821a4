import pytest

from zhifa.core.errors import RuleViolation
from zhifa.law import records
from zhifa.law.records import missing_documents, required_documents
from zhifa.law.services import jurisdiction_setting_set

ORDINARY_PATH = [
    "register",
    "file",
    "submit_proposal",
    "approve_decision",
    "notify",
    "decide",
    "serve",
    "record_payment",
    "report_closing",
    "close",
]


class TestRequiredDocuments:
    def test_ordinary_path_requires_the_standard_set(self) -> None:
        codes = [r.code for r in required_documents(ORDINARY_PATH)]
        assert codes == [
            "filing_approval",
            "inspection_record",
            "decision_approval",
            "prior_notice",
            "decision",
            "proof_of_service",
            "closing_report",
            "closing_approval",
        ]

    def test_either_investigation_record_satisfies_the_requirement(self) -> None:
        required = required_documents(ORDINARY_PATH)
        present = [
            "filing_approval",
            "inquiry_record",
            "decision_approval",
            "prior_notice",
            "decision",
            "proof_of_service",
            "closing_report",
        ]
        assert missing_documents(required, present) == ["closing_approval"]

    def test_a_hearing_adds_notice_and_record(self) -> None:
        path = [*ORDINARY_PATH[:5], "request_hearing", "hold_hearing", *ORDINARY_PATH[5:]]
        codes = [r.code for r in required_documents(path, hearing_eligible=True)]
        assert "hearing_notice" in codes and "hearing_record" in codes

    def test_legal_review_and_deliberation_add_their_documents(self) -> None:
        path = [
            "file",
            "submit_proposal",
            "request_legal_review",
            "approve_legal_review",
            "record_deliberation",
            "notify",
            "decide",
        ]
        codes = [r.code for r in required_documents(path)]
        assert "legal_review_opinion" in codes and "deliberation_record" in codes

    def test_court_enforcement_requires_the_reminder(self) -> None:
        codes = [r.code for r in required_documents([*ORDINARY_PATH, "apply_court_enforcement"])]
        assert "reminder" in codes

    def test_simple_procedure_requires_only_the_decision_and_closing_documents(self) -> None:
        path = ["register", "decide_on_spot", "serve", "record_payment", "report_closing", "close"]
        codes = [r.code for r in required_documents(path, procedure="simple")]
        assert codes == ["decision", "proof_of_service", "closing_report", "closing_approval"]

    def test_every_requirement_names_its_article(self) -> None:
        for r in required_documents([*ORDINARY_PATH, "hold_hearing", "apply_court_enforcement"]):
            assert r.article.startswith(("行政处罚法", "行政强制法"))


@pytest.mark.django_db
class TestMandatoryAv:
    def test_national_default_lists_sealing_seizure_and_demolition(self) -> None:
        actions = records.mandatory_av_actions()
        assert {"sealing", "seizure", "forced_demolition"} <= actions
        assert "inspection" not in actions

    def test_a_city_can_add_on_site_inspection(self, world) -> None:
        jurisdiction_setting_set(
            actor=world.admin,
            node=world.city,
            key="records.mandatory_av_actions",
            value="sealing,seizure,detention,forced_demolition,inspection",
            document="测试市规定",
        )
        assert records.av_required("inspection", agency=world.agency_a)
        assert not records.av_required("inspection")

    def test_unknown_codes_in_the_setting_are_ignored(self) -> None:
        assert records.parse_action_list("seizure, nonsense ,") == frozenset({"seizure"})


class TestDestructionGates:
    D = __import__("datetime").date

    def test_without_a_retention_period_nothing_is_destroyed(self) -> None:
        with pytest.raises(RuleViolation) as exc:
            records.check_destruction(
                retention_until=None, today=self.D(2030, 1, 1), case_archived=True, reason="x"
            )
        assert exc.value.code == "retention_not_set"

    def test_on_the_last_day_of_retention_it_is_still_kept(self) -> None:
        with pytest.raises(RuleViolation):
            records.check_destruction(
                retention_until=self.D(2030, 1, 1), today=self.D(2030, 1, 1), case_archived=True, reason="x"
            )
        records.check_destruction(
            retention_until=self.D(2030, 1, 1),
            today=self.D(2030, 1, 2),
            case_archived=True,
            reason="鉴定无保存价值",
        )

    def test_evidence_of_an_open_case_is_never_destroyed(self) -> None:
        with pytest.raises(RuleViolation) as exc:
            records.check_destruction(
                retention_until=self.D(2020, 1, 1), today=self.D(2030, 1, 2), case_archived=False, reason="x"
            )
        assert exc.value.code == "case_not_archived"

    def test_an_appraisal_reason_is_required(self) -> None:
        with pytest.raises(RuleViolation):
            records.check_destruction(
                retention_until=self.D(2020, 1, 1), today=self.D(2030, 1, 2), case_archived=None, reason=" "
            )
