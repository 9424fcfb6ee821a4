"""Every workflow's drawing in docs/ is the one its table gives today."""

import pytest

from zhifa.core.workflow_doc import workflow_docs


def test_the_domains_register_their_drawings() -> None:
    assert {"docs/workflow.md", "docs/workflow-complaints.md"} <= set(workflow_docs())


@pytest.mark.parametrize("path", sorted(workflow_docs()))
def test_each_drawing_in_docs_is_current(path: str) -> None:
    doc = workflow_docs()[path]
    assert doc.file().exists(), f"{path} is missing: run manage.py workflow_docs"
    assert doc.file().read_text(encoding="utf-8") == doc.render(), (
        f"{path} is stale: run manage.py workflow_docs"
    )


def test_a_stale_drawing_is_caught(tmp_path, settings) -> None:  # type: ignore[no-untyped-def]
    settings.BASE_DIR = tmp_path
    doc = workflow_docs()["docs/workflow-complaints.md"]
    doc.file().parent.mkdir(parents=True)
    doc.file().write_text(doc.render().replace("accepted --> concluded: reply", "accepted --> concluded"))
    assert not doc.is_current()
    doc.file().write_text(doc.render(), encoding="utf-8")
    assert doc.is_current()
