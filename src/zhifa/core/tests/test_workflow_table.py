"""The table type refuses a malformed workflow when it is declared, not when an event is applied."""

import pytest

from zhifa.core.workflow import Table, Transition

ROLES = frozenset({"officer"})


def test_a_well_formed_table_gives_its_rows_by_event() -> None:
    table = Table(
        ["new", "done"],
        [Transition("finish", "Finish", frozenset({"new"}), "done", ROLES, targets=())],
    )
    t = table.get("finish")
    assert t is not None and table.events == ("finish",) and len(table) == 1
    assert t.possible_targets("new") == ("done",)
    assert table.get("explode") is None


def test_a_row_that_stays_or_chooses_its_target() -> None:
    stays = Transition("note", "Note", frozenset({"new"}), None, ROLES)
    chooses = Transition("split", "Split", frozenset({"new"}), None, ROLES, targets=("new", "done"))
    assert stays.possible_targets("new") == ("new",)
    assert chooses.possible_targets("new") == ("new", "done")


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            [
                Transition("finish", "Finish", frozenset({"new"}), "done", ROLES),
                Transition("finish", "Again", frozenset({"done"}), "new", ROLES),
            ],
            "declared twice",
        ),
        ([Transition("finish", "Finish", frozenset({"new"}), "gone", ROLES)], "unknown states ['gone']"),
        ([Transition("finish", "Finish", frozenset({"old"}), "done", ROLES)], "unknown states ['old']"),
        (
            [Transition("split", "Split", frozenset({"new"}), None, ROLES, targets=("done", "lost"))],
            "unknown states ['lost']",
        ),
    ],
)
def test_a_malformed_table_is_refused_at_declaration(rows: list[Transition], message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        Table(["new", "done"], rows)
