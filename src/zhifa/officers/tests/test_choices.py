"""officers.selectors.officer_choices: the pickers of the case, on-the-spot and seizure forms."""

import pytest

from zhifa.officers.factories import make_officer
from zhifa.officers.selectors import OfficerChoice, officer_choices
from zhifa.officers.services import officer_update

pytestmark = pytest.mark.django_db


def test_the_agencys_active_officers_by_name(world):
    # (created out of order; names whose order no database collation disputes)
    wang = make_officer(agency=world.agency_a, name="C王五")
    li = make_officer(agency=world.agency_a, name="B李四")
    zhang = make_officer(agency=world.agency_a, name="A张三")
    gone = make_officer(agency=world.agency_a, name="赵六")
    officer_update(actor=None, officer_id=gone.pk, data={"is_active": False})
    make_officer(agency=world.agency_b, name="钱七")

    mine = [c for c in officer_choices(world.agency_a.pk) if c.id in {wang.pk, li.pk, zhang.pk, gone.pk}]
    assert mine == [
        OfficerChoice(zhang.pk, "A张三"),
        OfficerChoice(li.pk, "B李四"),
        OfficerChoice(wang.pk, "C王五"),
    ]
    assert all(isinstance(c, OfficerChoice) for c in mine)
    assert "钱七" not in {c.name for c in officer_choices(world.agency_a.pk)}

    without_li = officer_choices(world.agency_a.pk, excluding=li.pk)
    assert li.pk not in {c.id for c in without_li}
    assert {wang.pk, zhang.pk} <= {c.id for c in without_li}


def test_credentials_in_force_are_what_the_public_may_see(world) -> None:
    import datetime as dt

    from django.utils import timezone

    from zhifa.officers.factories import make_credentialed_officer
    from zhifa.officers.selectors import CredentialInForce, credentials_in_force
    from zhifa.officers.services import credential_suspend

    holder = make_credentialed_officer(agency=world.agency_a, unit=world.squad_a1, name="D持证")
    suspended = make_credentialed_officer(agency=world.agency_a, name="E暂扣")
    credential_suspend(actor=None, credential_id=suspended.credentials.get().pk, reason="调查期间")
    retired = make_credentialed_officer(agency=world.agency_a, name="F离岗")
    officer_update(actor=None, officer_id=retired.pk, data={"is_active": False})
    make_credentialed_officer(agency=world.agency_b, name="G他局")
    make_officer(agency=world.agency_a, name="H无证")

    today = timezone.localdate()
    rows = credentials_in_force(agency_id=world.agency_a.pk, on=today)
    card = holder.credentials.get()
    assert rows == [
        CredentialInForce("D持证", world.squad_a1.name, card.number, list(card.areas), card.expires_on)
    ]
    assert credentials_in_force(agency_id=world.agency_a.pk, on=card.expires_on + dt.timedelta(days=1)) == []
