"""Forms of the power list pages. They only parse input into `VersionContent`; the rules are checked
by the services (`content.validate_content`), whose messages the views show as form errors."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zhifa.org.models import OrgNode
from zhifa.powers.content import TierContent, VersionContent
from zhifa.powers.models import Category, PartyType, PowerItemVersion

AMOUNT = {"max_digits": 14, "decimal_places": 2, "min_value": 0, "required": False}


class PowerItemForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=40, required=False)
    name = forms.CharField(label=_("Name"), max_length=300)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    party_type = forms.ChoiceField(label=_("Party type"), choices=PartyType.choices)
    agency = forms.ModelChoiceField(
        label=_("Responsible agency"),
        queryset=OrgNode.objects.filter(kind=OrgNode.Kind.AGENCY, is_active=True).order_by("path"),
        required=False,
    )
    area = forms.CharField(label=_("Enforcement area"), max_length=50, required=False)
    violated_provision = forms.CharField(
        label=_("Violated provision"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("As written, e.g. 《城市道路管理条例》第二十七条第（一）项；several separated by ；"),
    )
    penalty_provision = forms.CharField(
        label=_("Penalty provision"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    penalty_text = forms.CharField(
        label=_("Penalty"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    fine_min = forms.DecimalField(label=_("Minimum fine"), **AMOUNT)  # type: ignore[arg-type]
    fine_max = forms.DecimalField(label=_("Maximum fine"), **AMOUNT)  # type: ignore[arg-type]
    fine_basis = forms.CharField(
        label=_("Fine basis"),
        max_length=50,
        required=False,
        help_text=_(
            "fixed = yuan; or what the numbers are a percentage, multiple or rate of, e.g. 建设工程造价%"
        ),
    )
    other_measures = forms.CharField(
        label=_("Other measures"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    guide = forms.CharField(
        label=_("Procedure and guide"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    source = forms.CharField(label=_("Source"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    change_note = forms.CharField(label=_("Change note"), max_length=300, required=False)

    def __init__(self, *args: Any, creating: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.creating = creating
        if creating:
            self.fields["code"].required = True
        else:
            del self.fields["code"]

    def content(self, tiers: tuple[TierContent, ...]) -> VersionContent:
        d = self.cleaned_data
        return VersionContent(
            name=d["name"].strip(),
            category=d["category"],
            party_type=d["party_type"],
            violated_provision=d["violated_provision"].strip(),
            penalty_provision=d["penalty_provision"].strip(),
            penalty_text=d["penalty_text"].strip(),
            fine_min=d["fine_min"],
            fine_max=d["fine_max"],
            fine_basis=d["fine_basis"].strip(),
            other_measures=d["other_measures"].strip(),
            guide=d["guide"].strip(),
            source=d["source"].strip(),
            tiers=tiers,
        )


def initial_from(version: PowerItemVersion) -> dict[str, Any]:
    item = version.item
    return {
        "name": version.name,
        "category": version.category,
        "party_type": version.party_type,
        "agency": item.agency_id,
        "area": item.area,
        "violated_provision": version.violated_provision,
        "penalty_provision": version.penalty_provision,
        "penalty_text": version.penalty_text,
        "fine_min": version.fine_min,
        "fine_max": version.fine_max,
        "fine_basis": version.fine_basis,
        "other_measures": version.other_measures,
        "guide": version.guide,
        "source": version.source,
    }


class TierForm(forms.Form):
    name = forms.CharField(label=_("Tier"), max_length=50, required=False)
    circumstances = forms.CharField(
        label=_("Circumstances"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    fine_min = forms.DecimalField(label=_("Minimum"), **AMOUNT)  # type: ignore[arg-type]
    fine_max = forms.DecimalField(label=_("Maximum"), **AMOUNT)  # type: ignore[arg-type]
    measures = forms.CharField(label=_("Measures"), required=False)
    source = forms.CharField(label=_("Source"), required=False)


TierFormSet = forms.formset_factory(TierForm, extra=2, can_delete=True, max_num=50, validate_max=True)


def tiers_from(formset: Any) -> tuple[TierContent, ...]:
    """Tiers in form order; rows without a name (the empty extra rows) and deleted rows are skipped."""
    tiers = []
    for form in formset.forms:
        d = getattr(form, "cleaned_data", None) or {}
        if not d or d.get("DELETE") or not (d.get("name") or "").strip():
            continue
        tiers.append(
            TierContent(
                name=d["name"].strip(),
                circumstances=(d.get("circumstances") or "").strip(),
                fine_min=d.get("fine_min"),
                fine_max=d.get("fine_max"),
                measures=(d.get("measures") or "").strip(),
                source=(d.get("source") or "").strip(),
            )
        )
    return tuple(tiers)


def tier_initial(version: PowerItemVersion) -> list[dict[str, Any]]:
    return [
        {
            "name": t.name,
            "circumstances": t.circumstances,
            "fine_min": t.fine_min,
            "fine_max": t.fine_max,
            "measures": t.measures,
            "source": t.source,
        }
        for t in version.tiers.all()
    ]


class ImportForm(forms.Form):
    items = forms.FileField(label=_("Power items (CSV or XLSX)"), required=False)
    tiers = forms.FileField(label=_("Discretion tiers (CSV or XLSX)"), required=False)
    agency = forms.ModelChoiceField(
        label=_("Responsible agency of new items"),
        queryset=OrgNode.objects.filter(kind=OrgNode.Kind.AGENCY, is_active=True).order_by("path"),
        required=False,
    )
    area = forms.CharField(label=_("Enforcement area of new items"), max_length=50, required=False)
    # Publishing is a deliberate choice: the imported versions otherwise stay drafts to check first.
    publish = forms.BooleanField(label=_("Publish at once"), required=False, initial=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("items") and not data.get("tiers"):
            raise forms.ValidationError(_("Choose a power item file or a tier file."))
        return data


class DiscretionForm(forms.Form):
    tier = forms.CharField(label=_("Tier"), required=False)
    party_kind = forms.ChoiceField(
        label=_("Party"),
        choices=[("person", PartyType.PERSON.label), ("organisation", PartyType.ORGANISATION.label)],
    )
    base_amount = forms.DecimalField(label=_("Base amount"), **AMOUNT)  # type: ignore[arg-type]
    amount = forms.DecimalField(label=_("Proposed fine (yuan)"), **AMOUNT)  # type: ignore[arg-type]
