"""Import and export of the power list in the shared column format: all or nothing, by code."""

import csv
import io

import pytest

from zhifa.core.errors import InvalidInput
from zhifa.powers.data_files import data_dir
from zhifa.powers.importing import export_rows, import_power_list, to_csv, to_xlsx
from zhifa.powers.models import DiscretionTier, PowerItem, PowerItemVersion, Provision
from zhifa.powers.selectors import version_list_for_export

pytestmark = pytest.mark.django_db

ITEMS = data_dir() / "power_items.csv"
TIERS = data_dir() / "discretion_tiers.csv"
HEADER = (
    "code,name,category,violated_provision,penalty_provision,penalty_text,party_type,"
    "fine_min_yuan,fine_max_yuan,fine_basis,other_measures,source\n"
)


def shared_files():
    return ("power_items.csv", ITEMS.read_bytes()), ("discretion_tiers.csv", TIERS.read_bytes())


def import_shared(**kwargs):
    items, tiers = shared_files()
    return import_power_list(actor=None, items=items, tiers=tiers, **kwargs)


def test_the_shared_files_import_with_the_right_counts(world) -> None:
    result = import_shared(agency=world.agency_a, area="城市管理")
    assert result.errors == []
    assert (result.created, result.updated, result.unchanged) == (79, 0, 0)
    assert PowerItem.objects.count() == 79
    assert PowerItemVersion.objects.filter(status="published").count() == 79
    assert DiscretionTier.objects.count() == 28
    assert set(PowerItem.objects.values_list("area", flat=True)) == {"城市管理"}
    assert set(PowerItem.objects.values_list("agency_id", flat=True)) == {world.agency_a.id}
    item = PowerItem.objects.get(code="CF-GH-001")
    version = item.published_version
    assert (version.fine_min, version.fine_max, version.fine_basis) == (5, 10, "建设工程造价%")
    assert list(version.tiers.order_by("position").values_list("name", flat=True)) == [
        "按期改正",
        "逾期不改正",
    ]
    assert version.category == "penalty" and version.party_type == "any"


def test_importing_the_same_files_again_changes_nothing() -> None:
    import_shared()
    versions = PowerItemVersion.objects.count()
    result = import_shared()
    assert (result.created, result.updated, result.unchanged) == (0, 0, 79)
    assert PowerItemVersion.objects.count() == versions


def test_a_changed_row_makes_a_new_version_and_keeps_the_old_one() -> None:
    import_shared()
    items, tiers = shared_files()
    changed = items[1].replace("未经批准".encode(), "未经许可".encode(), 1)
    result = import_power_list(actor=None, items=(items[0], changed), tiers=tiers)
    assert result.updated == 1 and result.unchanged == 78
    changed_code = next(
        i.code
        for i in PowerItem.objects.select_related("published_version")
        if i.published_version.number == 2
    )
    item = PowerItem.objects.get(code=changed_code)
    old = item.versions.get(number=1)
    assert old.status == "superseded" and "未经批准" in old.name
    assert "未经许可" in item.published_version.name


def bad_file(rows: str) -> tuple[str, bytes]:
    return ("bad.csv", (HEADER + rows).encode("utf-8"))


def test_a_file_with_bad_rows_imports_nothing_and_names_each_row() -> None:
    rows = (
        "OK-001,正常事项,行政处罚,,《城市道路管理条例》第四十二条,罚款,不限,,20000,fixed,,\n"
        "BAD-001,最低大于最高,行政处罚,,,罚款,不限,5000,100,fixed,,\n"
        "BAD-002,未知类别,行政处分,,,罚款,不限,,,,,\n"
        ",没有编码,行政处罚,,,罚款,不限,,,,,\n"
        "OK-001,重复编码,行政处罚,,,罚款,不限,,,,,\n"
        "BAD-003,坏金额,行政处罚,,,罚款,个人,abc,,fixed,,\n"
    )
    result = import_power_list(actor=None, items=bad_file(rows), tiers=None)
    assert PowerItem.objects.count() == 0
    by_row = {e.row: e.message for e in result.errors}
    assert set(by_row) == {3, 4, 5, 6, 7}
    assert "最低罚款" in by_row[3]
    assert "行政处分" in by_row[4]
    assert "编码" in by_row[5]
    assert "第 2 行" in by_row[6]
    assert "abc" in by_row[7]
    assert all(e.file == "items" for e in result.errors)


def test_a_tier_outside_the_statutory_range_is_refused_with_its_row() -> None:
    items = bad_file("T-1,事项,行政处罚,,,罚款,单位,1000,3000,fixed,,\n")
    tiers = (
        "tiers.csv",
        "code,tier,circumstances,fine_min_yuan,fine_max_yuan,source\n"
        "T-1,轻微,情节轻微,1000,2000,\n"
        "T-1,严重,情节严重,2000,5000,\n"
        "NOPE-1,一般,,1,2,\n".encode(),
    )
    result = import_power_list(actor=None, items=items, tiers=tiers)
    assert PowerItem.objects.count() == 0
    assert [(e.file, e.row) for e in result.errors] == [("tiers", 3), ("tiers", 4)]
    assert "行政处罚法第三十四条" in result.errors[0].message
    assert "NOPE-1" in result.errors[1].message


