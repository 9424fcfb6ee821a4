"""The demo city's power list: each enforcement agency its own items, other cities' local items held by
the government only, and sources naming statutes rather than third-party web pages."""

import pytest

from zhifa.org.demo import seed_org
from zhifa.powers.demo import MARKET_CODES, clean_source, seed_powers
from zhifa.powers.models import PowerItem

pytestmark = pytest.mark.django_db


def test_clean_source_keeps_the_statute_and_drops_addresses() -> None:
    raw = (
        "LawRefBook/Laws@2f4c5c2:行政法/城乡规划法(2019-04-23).md; https://www.guanghan.gov.cn/gk/1651673.htm"
    )
    assert clean_source(raw) == "《城乡规划法》（2019-04-23）"
    assert clean_source("https://example.org/x") == ""


def test_each_agency_gets_its_own_items(settings) -> None:
    settings.DEBUG = True
    ctx: dict = {"scale": 0.1}
    seed_org(ctx)
    seed_powers(ctx)
    cgj, scj = ctx["agencies"]["cgj"], ctx["agencies"]["scj"]
    market = set(PowerItem.objects.filter(agency=scj).values_list("code", flat=True))
    assert market == MARKET_CODES
    assert set(PowerItem.objects.filter(agency=scj).values_list("area", flat=True)) == {"市场监管"}
    city = PowerItem.objects.filter(agency=cgj).select_related("published_version")
    assert city.count() > 50
    names = [i.published_version.name for i in city]
    assert not any(n.startswith(("[北京]", "[郑州]", "[上海]")) for n in names)
    # other cities' examples stay in the published list, held by the justice bureau as reference only
    others = PowerItem.objects.filter(agency=ctx["agencies"]["sfj"]).select_related("published_version")
    assert others.exists() and all(i.published_version.name.startswith("[") for i in others)
    assert PowerItem.objects.count() == 79
    sources = [i.published_version.source for i in PowerItem.objects.select_related("published_version")]
    assert not any("http" in s or "LawRefBook" in s for s in sources)
