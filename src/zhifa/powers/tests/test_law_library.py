"""The law library: import of the 23 shared statutes and Chinese full-text search over them."""

import pytest
from django.core.management import call_command

from zhifa.audit.services import audit_verify
from zhifa.powers.models import Article, Law
from zhifa.powers.selectors import article_search

pytestmark = pytest.mark.django_db


def first_articles(q: str, n: int = 3) -> list[str]:
    pairs, _total = article_search(q=q, limit=n)
    return [f"{a.law.short_name}{a.number_text}" for a, _hit in pairs]


def test_the_library_imports_all_statutes_and_search_finds_the_right_articles_first(capsys) -> None:
    call_command("import_laws")
    assert "23 created" in capsys.readouterr().out
    assert Law.objects.count() == 23
    assert Article.objects.count() == 1671
    penalty_law = Law.objects.get(short_name="行政处罚法")
    assert (penalty_law.kind, penalty_law.revised_on.isoformat(), penalty_law.status) == (
        "law",
        "2021-01-22",
        "in_force",
    )
    art64 = Article.objects.get(law=penalty_law, number=64)
    assert art64.number_text == "第六十四条" and art64.chapter.startswith("第五章")
    assert "听证" in art64.text and "\n" in art64.text  # the paragraphs of the article are kept
    kinds = dict(Law.objects.values_list("short_name", "kind"))
    assert kinds["城市道路管理条例"] == "administrative_regulation"
    assert kinds["最高人民法院关于适用《行政诉讼法》的解释"] == "judicial_interpretation"

    # The penalty article for open-air barbecues, ahead of the article that forbids them (第八十一条).
    assert first_articles("露天烧烤")[0] == "大气污染防治法第一百一十八条"
    assert "大气污染防治法第八十一条" in first_articles("露天烧烤")
    # Two-character words are found; the hearing procedure comes first for 听证.
    assert first_articles("听证")[0] == "行政处罚法第六十四条"
    assert all(a.startswith("大气污染防治法") for a in first_articles("扬尘", 5))
    pairs, total = article_search(q="扬尘", limit=50)
    assert total == len(pairs) >= 8 and all("扬尘" in a.text + a.chapter for a, _hit in pairs)
    assert "<mark>扬尘</mark>" in pairs[0][1].snippet_html
    assert audit_verify().ok


def test_importing_again_changes_nothing(capsys) -> None:
    call_command("import_laws")
    ids = set(Article.objects.values_list("id", flat=True))
    call_command("import_laws")
    assert "0 created, 0 updated, 23 unchanged" in capsys.readouterr().out
    assert set(Article.objects.values_list("id", flat=True)) == ids


def test_a_new_revision_supersedes_the_old_one(tmp_path) -> None:
    from zhifa.powers.data_files import data_dir

    source = (data_dir() / "laws" / "城市绿化条例(2017-03-01).md").read_text(encoding="utf-8")
    (tmp_path / "城市绿化条例(2017-03-01).md").write_text(source, encoding="utf-8")
    call_command("import_laws", str(tmp_path), verbosity=0)
    (tmp_path / "城市绿化条例(2030-01-01).md").write_text(
        source.replace("第一条 ", "第一条 （修订）"), encoding="utf-8"
    )
    call_command("import_laws", str(tmp_path), verbosity=0)
    old, new = Law.objects.filter(short_name="城市绿化条例").order_by("revised_on")
    assert (old.status, new.status) == ("amended", "in_force")
    assert Article.objects.get(law=new, number=1).text.startswith("（修订）")


def test_a_broken_statute_file_is_refused_with_its_name(tmp_path) -> None:
    from django.core.management.base import CommandError

    (tmp_path / "坏文件(2020-01-01).md").write_text("# 坏文件\n\n没有标记\n", encoding="utf-8")
    with pytest.raises(CommandError, match="坏文件"):
        call_command("import_laws", str(tmp_path), verbosity=0)
    assert not Law.objects.exists()
