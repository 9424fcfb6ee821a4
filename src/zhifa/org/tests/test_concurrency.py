"""Two administrators creating an account with the same username at the same moment: one account, and
the other a refusal naming the field — also when the first commits while the second is between its
check and its insert (never a 500)."""

import pytest

from zhifa.core.errors import InvalidInput
from zhifa.core.tests.interleave import second_checks_then_first_commits
from zhifa.org.models import User
from zhifa.org.services import user_create_by_admin


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_account_committed_while_another_is_between_its_check_and_insert(world, monkeypatch) -> None:
    refusals: list[InvalidInput] = []

    def create() -> None:
        try:
            user_create_by_admin(
                actor=world.admin,
                username="race_user",
                password="Zhifa-race-2026!",
                full_name="并发账号",
                node=world.squad_a1,
            )
        except InvalidInput as exc:
            refusals.append(exc)
            raise

    outcomes = second_checks_then_first_commits(monkeypatch, hold=(User, "full_clean"), act=create)
    assert outcomes == {"first": "done", "second": "InvalidInput"}
    assert [r.detail for r in refusals] == [{"field": "username"}]
    assert User.objects.filter(username="race_user").count() == 1
