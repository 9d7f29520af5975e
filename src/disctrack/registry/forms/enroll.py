"""The enrollment form: registration, identity, episode and per-level imaging in one page."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from disctrack.core.forms import FastSelect
from disctrack.registry.access import WRITE, sites_for
from disctrack.registry.choices import LEVELS, Language
from disctrack.registry.forms.errors import FormGroup, add_action_errors
from disctrack.registry.forms.patients import EpisodeForm, IdentityForm, imaging_forms


class RegistrationForm(forms.Form):
    site = forms.ModelChoiceField(queryset=None, label="Site", empty_label=None, widget=FastSelect)
    language = forms.ChoiceField(
        label="Language of questionnaires and messages", choices=Language.choices
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites_for(user, WRITE).order_by("name")


class EnrollmentForm(FormGroup):
    """Registration, identity, episode and imaging, validated and reported as one form.

    Imaging is asked for every level and kept for the levels chosen in the episode; the
    other levels' rows are ignored (a small script hides them in the browser).
    """

    def __init__(self, user, data=None):
        self.registration = RegistrationForm(data, user=user)
        self.identity = IdentityForm(data, prefix="identity")
        self.episode = EpisodeForm(data, prefix="episode")
        self.imaging = imaging_forms(LEVELS, data)
        chosen = set(self.episode["levels"].value() or [])
        self.chosen_imaging = [form for form in self.imaging if form.level in chosen]
        super().__init__(self.registration, self.identity, self.episode, *self.chosen_imaging)

    def enroll_arguments(self) -> dict:
        """Keyword arguments of do_enroll_patient, from the cleaned forms."""
        return {
            "identity": self.identity.cleaned_data,
            "episode": self.episode.cleaned_data,
            "imaging": [form.row() for form in self.chosen_imaging],
            "language": self.registration.cleaned_data["language"],
        }

    def add_action_errors(self, error: ValidationError) -> None:
        parts = {"identity": self.identity, "episode": self.episode}
        parts.update({f"imaging[{i}]": form for i, form in enumerate(self.chosen_imaging)})
        add_action_errors(error, self.registration, parts)
