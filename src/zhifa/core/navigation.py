"""The navigation bar: apps register their entries in AppConfig.ready(); users see what their roles allow."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise


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
