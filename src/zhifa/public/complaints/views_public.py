"""The public side of complaints, served under /portal/complaints/: the form, the tracking-code lookup,
the progress page and the rating. No login; rate limited; never shows who complained."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from zhifa.core import access
from zhifa.core.errors import DomainError
from zhifa.public.complaints import ratelimit
from zhifa.public.complaints.forms import ComplaintForm, FeedbackForm, PublicReviewForm, TrackForm
from zhifa.public.complaints.models import Channel
from zhifa.public.complaints.selectors import (
    complaint_public_get,
    complaint_public_timeline,
    feedback_open,
    review_status,
)
from zhifa.public.complaints.services import (
    complaint_feedback_public,
    complaint_review_request_public,
    complaint_submit,
)


def _too_many(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "complaints/public/too_many.html",
        {"section": "complaints"},
        status=429,
    )


@access.public
@require_http_methods(["GET", "POST"])
def complaint_new(request: HttpRequest) -> HttpResponse:
    form = ComplaintForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not ratelimit.allow(request, ratelimit.SUBMIT_LIMITS):
            return _too_many(request)
        if form.is_valid():
            try:
                complaint = complaint_submit(
                    data=form.to_input(),
                    channel=Channel.WEB,
                    files=form.cleaned_data.get("attachments") or [],
                )
            except DomainError as exc:
                field = exc.detail.get("field")
                form.add_error(field if field in form.fields else None, str(exc.message))
            else:
                return redirect(
                    reverse("portal:complaint_progress", args=[complaint.tracking_code]) + "?new=1"
                )
    status = 400 if request.method == "POST" else 200
    return render(
        request, "complaints/public/new.html", {"form": form, "section": "complaints"}, status=status
    )


@access.public
def complaint_track(request: HttpRequest) -> HttpResponse:
    form = TrackForm(request.GET or None)
    not_found = False
    if request.GET:
        if not ratelimit.allow(request, ratelimit.LOOKUP_LIMITS):
            return _too_many(request)
        if form.is_valid():
            complaint = complaint_public_get(tracking_code=form.cleaned_data["code"])
            if complaint is not None:
                return redirect("portal:complaint_progress", complaint.tracking_code)
            not_found = True
    return render(
        request,
        "complaints/public/track.html",
        {"form": form, "not_found": not_found, "section": "complaints"},
        status=404 if not_found else (400 if request.GET and not form.is_valid() else 200),
    )


def _progress(
    request: HttpRequest,
    code: str,
    *,
    feedback_form: FeedbackForm | None = None,
    review_form: PublicReviewForm | None = None,
    status: int = 200,
) -> HttpResponse:
    complaint = complaint_public_get(tracking_code=code)
    if complaint is None:
        form = TrackForm(initial={"code": code})
        return render(
            request,
            "complaints/public/track.html",
            {"form": form, "not_found": True, "section": "complaints"},
            status=404,
        )
    review = review_status(complaint)
    today = timezone.localdate()
    can_review = review.can_request_online(today)
    return render(
        request,
        "complaints/public/progress.html",
        {
            "review": review,
            "review_form": review_form or (PublicReviewForm() if can_review else None),
            "review_closed": bool(review.next_level and not can_review),
            "c": complaint,
            "timeline": complaint_public_timeline(complaint),
            "feedback_form": feedback_form or (FeedbackForm() if feedback_open(complaint) else None),
            "is_new": request.GET.get("new") == "1",
            "section": "complaints",
        },
        status=status,
    )


@access.public
def complaint_progress(request: HttpRequest, code: str) -> HttpResponse:
    if not ratelimit.allow(request, ratelimit.LOOKUP_LIMITS):
        return _too_many(request)
    return _progress(request, code)


@access.public
@require_POST
def complaint_feedback(request: HttpRequest, code: str) -> HttpResponse:
    if not ratelimit.allow(request, ratelimit.FEEDBACK_LIMITS):
        return _too_many(request)
    form = FeedbackForm(request.POST)
    if form.is_valid():
        try:
            complaint = complaint_feedback_public(
                tracking_code=code, rating=form.cleaned_data["rating"], comment=form.cleaned_data["comment"]
            )
        except DomainError as exc:
            form.add_error(None, str(exc.message))
            return _progress(request, code, feedback_form=form, status=exc.status)
        return redirect("portal:complaint_progress", complaint.tracking_code)
    return _progress(request, code, feedback_form=form, status=400)


@access.public
@require_POST
def complaint_review(request: HttpRequest, code: str) -> HttpResponse:
    """The complainant asks for 复查 (or 复核) online: the body is the level above the one that
    answered; a request after the 30 days is refused naming the article, in place."""
    if not ratelimit.allow(request, ratelimit.REVIEW_LIMITS):
        return _too_many(request)
    form = PublicReviewForm(request.POST)
    if form.is_valid():
        try:
            event = complaint_review_request_public(tracking_code=code, request=form.cleaned_data["request"])
        except DomainError as exc:
            form.add_error(None, str(exc.message))
            return _progress(request, code, review_form=form, status=exc.status)
        return redirect("portal:complaint_progress", event.complaint.tracking_code)
    return _progress(request, code, review_form=form, status=400)
