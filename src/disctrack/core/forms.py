from django import forms
from django.forms.utils import flatatt
from django.utils.html import escape
from django.utils.safestring import mark_safe


class LoginForm(forms.Form):
    username = forms.CharField(max_length=150, widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}))
    password = forms.CharField(widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))


class FastSelect(forms.Select):
    """A <select> rendered in Python: a network's site list has hundreds of options, and
    Django's template per option took longer than the rest of the page."""

    def render(self, name, value, attrs=None, renderer=None):
        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name
        chosen = {str(v) for v in self.format_value(value)}
        options = "".join(
            f'<option value="{escape(str(option))}"{" selected" if str(option) in chosen else ""}>'
            f"{escape(str(label))}</option>"
            for option, label in self.choices)
        return mark_safe(f"<select{flatatt(final)}>{options}</select>")
