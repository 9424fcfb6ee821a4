import datetime as dt

import pytest
from django.utils import timezone

from zhifa.core.errors import Conflict, Forbidden, RuleViolation
from zhifa.enforcement.evidence import services
from zhifa.enforcement.evidence.factories import jpeg_bytes, make_evidence, mp4_bytes
from zhifa.enforcement.evidence.models import Destruction
from zhifa.foundation.alerts.models import Alert
from zhifa.law.services import jurisdiction_setting_set

pytestmark = pytest.mark.django_db


# A forced demolition is enforcement: never at night or on a day off (行政强制法第四十三条), so it is
# dated on a plain working morning instead of "an hour ago", which may be a Sunday night.
WORKING_MORNING = dt.datetime(2025, 6, 4, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def _action(world, kind: str = "seizure"):
    return services.site_action_record(
        actor=world.officer_a,
        agency=world.agency_a,
        kind=kind,
        occurred_at=WORKING_MORNING
        if kind == "forced_demolition"
        else timezone.now() - dt.timedelta(hours=1),
        location="人民路",
    )


def test_a_forced_demolition_at_night_needs_a_recorded_emergency(world) -> None:
    night = dt.datetime(2025, 6, 4, 22, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    with pytest.raises(RuleViolation) as exc:
        services.site_action_record(
            actor=world.officer_a, agency=world.agency_a, kind="forced_demolition", occurred_at=night
        )
    assert "行政强制法第四十三条" in str(exc.value.message)
    action = services.site_action_record(
        actor=world.officer_a,
        agency=world.agency_a,
        kind="forced_demolition",
        occurred_at=night,
        emergency_reason="危房随时可能倒塌，危及行人安全",
    )
    assert "紧急情况" in action.description


def test_a_seizure_without_video_is_flagged_and_alerted(world) -> None:
    action = _action(world)
    assert action.av_required and services.av_missing(action)
    assert "国办发〔2018〕118号" in action.av_rule and "national" in action.av_rule
    alert = Alert.objects.get(kind="av_record_missing")
    assert alert.agency_id == world.agency_a.pk and alert.resolved_at is None


def test_attaching_a_video_clears_the_flag_but_a_photo_does_not(world) -> None:
    action = _action(world)
    make_evidence(actor=world.officer_a, agency=world.agency_a, data=jpeg_bytes(), action_id=action.pk)
    assert services.av_missing(action)
    make_evidence(actor=world.officer_a, agency=world.agency_a, data=mp4_bytes(), action_id=action.pk)
    assert not services.av_missing(action)
    assert Alert.objects.get(kind="av_record_missing").resolved_at is not None


def test_a_video_uploaded_first_can_be_linked_afterwards_once(world) -> None:
    video = make_evidence(actor=world.officer_a, agency=world.agency_a, data=mp4_bytes(seed=3))
    action = _action(world, "forced_demolition")
    services.evidence_attach_to_action(actor=world.officer_a, evidence=video, action=action)
    assert not services.av_missing(action)
    with pytest.raises(Conflict):
        services.evidence_attach_to_action(actor=world.officer_a, evidence=video, action=_action(world))


def test_an_inspection_needs_no_video_unless_the_city_says_so(world) -> None:
    assert not _action(world, "inspection").av_required
    jurisdiction_setting_set(
        actor=world.admin,
        node=world.city,
        key="records.mandatory_av_actions",
        value="sealing,seizure,inspection",
        document="测试市全过程记录办法",
    )
    action = _action(world, "inspection")
    assert action.av_required and world.city.name in action.av_rule


def test_actions_in_the_future_are_refused(world) -> None:
    from zhifa.core.errors import InvalidInput

    with pytest.raises(InvalidInput):
        services.site_action_record(
            actor=world.officer_a,
            agency=world.agency_a,
            kind="seizure",
            occurred_at=timezone.now() + dt.timedelta(days=1),
        )


class TestRetentionAndDestruction:
    def _evidence(self, world):
        return make_evidence(actor=world.officer_a, agency=world.agency_a, data=jpeg_bytes(seed=77))

    def test_only_approvers_set_retention_and_never_shorten_it(self, world) -> None:
        ev = self._evidence(world)
        with pytest.raises(Forbidden):
            services.evidence_set_retention(
                actor=world.officer_a, evidence=ev, keep_until=dt.date(2040, 1, 1), basis="x"
            )
        services.evidence_set_retention(
            actor=world.approver_a, evidence=ev, keep_until=dt.date(2040, 1, 1), basis="档案保管期限表：30年"
        )
        with pytest.raises(Conflict):
            services.evidence_set_retention(
                actor=world.approver_a, evidence=ev, keep_until=dt.date(2030, 1, 1), basis="x"
            )

    def test_destruction_before_retention_expires_is_refused(self, world) -> None:
        ev = self._evidence(world)
        services.evidence_set_retention(
            actor=world.approver_a, evidence=ev, keep_until=dt.date(2040, 1, 1), basis="x"
        )
        with pytest.raises(RuleViolation) as exc:
            services.evidence_destruction_request(actor=world.officer_a, evidence=ev, reason="鉴定无保存价值")
        assert "档案法实施条例第二十四条" in str(exc.value.message)

    def test_destruction_needs_a_second_person_and_removes_the_content(self, world, evidence_root) -> None:
        ev = self._evidence(world)
        services.evidence_set_retention(
            actor=world.approver_a, evidence=ev, keep_until=dt.date(2020, 1, 1), basis="x"
        )
        request = services.evidence_destruction_request(
            actor=world.approver_a, evidence=ev, reason="鉴定无保存价值"
        )
        with pytest.raises(Forbidden):
            services.evidence_destruction_decide(
                actor=world.approver_a, destruction_id=request.pk, approve=True
            )
        with pytest.raises(Forbidden):
            services.evidence_destruction_decide(
                actor=world.officer_a, destruction_id=request.pk, approve=True
            )
        from zhifa.org.factories import make_user
        from zhifa.org.roles import Role

        head = make_user("head_a", node=world.agency_a, roles=[(Role.APPROVER, world.agency_a)])
        from django.test import TestCase

        with TestCase.captureOnCommitCallbacks(execute=True):
            decided = services.evidence_destruction_decide(
                actor=head, destruction_id=request.pk, approve=True
            )
        assert decided.state == Destruction.State.APPROVED and decided.content_removed
        ev.refresh_from_db()
        assert ev.destroyed_at is not None and ev.blob.destroyed_at is not None
        assert not any((evidence_root / "sha256").rglob(ev.blob.sha256))

    def test_content_shared_with_other_evidence_survives_destruction(self, world) -> None:
        ev = self._evidence(world)
        make_evidence(
            actor=world.officer_a, agency=world.agency_a, data=jpeg_bytes(seed=77), description="copy"
        )
        services.evidence_set_retention(
            actor=world.approver_a, evidence=ev, keep_until=dt.date(2020, 1, 1), basis="x"
        )
        request = services.evidence_destruction_request(
            actor=world.officer_a, evidence=ev, reason="鉴定无保存价值"
        )
        decided = services.evidence_destruction_decide(
            actor=world.approver_a, destruction_id=request.pk, approve=True
        )
        assert not decided.content_removed
        ev.blob.refresh_from_db()
        assert ev.blob.destroyed_at is None


def test_the_action_list_shows_which_lack_video_in_constant_queries(
    client, world, api_token, django_assert_max_num_queries
) -> None:
    headers = api_token(world.officer_a)
    first = _action(world)
    client.get("/api/v1/evidence/site-actions", **headers)
    with django_assert_max_num_queries(12) as few:
        body = client.get("/api/v1/evidence/site-actions", **headers).json()
    assert body["results"][0]["av_missing"] is True
    make_evidence(actor=world.officer_a, agency=world.agency_a, data=mp4_bytes(seed=8), action_id=first.pk)
    for _ in range(4):
        _action(world)
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = client.get("/api/v1/evidence/site-actions", **headers).json()
    assert body["count"] == 5
    assert [r["av_missing"] for r in body["results"] if r["id"] == first.pk] == [False]


def test_a_cases_actions_for_its_dossier_flag_missing_video_as_av_missing_does(
    world, django_assert_num_queries
) -> None:
    from zhifa.enforcement.cases.factories import build_case_kit, register
    from zhifa.enforcement.evidence.selectors import site_actions_of_case

    case = register(build_case_kit(world))

    def action(kind: str, hours_ago: int):
        return services.site_action_record(
            actor=world.officer_a,
            agency=world.agency_a,
            kind=kind,
            occurred_at=timezone.now() - dt.timedelta(hours=hours_ago),
            case=case,
        )

    bare, photo_only, filmed, looked = (
        action("seizure", 4),
        action("seizure", 3),
        action("seizure", 2),
        action("inspection", 1),
    )
    make_evidence(
        actor=world.officer_a, agency=world.agency_a, data=jpeg_bytes(seed=7), action_id=photo_only.pk
    )
    make_evidence(actor=world.officer_a, agency=world.agency_a, data=mp4_bytes(seed=7), action_id=filmed.pk)
    _action(world)  # another action, of no case

    with django_assert_num_queries(1):
        actions = site_actions_of_case(case_id=case.pk)
    assert [a.pk for a in actions] == [bare.pk, photo_only.pk, filmed.pk, looked.pk]  # oldest first
    assert (
        [a.missing for a in actions]
        == [services.av_missing(a) for a in actions]
        == [True, True, False, False]
    )
