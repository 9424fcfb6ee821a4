"""zhifa.core.template_memo: the i18n, static and url tags that remember a literal's output render what
Django's own tags render, for every form of the tags, in two languages, with and without
autoescaping; a literal is worked out once per node, and again when a setting it depends on changes."""

from __future__ import annotations

from typing import Any

import pytest
from django.template import Context, Engine, Library, engines
from django.test import RequestFactory, override_settings
from django.utils import translation

from zhifa.core.template_memo import DJANGO_TAGS
from zhifa.core.template_memo import urls as memo_urls

TEMPLATES = [
    '{% load i18n %}{% translate "Cases" %}|{% trans "Search" %}|{% translate "Cases" noop %}',
    '{% load i18n %}{% translate "Save" as label %}[{{ label }}]{% translate "Save" as label %}{{ label }}',
    '{% load i18n %}{% translate "May" context "month name" %}|{% translate word %}|{% translate "x"|upper %}',
    '{% load i18n %}{% translate "50%% of <b>" %}|{% translate word context ctx %}',
    "{% load i18n %}{% blocktranslate %}Cases{% endblocktranslate %}|{% get_current_language as l %}{{ l }}",
    '{% url "home" %}|{% url "cases:list" %}|{% url "cases:detail" 7 %}|{% url "cases:detail" pk %}',
    '{% url "cases:detail" case_id=7 as a %}[{{ a }}]{% url "no-such-view" as b %}[{{ b }}]',
    '{% load static %}{% static "zhifa/app.css" %}|{% static path %}|{% static "zhifa/app.css" as s %}{{ s }}',
    '{% load static %}{% get_static_prefix %}|{% static "a b&c.js" %}',
]
CONTEXT = {"word": "Search", "ctx": "verb", "pk": 12, "path": "zhifa/x<y>.js"}


def _engines() -> tuple[Engine, Engine]:
    """The project's engine (the memo's tags, installed at start-up) and one like it whose libraries
    and builtins compile Django's own nodes."""
    ours: Engine = engines["django"].engine  # type: ignore[attr-defined]
    django = Engine(dirs=ours.dirs, app_dirs=ours.app_dirs, context_processors=ours.context_processors)

    def plain(library: Library, name: str) -> Library:
        copy = Library()
        copy.tags.update(library.tags)
        copy.filters.update(library.filters)
        for (lib, tag), compile_function in DJANGO_TAGS.items():
            if lib == name:
                copy.tags[tag] = compile_function
        return copy

    django.template_libraries = {
        **ours.template_libraries,
        "i18n": plain(ours.template_libraries["i18n"], "i18n"),
        "static": plain(ours.template_libraries["static"], "static"),
    }
    django.template_builtins = [plain(b, "builtins") for b in ours.template_builtins]
    return ours, django


def test_the_memo_is_installed_in_djangos_libraries() -> None:
    assert {tag for _, tag in DJANGO_TAGS} == {"translate", "trans", "static", "url"}
    ours, django = _engines()
    node = ours.from_string('{% load i18n %}{% translate "Cases" %}').nodelist[-1]
    assert type(node).__name__ == "MemoTranslateNode"
    assert type(django.from_string('{% load i18n %}{% translate "Cases" %}').nodelist[-1]).__name__ == (
        "TranslateNode"
    )


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("autoescape", [True, False])
def test_the_memo_tags_render_what_djangos_render(language: str, autoescape: bool) -> None:
    ours, django = _engines()
    request = RequestFactory().get("/")
    with translation.override(language):
        for source in TEMPLATES:
            mine, theirs = ours.from_string(source), django.from_string(source)
            for _ in range(3):  # the first render works a literal out, the others reuse it
                want = theirs.render(Context(dict(CONTEXT), autoescape=autoescape))
                got = mine.render(Context(dict(CONTEXT), autoescape=autoescape))
                assert got == want, source
                context = Context(dict(CONTEXT), autoescape=autoescape)
                context.request = request  # type: ignore[attr-defined]
                assert mine.render(context) == want, source


def test_a_literal_is_worked_out_once_per_node_and_again_when_a_setting_changes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ours, _ = _engines()
    reversed_: list[Any] = []
    real = memo_urls.reverse  # type: ignore[attr-defined]

    def counting(*args: Any, **kwargs: Any) -> str:
        reversed_.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(memo_urls, "reverse", counting)
    page = ours.from_string(
        '{% load i18n %}{% url "cases:list" %}{% url "cases:detail" pk %}{% translate "Cases" %}'
    )
    with translation.override("zh-hans"):
        first = page.render(Context({"pk": 1}))
        for pk in (2, 3):
            page.render(Context({"pk": pk}))
    # the literal reversed once; the one with a variable went through Django's node (not counted here)
    assert reversed_ == ["cases:list"]
    with translation.override("en"):
        english = page.render(Context({"pk": 1}))
    assert reversed_ == ["cases:list", "cases:list"]  # another language: worked out again
    with override_settings(FORCE_SCRIPT_NAME="/zhifa/"):
        page.render(Context({"pk": 1}))
    assert len(reversed_) == 3  # a setting it reads changed
    with translation.override("zh-hans"):
        assert page.render(Context({"pk": 1})) == first
    assert first != english  # the memo keeps each language's own words


def test_threads_in_two_languages_share_the_nodes_and_each_get_their_own() -> None:
    """gunicorn's threads render the same nodes at once: each thread's language decides its output."""
    import threading

    ours, django = _engines()
    source = (
        '{% load i18n %}{% translate "Cases" %}|{% translate "Search" as s %}{{ s }}|{% url "cases:list" %}'
    )
    page = ours.from_string(source)
    want = {}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            want[language] = django.from_string(source).render(Context({}))
    assert want["zh-hans"] != want["en"]
    wrong: list[str] = []

    def render(language: str) -> None:
        with translation.override(language):
            for _ in range(200):
                got = page.render(Context({}))
                if got != want[language]:
                    wrong.append(got)

    threads = [threading.Thread(target=render, args=(lang,)) for lang in ("zh-hans", "en") * 3]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert wrong == []
