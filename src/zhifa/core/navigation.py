"""The navigation bar: apps register their entries in AppConfig.ready(); users see what their roles allow."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from zhifa.core.markup import esc


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    roles: frozenset[str] = field(default_factory=frozenset)  # empty = any signed-in user
    order: int = 100


@dataclass(frozen=True)
class HomePanel:
    """A block of the home page showing the user's own work. `render` returns a context dict for the
    panel's template, or None to hide the panel for this user."""

    template: str
    render: Callable[[Any], dict[str, Any] | None]
    roles: frozenset[str] = field(default_factory=frozenset)
    order: int = 100


NAV: list[NavItem] = []
HOME_PANELS: list[HomePanel] = []


def register_nav(item: NavItem) -> None:
    if all(existing.url_name != item.url_name for existing in NAV):
        NAV.append(item)


def register_home_panel(panel: HomePanel) -> None:
    if all(existing.template != panel.template for existing in HOME_PANELS):
        HOME_PANELS.append(panel)


# url name → its path ("" when it does not resolve): the navigation is on every page, and its entries
# take no arguments, so each is reversed once per process instead of once per entry per request.
_URLS: dict[str, str] = {}


def _url(name: str) -> str:
    url = _URLS.get(name)
    if url is None:
        try:
            url = reverse(name)
        except NoReverseMatch:
            url = ""
        _URLS[name] = url
    return url


@receiver(setting_changed)
def _forget_urls(*, setting: str, **kwargs: Any) -> None:
    if setting == "ROOT_URLCONF":
        _URLS.clear()
        _BARS.clear()


def nav_for(user: Any) -> list[dict[str, str]]:
    if not getattr(user, "is_authenticated", False):
        return []
    held = user.role_names()
    items = []
    for item in sorted(NAV, key=lambda i: i.order):
        if item.roles and not (item.roles & held):
            continue
        url = _url(item.url_name)
        if url:
            items.append({"label": str(item.label), "url": url, "name": item.url_name})
    return items


# (roles held, language, entries registered) → each shown entry's url and its link, without and with
# aria-current: the bar of base.html as its loop wrote it, built once per role set and language.
_BARS: dict[tuple[frozenset[str], str | None, int], tuple[tuple[str, str, str], ...]] = {}


def nav_html(user: Any, path: str) -> SafeString:
    """The links of `nav_for(user)` as base.html's loop wrote them (`<a href="…">label</a>`, with
    aria-current="page" on the entry whose url is `path`, each between the loop's own line breaks):
    every page draws the bar, and in the template engine it was ~45 variables and 11 conditions a page."""
    if not getattr(user, "is_authenticated", False):
        return mark_safe("")
    key = (frozenset(user.role_names()), get_language(), len(NAV))
    links = _BARS.get(key)
    if links is None:
        links = _BARS[key] = tuple(
            (
                item["url"],
                f'\n          <a href="{esc(item["url"])}">{esc(item["label"])}</a>\n        ',
                f'\n          <a href="{esc(item["url"])}" aria-current="page">{esc(item["label"])}</a>\n        ',
            )
            for item in nav_for(user)
        )
    return mark_safe("".join(current if url == path else plain for url, plain, current in links))  # noqa: S308 — escaped above


def home_panels_for(user: Any) -> list[dict[str, Any]]:
    held = user.role_names()
    panels = []
    for panel in sorted(HOME_PANELS, key=lambda p: p.order):
        if panel.roles and not (panel.roles & held):
            continue
        context = panel.render(user)
        if context is not None:
            panels.append({"template": panel.template, **context})
    return panels