def test_export_reproduces_the_shared_files() -> None:
    import_shared()
    items, tiers = export_rows(version_list_for_export())
    # Items come out in the order they were imported, byte for byte; tiers are grouped by item.
    assert to_csv(items).decode() == ITEMS.read_text(encoding="utf-8")
    exported = to_csv(tiers).decode().splitlines()
    original = TIERS.read_text(encoding="utf-8").splitlines()
    assert exported[0] == original[0]
    assert sorted(exported[1:]) == sorted(original[1:])


def test_xlsx_round_trip_is_lossless() -> None:
    import_shared()
    items, tiers = export_rows(version_list_for_export())
    result = import_power_list(
        actor=None,
        items=("items.xlsx", to_xlsx(items, title="power_items")),
        tiers=("tiers.xlsx", to_xlsx(tiers, title="discretion_tiers")),
    )
    assert result.errors == []
    assert (result.created, result.updated, result.unchanged) == (0, 0, 79)


def test_an_xlsx_into_an_empty_database_imports_everything() -> None:
    rows = list(csv.reader(io.StringIO(ITEMS.read_text(encoding="utf-8"))))
    result = import_power_list(actor=None, items=("items.xlsx", to_xlsx(rows, title="x")), tiers=None)
    assert result.created == 79


def test_a_gb18030_csv_from_excel_is_read() -> None:
    data = (HEADER + "GB-1,扬尘污染,行政处罚,,,罚款,单位,1000,3000,fixed,,\n").encode("gb18030")
    result = import_power_list(actor=None, items=("gbk.csv", data), tiers=None)
    assert result.created == 1
    assert PowerItem.objects.get(code="GB-1").published_version.name == "扬尘污染"


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("broken.xlsx", b"PK\x03\x04 this is not a zip", "bad_xlsx"),
        ("empty.csv", b"", "empty_file"),
        ("wrong.csv", "编号,名称\nA,B\n".encode(), "bad_header"),
        ("binary.csv", bytes(range(128, 256)) * 4, "bad_encoding"),
    ],
)
def test_corrupt_files_are_refused_and_nothing_changes(name, data, code) -> None:
    with pytest.raises(InvalidInput) as exc:
        import_power_list(actor=None, items=(name, data), tiers=None)
    assert exc.value.code == code
    assert PowerItem.objects.count() == 0


def test_provisions_link_to_the_library_or_stay_listed_as_unresolved() -> None:
    from django.core.management import call_command

    import_shared()  # before the laws exist: every provision is unresolved text
    assert Provision.objects.filter(article__isnull=False).count() == 0
    call_command("import_laws", verbosity=0)
    linked = Provision.objects.filter(article__isnull=False)
    p = linked.select_related("article__law").get(version__item__code="CF-DQ-006", role="penalty")
    assert (p.article.law.short_name, p.article.number, p.clause) == ("大气污染防治法", 118, "第三款")
    # Local regulations and ministry rules are not in the library: kept as text, listed for fixing.
    unresolved = Provision.objects.filter(article__isnull=True)
    assert unresolved.filter(law_name="北京市市容环境卫生条例").exists()
    assert not unresolved.filter(law_name="城乡规划法").exists()


def test_the_staff_export_has_chinese_headers_and_a_bom_and_imports_back(client, world) -> None:
    import_shared()
    client.force_login(world.officer_a)
    body = client.get("/powers/export/power_items.csv").content
    assert body.startswith("\ufeff".encode())
    header = body.decode("utf-8-sig").splitlines()[0]
    assert header.startswith("事项编码,事项名称,事项类别")
    tiers = client.get("/powers/export/discretion_tiers.csv").content
    assert tiers.decode("utf-8-sig").startswith("事项编码,裁量阶次,适用情形")
    result = import_power_list(actor=None, items=("items.csv", body), tiers=("tiers.csv", tiers))
    assert result.errors == [] and result.unchanged == 79


def test_every_problem_of_a_row_is_listed() -> None:
    data = (HEADER + "BAD CODE,,罚则,,,罚款,某人,abc,5,,,\n").encode()
    result = import_power_list(actor=None, items=("items.csv", data), tiers=None)
    messages = [e.message for e in result.errors if e.row == 2]
    joined = " ".join(messages)
    assert len(messages) >= 5, messages
    assert "编码" in joined and "罚则" in joined and "某人" in joined and "abc" in joined
    assert "名称" in joined  # the content's own check ran too
    assert "罚款下限（元）" in joined  # columns named as people see them


def test_publishing_on_import_is_a_deliberate_choice(client, world) -> None:
    client.force_login(world.admin)
    import re

    body = client.get("/powers/import/").content.decode()
    tag = re.search(r'<input[^>]*name="publish"[^>]*>', body)
    assert tag is not None and "checked" not in tag.group(0)
