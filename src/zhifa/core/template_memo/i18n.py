"""`{% translate %}` remembering a literal's translation per node (zhifa.core.template_memo)."""

from __future__ import annotations

from typing import Any

from django.template.base import Parser, Token, render_value_in_context
from django.template.context import Context
from django.templatetags import i18n as django_i18n
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.translation import get_language

from zhifa.core.template_memo import generation, literal


class MemoTranslateNode(django_i18n.TranslateNode):
    """Django's node; a literal message (and a literal context, if any) is translated once per
    language, autoescaping and generation."""

    _memo: dict[tuple[Any, ...], str | SafeString]
    _constant: bool

    def render(self, context: Context) -> str:
        if not self._constant:
            return super().render(context)
        key = (generation(), get_language(), context.autoescape)
        value = self._memo.get(key)
        if value is None:
            value = self._memo[key] = self._value(context)
        if self.asvar:
            context[self.asvar] = value
            return ""
        return value

    def _value(self, context: Context) -> str:
        # TranslateNode.render up to its `asvar` (Django 5.2), which it then stores or returns: the node
        # is shared by the server's threads, so it is not switched off and on around Django's render.
        self.filter_expression.var.translate = not self.noop
        if self.message_context:
            self.filter_expression.var.message_context = self.message_context.resolve(context)
        output = self.filter_expression.resolve(context)
        value = render_value_in_context(output, context)
        is_safe = isinstance(value, SafeData)
        value = value.replace("%%", "%")
        return mark_safe(value) if is_safe else value  # noqa: S308 — Django's own marking


def memo_translate(parser: Parser, token: Token) -> django_i18n.TranslateNode:
    node = django_i18n.do_translate(parser, token)
    node.__class__ = MemoTranslateNode  # the same node, with the memo's render
    assert isinstance(node, MemoTranslateNode)
    node._memo = {}
    # (TranslateNode made a literal message a Variable of a quoted string, not yet marked to translate)
    node._constant = literal(node.filter_expression) and literal(node.message_context)
    return node
