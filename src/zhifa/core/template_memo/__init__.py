"""Template tags whose output is the same on every request, rendered once per node and reused.

A page of the staff side carries 30–60 `{% translate "…" %}`, `{% url "…" %}` and `{% static "…" %}`
with literal arguments: the same string for every user, yet Django translated, reversed and hashed each
of them on every render: 5–13 % of a staff page's CPU and 28–30 % of a portal page's, measured old
against new in one process (docs/benchmarks.md, "Issue 22, thirteenth session"). The three tags here
are Django's own (same parsing, same output), each node remembering its result for a literal argument,
keyed by everything else that result depends on (the language, autoescaping, the URLconf and script
prefix, the current application, DEBUG) and by `generation()`, which moves whenever a setting they read
changes (tests override them). A tag with a variable or a filter anywhere renders as Django renders
it, every time.

Installed at start-up (`install()`, from CoreConfig.ready) into Django's own libraries: `{% load i18n %}`,
`{% load static %}` and the builtin `url` then compile these nodes in every engine. (Not as libraries
of their own under Django's names in TEMPLATES: `check --deploy` rightly warns of two modules named
`i18n`.) What the original tags were is kept in `DJANGO_TAGS`.
"""

from __future__ import annotations

import itertools
from typing import Any

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.base import FilterExpression, Variable

_counter = itertools.count()
_generation = [next(_counter)]  # (a list: the receiver moves it without a global statement)

# What the remembered outputs depend on besides the keys: the catalogues, the URLconf, static files.
_SETTINGS = frozenset(
    {
        "LANGUAGES",
        "LANGUAGE_CODE",
        "LOCALE_PATHS",
        "INSTALLED_APPS",
        "ROOT_URLCONF",
        "FORCE_SCRIPT_NAME",
        "STATIC_URL",
        "STATIC_ROOT",
        "STATICFILES_DIRS",
        "STORAGES",
        "DEBUG",
    }
)


def generation() -> int:
    return _generation[0]


@receiver(setting_changed)
def _forget(*, setting: str, **kwargs: Any) -> None:
    if setting in _SETTINGS:
        _generation[0] = next(_counter)


def literal(expression: FilterExpression | None) -> bool:
    """Whether `expression` is a constant: a quoted string or a number, no filter, nothing to look up."""
    if expression is None:
        return True
    if expression.filters:
        return False
    var = expression.var
    if isinstance(var, Variable):
        return var.lookups is None and not var.translate and var.message_context is None
    return isinstance(var, str)


def _tags() -> dict[tuple[str, str], tuple[Any, Any]]:
    """(library, tag) → (Django's Library object, the memo's compile function)."""
    from django.template import defaulttags
    from django.templatetags import i18n as django_i18n
    from django.templatetags import static as django_static

    from zhifa.core.template_memo import i18n, static, urls

    return {
        ("i18n", "translate"): (django_i18n.register, i18n.memo_translate),
        ("i18n", "trans"): (django_i18n.register, i18n.memo_translate),
        ("static", "static"): (django_static.register, static.memo_static),
        ("builtins", "url"): (defaulttags.register, urls.memo_url),
    }


# Django's compile functions of the tags replaced: (library, tag) → function (filled by install()).
DJANGO_TAGS: dict[tuple[str, str], Any] = {}


def install() -> None:
    """Make Django's libraries compile the memo's nodes (idempotent). Templates parsed from now on use
    them; what `{% load %}` and the builtins give is otherwise unchanged."""
    for (library, tag), (register, memo) in _tags().items():
        if register.tags[tag] is not memo:
            DJANGO_TAGS[(library, tag)] = register.tags[tag]
            register.tags[tag] = memo
