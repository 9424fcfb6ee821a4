from zhifa.enforcement.cases.diagram import render
from zhifa.enforcement.cases.management.commands.case_workflow_doc import default_path
from zhifa.enforcement.cases.workflow import TABLE


def test_docs_workflow_md_is_drawn_from_the_current_table() -> None:
    path = default_path()
    assert path.exists(), "run manage.py case_workflow_doc"
    assert path.read_text(encoding="utf-8") == render(), (
        "docs/workflow.md is stale: run manage.py case_workflow_doc"
    )


def test_every_event_appears_in_the_drawing() -> None:
    text = render()
    for t in TABLE:
        assert f"`{t.event}`" in text
    assert "notified --> decided: decide" in text
    assert "registered --> decided: decide_on_spot" in text
