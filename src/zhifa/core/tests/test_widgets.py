"""Date inputs carry ISO values whatever the language: the browser drops any other format."""

import datetime as dt

from django import forms
from django.utils import translation

from zhifa.core.widgets import DateInput


class _Form(forms.Form):
    expires_on = forms.DateField(widget=DateInput())


def test_a_date_input_renders_iso_in_chinese() -> None:
    with translation.override("zh-hans"):
        html = str(_Form(initial={"expires_on": dt.date(2029, 10, 5)})["expires_on"])
    assert 'type="date"' in html and 'value="2029-10-05"' in html


def test_the_officers_forms_use_it() -> None:
    from zhifa.officers.forms import CredentialIssueForm

    with translation.override("zh-hans"):
        html = str(CredentialIssueForm(initial={"expires_on": dt.date(2029, 10, 5)})["expires_on"])
    assert 'value="2029-10-05"' in html
