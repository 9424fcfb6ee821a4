"""`{% static %}` remembering a literal path's address per node (zhifa.core.template_memo)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.template.base import Parser, Token
from django.template.context import Context
from django.templatetags import static as django_static

from zhifa.core.template_memo import generation, literal


class MemoStaticNode(django_static.StaticNode):
    """Django's node; a literal path's address (the manifest's hashed name) is found once per
    generation and DEBUG."""

    _memo: dict[tuple[Any, ...], str]
    _constant: bool

    def url(self, context: Context) -> str:
        if not self._constant:
            return str(super().url(context))
        key = (generation(), settings.DEBUG)
        address = self._memo.get(key)
        if address is None:
            address = self._memo[key] = str(super().url(context))
        return address


def memo_static(parser: Parser, token: Token) -> django_static.StaticNode:
    node = django_static.do_static(parser, token)
    node.__class__ = MemoStaticNode  # the same node, with the memo's url
    assert isinstance(node, MemoStaticNode)
    node._memo = {}
    node._constant = literal(node.path)
    return node
