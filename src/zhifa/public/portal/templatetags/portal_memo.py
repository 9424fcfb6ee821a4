"""`{% memo var … %}…{% endmemo %}`: a block whose output depends only on the code, the translations,
the URLconf and the variables named is rendered once per process and reused.

For the portal's header (seven links, eight translated labels): the same for every visitor, so
re-rendering it on each request only costs CPU. The key holds the block, the language, the URLconf
and script prefix and the values of the named variables, so nothing else may vary inside the block —
never use it around data read from the database or anything about the visitor.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.template.base import FilterExpression, NodeList, Parser, Token
from django.template.context import Context
from django.urls import get_script_prefix, get_urlconf
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()

# Bounded: a block, a language and a few values of `section` make a handful of entries.
MAX_ENTRIES = 512
_RENDERED: dict[tuple[Any, ...], SafeString] = {}


class MemoNode(template.Node):
    def __init__(self, nodelist: NodeList, vary_on: list[FilterExpression]) -> None:
        self.nodelist = nodelist
        self.vary_on = vary_on

    def render(self, context: Context) -> str:
        if settings.DEBUG:  # a template edited under runserver shows at once
            return self.nodelist.render(context)
        key = (
            self.origin.name if self.origin else "",  # the block: its template and place in it
            self.token.position if self.token else None,
            get_language(),
            get_urlconf(),
            get_script_prefix(),
            *(str(v.resolve(context)) for v in self.vary_on),
        )
        hit = _RENDERED.get(key)
        if hit is None:
            hit = mark_safe(self.nodelist.render(context))  # noqa: S308 — the block's own output
            if len(_RENDERED) >= MAX_ENTRIES:
                _RENDERED.clear()
            _RENDERED[key] = hit
        return hit


@register.tag
def memo(parser: Parser, token: Token) -> MemoNode:
    nodelist = parser.parse(("endmemo",))
    parser.delete_first_token()
    return MemoNode(nodelist, [parser.compile_filter(bit) for bit in token.split_contents()[1:]])
