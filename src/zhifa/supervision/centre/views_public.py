"""The published annual enforcement statistics (行政执法统计年报) on the public portal."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render

from zhifa.core import access
from zhifa.core.files.serving import serve_blob
from zhifa.supervision.centre import selectors as sel


@access.public
def annual_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "centre/public/annual_list.html", {"reports": sel.annual_reports(), "section": "stats"}
    )


@access.public
def annual_detail(request: HttpRequest, report_id: int) -> HttpResponse:
    report = sel.annual_report_get(report_id)
    if report is None:
        raise Http404
    return render(
        request,
        "centre/public/annual_detail.html",
        {"report": report, "data": report.data, "section": "stats"},
    )


@access.public
def annual_pdf(request: HttpRequest, report_id: int) -> HttpResponseBase:
    report = sel.annual_report_get(report_id)
    if report is None:
        raise Http404
    return serve_blob(
        request,
        report.blob,
        audit_action="centre.annual_report_download",
        audit_obj=report,
        filename=f"annual-statistics-{report.year}.pdf",
        content_type="application/pdf",
    )
