"""Editing a rubric in a form: the items and points, the totals checked (each section's maximum
deductions add up to its points), saved as the next version so past scores keep their rubric."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from zhifa.core.errors import InvalidInput
from zhifa.enforcement.cases.factories import CaseKit
from zhifa.supervision.reviews.models import Rubric
from zhifa.supervision.reviews.services import campaign_draw, file_score, rubric_create, rubric_default
from zhifa.supervision.reviews.tests.builders import clean_case, make_campaign

pytestmark = pytest.mark.django_db


def _form(rubric: Rubric, **over: Any) -> dict[str, Any]:
    """The edit form as the page fills it for `rubric`, with `over` applied."""
    data: dict[str, Any] = {
        "name": rubric.name,
        "form_points": str(rubric.form_points),
        "substance_points": str(rubric.substance_points),
        "excellent_min": str(rubric.excellent_min),
        "pass_min": str(rubric.pass_min),
        "note": "",
    }
    items = list(rubric.items.all())
    for i, item in enumerate(items):
        data |= {
            f"code_{i}": item.code,
            f"section_{i}": item.section,
            f"text_{i}": item.text,
            f"max_{i}": str(item.max_deduction),
            f"basis_{i}": item.basis,
            f"check_{i}": item.auto_check,
        }
    data["rows"] = str(len(items) + 1)  # one empty row, as the page offers
    return data | over


def _row_of(rubric: Rubric, code: str) -> int:
    return [i.code for i in rubric.items.all()].index(code)


def test_the_bureau_edits_points_and_items_into_a_new_version(kit: CaseKit, login_as: Any) -> None:
    rubric = rubric_default()
    client = login_as(kit.world.supervisor)
    assert f'id="edit-{rubric.pk}"' in client.get("/reviews/rubrics/").content.decode()
    page = client.get(f"/reviews/rubrics/{rubric.pk}/edit/")
    assert page.status_code == 200 and 'name="code_0"' in page.content.decode()
    s01 = _row_of(rubric, "S01")
    first = next(i for i in rubric.items.all() if i.code == "S01")
    n = len(rubric.items.all())
    # Move 2 points from S01 to a new substance item: the totals still add up to 80.
    data = _form(
        rubric,
        note="新增执法全过程记录项",
        **{
            f"max_{s01}": str(first.max_deduction - 2),
            f"code_{n}": "S99",
            f"section_{n}": "substance",
            f"text_{n}": "执法全过程记录完整",
            f"max_{n}": "2",
            f"basis_{n}": "行政处罚法第四十七条",
        },
    )
    r = client.post(f"/reviews/rubrics/{rubric.pk}/edit/", data)
    assert r.status_code == 302, r.content.decode()[:2000]
    new = Rubric.objects.get(code=rubric.code, version=rubric.version + 1)
    assert new.note == "新增执法全过程记录项" and new.created_by == kit.world.supervisor
    items = {i.code: i for i in new.items.all()}
    assert items["S99"].max_deduction == Decimal(2) and items["S01"].max_deduction == first.max_deduction - 2
    assert Rubric.objects.get(pk=rubric.pk).items.count() == n  # the old version is untouched


def test_totals_that_do_not_add_up_are_refused_in_place(kit: CaseKit, login_as: Any) -> None:
    rubric = rubric_default()
    client = login_as(kit.world.supervisor)
    s01 = _row_of(rubric, "S01")
    before = Rubric.objects.count()
    r = client.post(f"/reviews/rubrics/{rubric.pk}/edit/", _form(rubric, **{f"max_{s01}": "99"}))
    body = r.content.decode()
    assert r.status_code == 400 and 'role="alert"' in body and "80" in body
    assert 'value="99"' in body  # what was typed stays in the form
    r = client.post(f"/reviews/rubrics/{rubric.pk}/edit/", _form(rubric, **{f"remove_{s01}": "on"}))
    assert r.status_code == 400  # removing S01 leaves the substance items short of 80
    r = client.post(f"/reviews/rubrics/{rubric.pk}/edit/", _form(rubric, form_points="30"))
    assert r.status_code == 400
    for bad in (
        {f"max_{s01}": "abc"},
        {f"section_{s01}": "bonus"},
        {f"check_{s01}": "no_such_check"},
        {"pass_min": "95"},  # above excellent
        {"name": ""},
        {"rows": "x"},  # no rows at all: a rubric needs items
        {f"code_{s01 + 1}": "S01"},  # the same code twice
    ):
        r = client.post(f"/reviews/rubrics/{rubric.pk}/edit/", _form(rubric, **bad))
        assert r.status_code == 400, bad
    assert Rubric.objects.count() == before


def test_only_the_bureau_edits(kit: CaseKit, login_as: Any) -> None:
    rubric = rubric_default()
    assert login_as(kit.world.approver_a).get(f"/reviews/rubrics/{rubric.pk}/edit/").status_code == 403
    r = login_as(kit.world.officer_b).post(f"/reviews/rubrics/{rubric.pk}/edit/", _form(rubric))
    assert r.status_code == 403
    assert login_as(kit.world.supervisor).get("/reviews/rubrics/999999/edit/").status_code == 404


def test_the_service_checks_the_totals_for_every_door() -> None:
    items = [
        {"code": "F1", "section": "form", "text": "卷面", "max_deduction": "20"},
        {"code": "S1", "section": "substance", "text": "内容", "max_deduction": "79.5"},
    ]
    with pytest.raises(InvalidInput) as exc:
        rubric_create(actor=None, data={"code": "t", "name": "t", "items": items})
    assert exc.value.code == "totals_do_not_add_up" and exc.value.detail["section"] == "substance"
    items[1]["max_deduction"] = "80"
    assert rubric_create(actor=None, data={"code": "t", "name": "t", "items": items}).version == 1


def test_past_scores_keep_their_rubric(kit: CaseKit, login_as: Any) -> None:
    w = kit.world
    clean_case(kit)
    rubric = rubric_default()
    campaign = campaign_draw(
        actor=w.supervisor, campaign_id=make_campaign(kit, sample_count=1).pk, seed="3c" * 32
    )
    f = campaign.files.get()
    file_score(actor=f.reviewer, file_id=f.pk, items=[], vetoes=[])
    s01 = _row_of(rubric, "S01")
    first = next(i for i in rubric.items.all() if i.code == "S01")
    n = len(rubric.items.all())
    r = login_as(w.supervisor).post(
        f"/reviews/rubrics/{rubric.pk}/edit/",
        _form(
            rubric,
            **{
                f"max_{s01}": str(first.max_deduction - 1),
                f"code_{n}": "S77",
                f"section_{n}": "substance",
                f"text_{n}": "新项",
                f"max_{n}": "1",
            },
        ),
    )
    assert r.status_code == 302
    campaign.refresh_from_db()
    assert campaign.rubric_id == rubric.pk and not campaign.rubric.items.filter(code="S77").exists()
    page = login_as(f.reviewer).get(f"/reviews/files/{f.pk}/").content.decode()
    assert "S77" not in page and "S01" in page
