"""Versioning of power items through the services: drafts, publishing, history, permissions."""

import pytest
from django.db import IntegrityError, transaction

from zhifa.audit.models import AuditEntry
from zhifa.core.errors import Conflict, Forbidden, InvalidInput
from zhifa.org.factories import make_user
from zhifa.org.roles import Role
from zhifa.powers.content import content_of
from zhifa.powers.factories import content, make_item, tier
from zhifa.powers.models import PowerItemVersion
from zhifa.powers.services import (
    power_item_create,
    power_item_discard_draft,
    power_item_publish,
    power_item_save_draft,
    power_item_set_status,
)

pytestmark = pytest.mark.django_db


def test_the_published_version_stays_unchanged_while_its_draft_is_edited(world) -> None:
    item = make_item(
        "V-1", agency=world.agency_a, name="原名称", fine_max=1000, tiers=(tier("轻微", None, 500),)
    )
    live = item.published_version
    before = content_of(live)
    draft = power_item_save_draft(
        actor=world.admin, item_id=item.id, content=content(name="新名称", fine_max=2000), change_note="调整"
    )
    power_item_save_draft(actor=world.admin, item_id=item.id, content=content(name="再改", fine_max=3000))
    live.refresh_from_db()
    item.refresh_from_db()
    assert content_of(live) == before and live.status == "published"
    assert item.published_version_id == live.id
    assert item.versions.filter(status="draft").get().id == draft.id  # one draft, edited in place
    power_item_publish(actor=world.admin, item_id=item.id)
    item.refresh_from_db()
    live.refresh_from_db()
    assert item.published_version.name == "再改" and item.published_version.number == 2
    assert live.status == "superseded" and content_of(live) == before  # kept as it was
    actions = list(
        AuditEntry.objects.filter(object_type="powers.poweritem", object_id=str(item.id))
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == [
        "powers.item_create",
        "powers.publish",
        "powers.draft_save",
        "powers.draft_save",
        "powers.publish",
    ]


def test_publishing_without_a_draft_and_discarding_the_only_version_are_refused(world) -> None:
    item = make_item("V-2")
    with pytest.raises(Conflict):
        power_item_publish(actor=world.admin, item_id=item.id)
    first = make_item("V-3", publish=False)
    with pytest.raises(Conflict) as exc:
        power_item_discard_draft(actor=world.admin, item_id=first.id)
    assert exc.value.code == "only_version"
    power_item_save_draft(actor=world.admin, item_id=item.id, content=content(name="草稿"))
    power_item_discard_draft(actor=world.admin, item_id=item.id)
    assert item.versions.count() == 1


def test_a_withdrawn_item_cannot_be_published(world) -> None:
    item = make_item("V-4")
    power_item_save_draft(actor=world.admin, item_id=item.id, content=content(name="草稿"))
    power_item_set_status(actor=world.admin, item_id=item.id, status="withdrawn")
    with pytest.raises(Conflict):
        power_item_publish(actor=world.admin, item_id=item.id)


def test_only_administrators_in_scope_maintain_an_item(world) -> None:
    item = make_item("V-5", agency=world.agency_a)
    with pytest.raises(Forbidden):
        power_item_save_draft(actor=world.officer_a, item_id=item.id, content=content())
    admin_b = make_user("admin_b", node=world.agency_b, roles=[(Role.ADMIN, world.agency_b)])
    with pytest.raises(Forbidden):
        power_item_save_draft(actor=admin_b, item_id=item.id, content=content())
    with pytest.raises(Forbidden):
        power_item_create(actor=admin_b, code="V-6", content=content(), agency=world.agency_a)
    power_item_create(actor=admin_b, code="V-7", content=content(), agency=world.agency_b)
    assert item.versions.count() == 1


def test_invalid_content_and_codes_are_refused_and_nothing_is_written(world) -> None:
    with pytest.raises(InvalidInput) as exc:
        power_item_create(actor=world.admin, code="bad code!", content=content())
    assert exc.value.code == "invalid_code"
    with pytest.raises(InvalidInput) as exc:
        power_item_create(
            actor=world.admin,
            code="V-8",
            content=content(fine_min=100, fine_max=1000, tiers=(tier("严重", 500, 5000),)),
        )
    assert "行政处罚法第三十四条" in str(exc.value.message)
    make_item("V-9")
    with pytest.raises(Conflict):
        make_item("V-9")
    assert not PowerItemVersion.objects.filter(item__code__in=["V-8", "bad code!"]).exists()


def test_the_database_keeps_one_draft_and_one_published_version_per_item(world) -> None:
    item = make_item("V-10")
    power_item_save_draft(actor=world.admin, item_id=item.id, content=content(name="草稿"))
    draft = item.versions.get(status="draft")
    with pytest.raises(IntegrityError), transaction.atomic():
        PowerItemVersion.objects.create(
            item=item,
            number=9,
            status="draft",
            name="x",
            category="penalty",
            party_type="any",
            created_at=draft.created_at,
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        PowerItemVersion.objects.filter(id=draft.id).update(status="published")
