"""What the appeals app registers at start-up (AppConfig.ready())."""

from __future__ import annotations


def install() -> None:
    from zhifa.supervision.appeals import deadlines, indicators, panels
    from zhifa.supervision.appeals import handlers as _handlers  # noqa: F401 — the step handlers

    deadlines.register_kinds()
    indicators.register()
    panels.register()

    from zhifa.core.files.services import register_blob_reference
    from zhifa.supervision.appeals import selectors, wenshu
    from zhifa.supervision.appeals.workflow import APPEALS

    APPEALS.register_listener(wenshu.on_event)  # numbers the 文书 a step issues, in its transaction
    register_blob_reference("appeals_documents", wenshu.documents_use_blob)
    register_blob_reference("appeals_files", selectors.files_use_blob)

    from zhifa.core.workflow_doc import register_doc
    from zhifa.supervision.appeals import diagram

    register_doc("docs/workflow-appeals.md", diagram.render)

    from zhifa.core.demo import register_demo_step
    from zhifa.supervision.appeals.demo import seed_appeals

    register_demo_step(80, "appeals", seed_appeals)
