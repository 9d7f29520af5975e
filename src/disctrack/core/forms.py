from django import forms
from django.forms.utils import flatatt
from django.utils.html import escape
from django.utils.safestring import mark_safe


class LoginForm(forms.Form):
    username = forms.CharField(max_length=150, widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}))
    password = forms.CharField(widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))


def option_tags(choices, selected="") -> str:
    """<option>s of (value, label) pairs, those whose value is in ``selected`` (one value or
    several) selected; built in Python: a network's lists of clinics and physicians have
    hundreds of entries, and a template per option cost more than the rest of the page."""
    chosen = {str(v) for v in selected} if isinstance(selected, list | tuple | set) else {
        "" if selected is None else str(selected)}
    return mark_safe("".join(
        f'<option value="{escape(str(value))}"{" selected" if str(value) in chosen else ""}>'
        f"{escape(str(label))}</option>"
        for value, label in choices))


class FastSelect(forms.Select):
    """A <select> whose options are built by option_tags."""

    def render(self, name, value, attrs=None, renderer=None):
        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name
        return mark_safe(f"<select{flatatt(final)}>{option_tags(self.choices, self.format_value(value))}</select>")
