"""Staff accounts, their roles at sites, and physicians: the administrators' forms."""

from __future__ import annotations

from django import forms

from disctrack.core.forms import FastSelect
from disctrack.registry.choices import Role

# No role is preselected: administrator must never be given by an unchanged default.
ROLE_CHOICES = [("", "Choose a role"), *Role.choices]


class _NewPassword(forms.Form):
    """Two password fields that must agree; the action checks the password's strength."""

    password = forms.CharField(
        label="Password", strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 10 characters, not a common password, not all digits, not like the user name.",
    )
    password_again = forms.CharField(
        label="Password again", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password_again") and data["password"] != data["password_again"]:
            self.add_error("password_again", "The two passwords differ")
        return data


class _AtOneOfTheSites(forms.Form):
    """A form whose site is one of those the administrator runs (``sites=``)."""

    site = forms.ModelChoiceField(label="Site", queryset=None, empty_label=None, widget=FastSelect)

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites


class StaffCreateForm(_NewPassword, _AtOneOfTheSites):
    username = forms.CharField(label="User name", max_length=150,
                               help_text="What they log in with; letters, digits and @ . + - _ only.")
    first_name = forms.CharField(label="Given name", max_length=150)
    last_name = forms.CharField(label="Family name", max_length=150)
    email = forms.EmailField(label="E-mail", required=False)
    role = forms.ChoiceField(label="Role", choices=ROLE_CHOICES)

    field_order = ["username", "first_name", "last_name", "email", "site", "role", "password", "password_again"]


class RoleForm(_AtOneOfTheSites):
    role = forms.ChoiceField(label="Role", choices=ROLE_CHOICES)


class RemoveRoleForm(_AtOneOfTheSites):
    reason = forms.CharField(label="Reason", max_length=500, help_text="For the audit trail, e.g. left the clinic.")


class AccountStatusForm(forms.Form):
    active = forms.TypedChoiceField(choices=[("1", "Restore"), ("0", "Suspend")], coerce=lambda v: v == "1",
                                    widget=forms.HiddenInput)
    reason = forms.CharField(label="Reason", max_length=500, help_text="For the audit trail.")


class PasswordResetForm(_NewPassword):
    """An administrator sets a new password for someone who lost theirs."""


class PhysicianForm(_AtOneOfTheSites):
    name = forms.CharField(label="Name", max_length=200, help_text="As it should appear on reports, e.g. Dr. Ana Ruiz.")


class OwnPasswordForm(_NewPassword):
    current_password = forms.CharField(
        label="Current password", strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )
    field_order = ["current_password", "password", "password_again"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_current_password(self):
        if not self.user.check_password(self.cleaned_data["current_password"]):
            raise forms.ValidationError("That is not your current password")
        return self.cleaned_data["current_password"]
