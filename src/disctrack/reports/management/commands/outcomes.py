"""`disctrack outcomes`: every outcome figure of the registry, as JSON or a short summary.

See docs/outcomes-json.md. Runs with the definitions' full settings (all imputations and
bootstrap replicates), so it takes longer than the pages, which use fewer; ``--imputations``
and ``--bootstrap`` choose other numbers, and the report's ``settings`` say what was used.
"""

from __future__ import annotations

import json
import re

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from disctrack.outcomes import load_definitions
from disctrack.outcomes.disclosure import public_report
from disctrack.registry.models import Site
from disctrack.reports.analysis import Profile
from disctrack.reports.service import Selection, compute_payload
from disctrack.reports.text_summary import summary_lines

BAD_ARGUMENT = 2
MAX_IMPUTATIONS = 1000
MAX_BOOTSTRAP = 100_000


def parse_count(option: str, raw: str | None, low: int, high: int) -> int | None:
    """A whole number from ``low`` to ``high`` given to ``option``, or None when not given."""
    if raw is None:
        return None
    if not re.fullmatch(r"\s*\d+\s*", raw) or not low <= int(raw) <= high:
        raise CommandError(f"{option} must be a whole number from {low} to {high:,}, not {raw!r}",
                           returncode=BAD_ARGUMENT)
    return int(raw)


def profile_from(options: dict) -> Profile:
    """The definitions' full settings, with the numbers given on the command line instead."""
    imputations = parse_count("--imputations", options["imputations"], 2, MAX_IMPUTATIONS)
    bootstrap = parse_count("--bootstrap", options["bootstrap"], 1, MAX_BOOTSTRAP)
    if imputations is None and bootstrap is None:
        return Profile("full")
    return Profile("custom", n_imputations=imputations, n_bootstrap=bootstrap, candidacy_bootstrap=bootstrap)


class Command(BaseCommand):
    help = "Compute the outcome report (all sites, or --site ones) and print it."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="print the full report as JSON")
        parser.add_argument("--site", action="append", default=[], metavar="CODE",
                            help="only this site (repeat for several); default every site")
        parser.add_argument("--seed", type=int, default=0,
                            help="seeds imputations and bootstraps: same data and seed, same figures")
        parser.add_argument("--imputations", metavar="N",
                            help="multiple imputations, 2 or more (default: the definitions' n_imputations)")
        parser.add_argument("--bootstrap", metavar="N",
                            help="bootstrap replicates of the adjusted comparison and of the candidacy "
                                 "intervals, 1 or more (default: the definitions' numbers)")
        parser.add_argument("--output", metavar="FILE", help="write to FILE instead of standard output")
        parser.add_argument("--public", action="store_true",
                            help="aggregates safe to publish: counts below the minimum cell size suppressed")

    def handle(self, *args, **options):
        profile = profile_from(options)
        sites = self._sites(options["site"])
        payload = compute_payload(Selection.of(s.id for s in sites), profile=profile, seed=options["seed"],
                                  as_of=timezone.now().date(), figures=False)
        report = payload["report"]
        report["seconds"] = payload["seconds"]
        if options["public"]:
            report = public_report(report, load_definitions().min_cell_size)
        text = _dumps(report) if options["json"] else "\n".join(summary_lines(report)) + "\n"
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8") as handle:
                handle.write(text)
            self.stderr.write(f"Wrote {options['output']}")
        else:
            self.stdout.write(text, ending="")

    def _sites(self, codes: list[str]) -> list[Site]:
        if not codes:
            sites = list(Site.objects.order_by("code"))
            if not sites:
                raise CommandError("The registry has no sites yet (disctrack addsite)", returncode=2)
            return sites
        found = {s.code: s for s in Site.objects.filter(code__in=codes)}
        unknown = [code for code in codes if code not in found]
        if unknown:
            known = ", ".join(Site.objects.order_by("code").values_list("code", flat=True)) or "none"
            raise CommandError(f"No site with code {', '.join(unknown)} (known sites: {known})",
                               returncode=2)
        return [found[code] for code in dict.fromkeys(codes)]


def _dumps(report: dict) -> str:
    return json.dumps(report, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
