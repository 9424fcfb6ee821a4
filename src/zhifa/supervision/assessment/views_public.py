"""The published rankings on the portal (no sign-in): only rounds the bureau chose to publish, and only
per agency — totals, ranks, grades and the change from last year; no self-check, note or file."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from zhifa.core import access
from zhifa.supervision.assessment import selectors
from zhifa.supervision.assessment.views import ranking_context


@access.public
def rankings(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "assessment/public/rankings.html",
        {"rounds": selectors.published_rounds(), "section": "assessment"},
    )


@access.public
def ranking(request: HttpRequest, round_id: int) -> HttpResponse:
    rnd = selectors.published_rounds().filter(pk=round_id).first()
    if rnd is None:
        raise Http404
    return render(
        request,
        "assessment/public/ranking.html",
        ranking_context(rnd) | {"public": True, "section": "assessment"},
    )
