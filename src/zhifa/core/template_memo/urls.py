"""`{% url %}` remembering, per node, the address of a view named with literal arguments
(zhifa.core.template_memo)."""

from __future__ import annotations

from typing import Any

from django.template import defaulttags
from django.template.base import Parser, Token
from django.template.context import Context
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape
from django.utils.translation import get_language

from zhifa.core.template_memo import generation, literal


class MemoURLNode(defaulttags.URLNode):
    """Django's node; a literal view name with literal arguments is reversed once per URLconf, script
    prefix, current application, language and generation."""

    _memo: dict[tuple[Any, ...], str]
    _constant: bool

    def render(self, context: Context) -> str:
        if not self._constant:
            return super().render(context)
        try:  # (as URLNode.render finds it)
            current_app = context.request.current_app  # type: ignore[attr-defined]
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace  # type: ignore[attr-defined]
            except AttributeError:
                current_app = None
        key = (generation(), get_urlconf(), get_script_prefix(), current_app, get_language())
        url = self._memo.get(key)
        if url is None:
            try:
                url = reverse(
                    self.view_name.resolve(context),
                    args=[arg.resolve(context) for arg in self.args],
                    kwargs={k: v.resolve(context) for k, v in self.kwargs.items()},
                    current_app=current_app,
                )
            except NoReverseMatch:
                return super().render(context)  # Django's answer: it raises, or gives "" with `as`
            self._memo[key] = url
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


def memo_url(parser: Parser, token: Token) -> defaulttags.URLNode:
    node = defaulttags.url(parser, token)
    node.__class__ = MemoURLNode  # the same node, with the memo's render
    assert isinstance(node, MemoURLNode)
    node._memo = {}
    node._constant = (
        literal(node.view_name)
        and all(literal(a) for a in node.args)
        and all(literal(v) for v in node.kwargs.values())
    )
    return node
