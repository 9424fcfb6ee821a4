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
