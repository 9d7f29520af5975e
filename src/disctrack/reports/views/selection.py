"""Read a report's filters from the query string, through the registry's access rules.

A site or physician the user does not belong to is a 404, as for any other record; an
unknown treatment, time point or grouping is a 400.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.exceptions import BadRequest
from django.http import Http404
from django.utils.translation import gettext
from django.utils.translation import gettext_noop as _noop

from disctrack.outcomes.frames import TREATMENT_CLASSES, TREATMENTS
from disctrack.registry.access import access_site, site_ids, sites_for
from disctrack.registry.models import Physician, Site
from disctrack.reports.formatting import TIMEPOINT_LABELS, group_label, timepoint_label
from disctrack.reports.service import Selection

LEVELS = {"treatment_class": _noop("Treatment class"), "treatment": _noop("Treatment")}
DEFAULT_TIMEPOINT = "m12"


@dataclass
class Filters:
    sites: list[Site]
    site: Site | None
    physicians: list[Physician]
    physician: Physician | None
    treatment: str
    timepoint: str
    by: str
    selection: Selection

    @property
    def site_choices(self) -> list[tuple[str, str]]:
        return [(site.code, site.name) for site in self.sites]

    @property
    def physician_choices(self) -> list[tuple[int, str]]:
        return [(physician.id, physician.name) for physician in self.physicians]

    @property
    def treatment_choices(self) -> list[tuple[str, str]]:
        classes = [(c, group_label(c)) for c in TREATMENT_CLASSES]
        kinds = [(k, group_label(k)) for k, c in TREATMENTS.items() if c != k]
        return classes + kinds

    @property
    def timepoint_choices(self) -> list[tuple[str, str]]:
        return [(code, timepoint_label(code)) for code in TIMEPOINT_LABELS if code != "baseline"]

    @property
    def level_choices(self) -> list[tuple[str, str]]:
        return [(code, gettext(label)) for code, label in LEVELS.items()]

    def query(self) -> str:
        """The same filters as a query string, for links to the PDF."""
        params = {"site": self.site.code if self.site else "", "physician": self.physician.id if self.physician else "",
                  "treatment": self.treatment, "timepoint": self.timepoint, "by": self.by}
        return urlencode({k: v for k, v in params.items() if v})


def _choice(request, name: str, allowed, default: str = "") -> str:
    value = request.GET.get(name, "").strip() or default
    if value and value not in allowed:
        raise BadRequest(f"Unknown {name} {value!r}")
    return value


def read_filters(request) -> Filters:
    user = request.user
    mine = list(sites_for(user).order_by("name"))
    if not mine:
        raise Http404("You belong to no site")
    code = request.GET.get("site", "").strip()
    site = access_site(user, code) if code else None
    chosen = [site.id] if site else site_ids(user)
    physicians = list(Physician.objects.filter(site_id__in=chosen).order_by("name"))
    physician = None
    if request.GET.get("physician", "").strip():
        wanted = request.GET["physician"].strip()
        physician = next((p for p in physicians if str(p.id) == wanted), None)
        if physician is None:
            raise Http404("No such physician")
    treatment = _choice(request, "treatment", set(TREATMENTS) | set(TREATMENT_CLASSES))
    timepoint = _choice(request, "timepoint", TIMEPOINT_LABELS, DEFAULT_TIMEPOINT)
    by = _choice(request, "by", LEVELS, "treatment_class")
    selection = Selection.of(chosen, physician.id if physician else None, treatment)
    return Filters(mine, site, physicians, physician, treatment, timepoint, by, selection)
