"""Forms parse and describe fields; the rules (lengths, phone format, anonymity, routing) are checked
again by the services, which are the only door for every channel."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zhifa.core.widgets import DateInput
from zhifa.public.complaints import attachments as att
from zhifa.public.complaints.models import STAFF_CHANNELS, Area, Category, Channel, ComplaintFeedback, Rating
from zhifa.public.complaints.services import ComplaintInput


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": att.ACCEPT_ATTRIBUTE}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class ComplaintForm(forms.Form):
    category = forms.ModelChoiceField(
        label=pgettext_lazy("complaint", "Category"),
        queryset=Category.objects.filter(is_active=True),
        empty_label=_("— choose —"),
    )
    area = forms.ModelChoiceField(
        label=_("Area"),
        queryset=Area.objects.filter(is_active=True),
        required=False,
        empty_label=_("— choose —"),
    )
    location = forms.CharField(label=_("Location"), max_length=200, help_text=_("Street, number, landmark"))
    title = forms.CharField(label=pgettext_lazy("complaint", "Summary"), max_length=100)
    content = forms.CharField(
        label=_("What happened"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6}), min_length=10
    )
    subject_name = forms.CharField(
        label=_("Complained-about party (optional)"), max_length=100, required=False
    )
    occurred_on = forms.DateField(label=_("Date it happened (optional)"), required=False, widget=DateInput())
    anonymous = forms.BooleanField(
        label=_("Submit anonymously (we cannot call you back, but you can follow it with the tracking code)"),
        required=False,
    )
    complainant_name = forms.CharField(label=_("Your name"), max_length=50, required=False)
    complainant_phone = forms.CharField(label=_("Your phone"), max_length=20, required=False)
    attachments = MultipleFileField(
        label=_("Photos, videos or documents (optional)"),
        required=False,
        help_text=_("JPEG, PNG, PDF or MP4; up to 5 files, 10 MB each."),
    )
    # A field people never see: bots fill it in. Its value makes the form invalid, nothing else.
    website = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"})
    )

    def clean_website(self) -> str:
        value: str = self.cleaned_data.get("website", "")
        if value:
            raise forms.ValidationError(_("Leave this field empty."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("anonymous"):
            if not data.get("complainant_name"):
                self.add_error("complainant_name", _("Enter your name, or submit anonymously."))
            if not data.get("complainant_phone"):
                self.add_error("complainant_phone", _("Enter a phone number, or submit anonymously."))
        return data

    def to_input(self) -> ComplaintInput:
        d = self.cleaned_data
        return ComplaintInput(
            category_id=d["category"].pk,
            area_id=d["area"].pk if d.get("area") else None,
            location=d["location"],
            title=d["title"],
            content=d["content"],
            subject_name=d.get("subject_name", ""),
            occurred_on=d.get("occurred_on"),
            anonymous=bool(d.get("anonymous")),
            complainant_name=d.get("complainant_name", ""),
            complainant_phone=d.get("complainant_phone", ""),
            complainant_id_number=d.get("complainant_id_number", ""),
            complainant_address=d.get("complainant_address", ""),
            external_ref=d.get("external_ref", ""),
        )


class StaffComplaintForm(ComplaintForm):
    """Hotline calls, letters and visits entered by staff."""

    channel = forms.ChoiceField(
        label=pgettext_lazy("complaint", "Channel"),
        choices=[(c.value, c.label) for c in Channel if c in STAFF_CHANNELS],
    )
    external_ref = forms.CharField(label=_("Hotline ticket number"), max_length=40, required=False)
    complainant_id_number = forms.CharField(label=_("ID number (optional)"), max_length=18, required=False)
    complainant_address = forms.CharField(label=_("Address (optional)"), max_length=200, required=False)
    website = None  # type: ignore[assignment]  # no honeypot for staff
    field_order = ["channel", "external_ref"]


class TrackForm(forms.Form):
    code = forms.CharField(label=_("Tracking code"), max_length=30)


class FeedbackForm(forms.Form):
    rating = forms.ChoiceField(
        label=_("How satisfied are you with the reply?"), choices=Rating.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CallbackFeedbackForm(FeedbackForm):
    source = forms.CharField(
        widget=forms.HiddenInput, initial=ComplaintFeedback.Source.CALLBACK, required=False
    )


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Internal note (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (told to the complainant)"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class RedirectForm(forms.Form):
    competent_body = forms.CharField(label=_("Competent body"), max_length=100)
    contact = forms.CharField(label=_("Its contact (optional)"), max_length=100, required=False)
    reason = forms.CharField(
        label=_("Explanation (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReferForm(forms.Form):
    agency = forms.IntegerField(label=_("Agency on the platform"), required=False)
    external_body = forms.CharField(label=_("Or a body outside the platform"), max_length=100, required=False)
    reason = forms.CharField(
        label=_("Reason (told to the complainant)"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class AssignForm(forms.Form):
    unit = forms.IntegerField(label=_("Unit"), required=False)
    note = forms.CharField(label=_("Internal note (optional)"), max_length=2000, required=False)


class ProgressForm(forms.Form):
    public_note = forms.CharField(
        label=_("Note to the complainant"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    internal_note = forms.CharField(
        label=_("Internal note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ExtendForm(forms.Form):
    days = forms.IntegerField(label=_("Extend by (days)"), min_value=1, max_value=30)
    reason = forms.CharField(
        label=_("Reason (told to the complainant)"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReplyForm(forms.Form):
    reply = forms.CharField(
        label=_("Reply to the complainant"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )


class DuplicateForm(forms.Form):
    original = forms.IntegerField(label=_("Earlier complaint"))
    note = forms.CharField(label=_("Internal note (optional)"), max_length=1000, required=False)


class ConvertForm(forms.Form):
    party_kind = forms.ChoiceField(
        label=_("Party type"),
        choices=[
            ("organisation", pgettext_lazy("party kind", "Organisation")),
            ("person", pgettext_lazy("party kind", "Person")),
        ],
    )
    party_name = forms.CharField(label=_("Party name"), max_length=100)
    party_id_number = forms.CharField(label=_("Unified social credit code or ID number"), max_length=40)
    party_phone = forms.CharField(label=_("Party phone (optional)"), max_length=30, required=False)
    party_address = forms.CharField(label=_("Party address (optional)"), max_length=200, required=False)
    facts = forms.CharField(label=_("Facts"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)
    occurred_on = forms.DateField(label=_("Act occurred on"), widget=DateInput())
    location = forms.CharField(label=_("Location"), max_length=200, required=False)

    def party(self) -> dict[str, str]:
        d = self.cleaned_data
        return {
            "kind": d["party_kind"],
            "name": d["party_name"],
            "id_number": d["party_id_number"],
            "phone": d.get("party_phone", ""),
            "address": d.get("party_address", ""),
        }


# --- 复查 and 复核 (信访工作条例第三十五条、第三十六条) ------------------------------------------------


class ReviewRequestForm(forms.Form):
    """Staff of the body asked record the complainant's request (letter, visit, phone)."""

    answer_received_on = forms.DateField(
        label=_("Day the complainant received the written answer"), widget=DateInput()
    )
    requested_on = forms.DateField(label=_("Request received on"), required=False, widget=DateInput())
    request = forms.CharField(
        label=_("The complainant's request and reasons"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ReviewAnswerForm(forms.Form):
    opinion = forms.CharField(
        label=_("Opinion of the review (复查/复核)"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    upheld = forms.TypedChoiceField(
        label=_("The handling opinion is"),
        choices=[("yes", _("upheld")), ("no", _("not upheld (to be handled again or changed)"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    answered_on = forms.DateField(label=_("Opinion given on"), required=False, widget=DateInput())


class PublicReviewForm(forms.Form):
    """The complainant asks online from the progress page."""

    request = forms.CharField(
        label=_("Why are you not satisfied, and what do you ask for?"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
