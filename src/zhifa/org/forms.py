from __future__ import annotations

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, max_length=256)


class AdminLoginForm(AdminAuthenticationForm):
    """The Django admin's sign-in, saying "locked" when the throttled backend refused (org.auth)."""

    def get_invalid_login_error(self) -> forms.ValidationError:
        from zhifa.org.auth import login_refusal

        refusal = login_refusal(self.request) if self.request is not None else None
        if refusal is not None:
            return forms.ValidationError(str(refusal.message), code="login_locked")
        return super().get_invalid_login_error()
