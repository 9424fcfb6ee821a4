"""XLSX import of training and exam results: all rows or none, with row errors."""

import datetime as dt

import pytest
import time_machine

from zhifa.audit.models import AuditEntry
from zhifa.core.errors import InvalidInput
from zhifa.officers.factories import make_credential, make_officer
from zhifa.officers.imports import ImportRejected, import_exam_results, import_training, template_workbook
from zhifa.officers.models import ExamResult, ImportBatch, TrainingRecord
from zhifa.officers.services_training import exam_session_create

pytestmark = pytest.mark.django_db
D = dt.date
HEAD = ["执法证号", "身份证号", "姓名", "培训类型", "培训名称", "培训日期", "学时", "学法积分"]


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2025, 11, 20, 9, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def people(world):
    zhang = make_officer(agency=world.agency_a, name="张三")
    make_credential(zhang, number="IMP0001")
    li = make_officer(agency=world.agency_a, name="李四")
    make_credential(li, number="IMP0002")
    wang = make_officer(agency=world.agency_b, name="王五")
    make_credential(wang, number="IMP0003")
    return {"zhang": zhang, "li": li, "wang": wang}


def test_a_good_training_file_imports_every_row_with_one_audit_entry(world, people, xlsx) -> None:
    data = xlsx(
        [
            HEAD,
            ["IMP0001", "", "张三", "法律知识培训", "行政处罚法专题培训", "2025-03-12", 8, 4],
            [None, None, None, None, None, None, None, None],
            [
                "",
                people["li"].id_number,
                "李四",
                "网络学法",
                "网络学法平台",
                dt.datetime(2025, 4, 1),  # noqa: DTZ001 — Excel cells carry no zone
                "12.5",
                "",
            ],
        ]
    )
    result = import_training(actor=world.admin, data=data, filename="2025培训.xlsx")
    assert result.created == 2
    records = TrainingRecord.objects.order_by("id")
    assert [(r.officer.name, r.kind, str(r.hours)) for r in records] == [
        ("张三", "legal_training", "8.0"),
        ("李四", "online_study", "12.5"),
    ]
    assert AuditEntry.objects.filter(action="officers.import_training").count() == 1
    assert ImportBatch.objects.get().rows == 2


def test_one_bad_row_imports_nothing_and_names_every_bad_row(world, people, xlsx) -> None:
    data = xlsx(
        [
            HEAD,
            ["IMP0001", "", "张三", "法律知识培训", "培训一", "2025-03-12", 8, 0],
            ["IMP0002", "", "李四四", "集中学法", "培训二", "2025-03-13", 4, 0],  # row 3: wrong name
            ["IMP9999", "", "赵六", "集中学法", "培训三", "2025-03-13", 4, 0],  # row 4: unknown number
            ["IMP0001", "", "张三", "打太极", "培训四", "2025-03-14", 4, 0],  # row 5: unknown kind
            ["IMP0001", "", "张三", "集中学法", "培训五", "2025/13/01", 4, 0],  # row 6: bad date
            ["IMP0001", "", "张三", "集中学法", "培训六", "2025-03-15", "三", 0],  # row 7: hours not a number
        ]
    )
    with pytest.raises(ImportRejected) as refused:
        import_training(actor=world.admin, data=data, filename="bad.xlsx")
    rows = [e["row"] for e in refused.value.detail["errors"]]
    assert rows == [3, 4, 5, 6, 7]
    assert "李四四" in refused.value.detail["errors"][0]["message"]
    assert TrainingRecord.objects.count() == 0 and ImportBatch.objects.count() == 0
    assert not AuditEntry.objects.filter(action="officers.import_training").exists()


def test_rows_outside_the_administrators_scope_are_refused(world, people, xlsx) -> None:
    from zhifa.org.factories import make_user
    from zhifa.org.roles import Role

    admin_a = make_user("admin_a", node=world.agency_a, roles=[(Role.ADMIN, world.agency_a)])
    data = xlsx([HEAD, ["IMP0003", "", "王五", "集中学法", "培训", "2025-03-12", 4, 0]])
    with pytest.raises(ImportRejected):
        import_training(actor=admin_a, data=data)
    assert TrainingRecord.objects.count() == 0


def test_corrupt_or_empty_files_get_a_clear_error(world, people, xlsx) -> None:
    for data in (b"", b"PK\x03\x04 definitely not a workbook", "姓名,学时\n张三,8".encode()):
        with pytest.raises(InvalidInput) as refused:
            import_training(actor=world.admin, data=data)
        assert refused.value.code == "import_file_invalid"
    with pytest.raises(InvalidInput, match=r"培训类型|kind"):
        import_training(actor=world.admin, data=xlsx([["执法证号", "姓名", "学时"], ["IMP0001", "张三", 3]]))
    assert TrainingRecord.objects.count() == 0


def test_the_same_file_is_not_imported_twice(world, people, xlsx) -> None:
    data = xlsx([HEAD, ["IMP0001", "", "张三", "集中学法", "培训", "2025-03-12", 4, 0]])
    import_training(actor=world.admin, data=data)
    with pytest.raises(InvalidInput) as refused:
        import_training(actor=world.admin, data=data)
    assert refused.value.code == "import_duplicate_file"
    assert TrainingRecord.objects.count() == 1


def test_exam_results_import_decides_pass_and_excellent(world, people, xlsx) -> None:
    exam = exam_session_create(
        actor=world.admin, organiser=world.city, kind="annual", title="年度考试", held_on=D(2025, 10, 1)
    )
    data = xlsx(
        [
            ["执法证号", "姓名", "成绩", "是否缺考"],
            ["IMP0001", "张三", 85, "否"],
            ["IMP0002", "李四", None, "是"],
            ["IMP0003", "王五", 59.5, ""],
        ]
    )
    assert import_exam_results(actor=world.admin, session_id=exam.pk, data=data).created == 3
    got = {r.officer.name: (r.passed, r.excellent, r.absent) for r in ExamResult.objects.all()}
    assert got == {"张三": (True, True, False), "李四": (False, False, True), "王五": (False, False, False)}


def test_a_bad_exam_row_imports_nothing(world, people, xlsx) -> None:
    exam = exam_session_create(
        actor=world.admin, organiser=world.city, kind="annual", title="年度考试", held_on=D(2025, 10, 1)
    )
    data = xlsx(
        [
            ["执法证号", "姓名", "成绩"],
            ["IMP0001", "张三", 85],
            ["IMP0002", "李四", 101],
            ["IMP0001", "张三", 70],
        ]
    )
    with pytest.raises(ImportRejected) as refused:
        import_exam_results(actor=world.admin, session_id=exam.pk, data=data)
    assert [e["row"] for e in refused.value.detail["errors"]] == [3, 4]
    assert ExamResult.objects.count() == 0


def test_templates_round_trip_through_the_importer(world, people) -> None:
    import io

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(template_workbook("training"))).active
    assert [c.value for c in sheet[1]][:3] == ["执法证号", "身份证号", "姓名"]
