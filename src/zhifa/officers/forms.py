"""Forms parse and type the input; the rules are checked by the services (one door per write)."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zhifa.core.widgets import DateInput
from zhifa.officers.models import Credential, ExamSession, Officer, TrainingRecord
from zhifa.officers.selectors import STATUS_FILTERS
from zhifa.org.models import OrgNode

DATE_WIDGET = DateInput()
AREAS_HELP = _("Separate several areas with commas.")


class OfficerFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or credential number"), required=False, max_length=50)
    agency = forms.TypedChoiceField(label=_("Agency"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(label=_("Credential status"), required=False)
    expiring = forms.BooleanField(label=_("Expiring or review due soon"), required=False)

    def __init__(self, *args: Any, agencies: list[OrgNode], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["agency"]).choices = [("", _("All agencies"))] + [
            (a.pk, a.name) for a in agencies
        ]
        labels = {
            "valid": _("Valid today"),
            "suspended": _("Suspended"),
            "revoked": _("Revoked"),
            "expired": _("Expired"),
            "none": _("No credential"),
        }
        cast(forms.ChoiceField, self.fields["status"]).choices = [("", _("Any status"))] + [
            (s, labels[s]) for s in STATUS_FILTERS
        ]


class OfficerForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("of a person", "Name"), max_length=50)
    gender = forms.ChoiceField(label=_("Gender"), choices=Officer.Gender.choices)
    id_number = forms.CharField(label=_("ID number"), max_length=18)
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=OrgNode.objects.none())
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=OrgNode.objects.none(), required=False)
    position = forms.CharField(label=_("Position"), max_length=50, required=False)
    areas = forms.CharField(
        label=_("Enforcement areas"), max_length=300, required=False, help_text=AREAS_HELP
    )
    has_legal_qualification = forms.BooleanField(
        label=_("Holds the legal-professional qualification"), required=False
    )
    legal_qualification_number = forms.CharField(
        label=_("Qualification certificate number"), max_length=40, required=False
    )
    legal_review_since = forms.DateField(
        label=_("Doing legal review since"), required=False, widget=DATE_WIDGET
    )
    username = forms.CharField(
        label=_("Link to user account (username)"),
        max_length=150,
        required=False,
        help_text=_("So the officer can sign in and be chosen as a handling officer."),
    )

    def __init__(self, *args: Any, agency_ids: frozenset[int], editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agencies = OrgNode.objects.filter(id__in=agency_ids, kind=OrgNode.Kind.AGENCY).order_by("path")
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]
        self.fields["unit"].queryset = OrgNode.objects.filter(  # type: ignore[attr-defined]
            agency_id__in=agency_ids, kind=OrgNode.Kind.UNIT
        ).order_by("path")
        if editing:  # identity and agency do not change through the edit form (new agency = new record)
            for name in ("id_number", "agency", "username"):
                del self.fields[name]


class CredentialIssueForm(forms.Form):
    number = forms.CharField(label=_("Credential number"), max_length=32)
    kind = forms.ChoiceField(label=_("Kind"), choices=Credential.Kind.choices)
    issuer = forms.CharField(label=_("Issuer"), max_length=100)
    areas = forms.CharField(label=_("Enforcement areas"), max_length=300, help_text=AREAS_HELP)
    scope = forms.CharField(label=_("Scope of enforcement"), max_length=300, required=False)
    issued_on = forms.DateField(label=_("Issued on"), widget=DATE_WIDGET)
    expires_on = forms.DateField(label=_("Expires on"), widget=DATE_WIDGET)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class RenewForm(forms.Form):
    expires_on = forms.DateField(label=_("New expiry date"), widget=DATE_WIDGET)
    reason = forms.CharField(label=_("Note"), max_length=300, required=False)


class ReviewForm(forms.Form):
    reviewed_on = forms.DateField(label=_("Reviewed on"), widget=DATE_WIDGET, initial=timezone.localdate)
    passed = forms.TypedChoiceField(
        label=_("Result"),
        choices=[("1", _("Passed")), ("0", _("Not passed"))],
        coerce=lambda v: v == "1",
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class PhotoForm(forms.Form):
    photo = forms.FileField(label=_("Photo (JPEG or PNG, at most 2 MB)"))


class TrainingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=TrainingRecord.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    held_on = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    hours = forms.DecimalField(label=_("Study hours"), max_digits=6, decimal_places=1)
    days = forms.DecimalField(
        label=_("Training days"), max_digits=4, decimal_places=1, initial=0, required=False
    )
    points = forms.DecimalField(
        label=_("Study points"), max_digits=6, decimal_places=1, initial=0, required=False
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class ExamSessionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=ExamSession.Kind.choices)
    held_on = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    organiser = forms.ModelChoiceField(label=_("Organiser"), queryset=OrgNode.objects.none())

    def __init__(self, *args: Any, organisers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organiser"].queryset = organisers  # type: ignore[attr-defined]


class ExamResultForm(forms.Form):
    officer = forms.TypedChoiceField(label=_("Officer"), coerce=int)
    score = forms.DecimalField(label=_("Score"), max_digits=5, decimal_places=1, required=False)
    absent = forms.BooleanField(label=_("Absent"), required=False)

    def __init__(self, *args: Any, officers: list[Officer], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["officer"]).choices = [
            (o.pk, f"{o.name}（{o.agency.name}）") for o in officers
        ]


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"))


class YearForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        cast(forms.ChoiceField, self.fields["year"]).choices = [
            (y, str(y)) for y in range(this_year, this_year - 6, -1)
        ]

    def year_or_current(self) -> int:
        if self.is_valid():
            return int(self.cleaned_data["year"])
        return timezone.localdate().year


def default_expiry(issued_on: dt.date) -> dt.date:
    """Suggested validity: five years less a day (the common term of provincial credentials)."""
    try:
        end = issued_on.replace(year=issued_on.year + 5)
    except ValueError:
        end = issued_on.replace(year=issued_on.year + 5, day=28)
    return end - dt.timedelta(days=1)
