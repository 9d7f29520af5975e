"""`disctrack outcomes`: every outcome figure of the registry, as JSON or a short summary.

See docs/outcomes-json.md. Runs with the definitions' full settings (all imputations and
bootstrap replicates), so it takes longer than the pages, which use fewer.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from disctrack.outcomes import load_definitions
from disctrack.registry.models import Site
from disctrack.reports.analysis import FULL
from disctrack.reports.disclosure import public_report
from disctrack.reports.service import Selection, compute_payload
from disctrack.reports.text_summary import summary_lines


class Command(BaseCommand):
    help = "Compute the outcome report (all sites, or --site ones) and print it."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="print the full report as JSON")
        parser.add_argument("--site", action="append", default=[], metavar="CODE",
                            help="only this site (repeat for several); default every site")
        parser.add_argument("--seed", type=int, default=0,
                            help="seeds imputations and bootstraps: same data and seed, same figures")
        parser.add_argument("--output", metavar="FILE", help="write to FILE instead of standard output")
        parser.add_argument("--public", action="store_true",
                            help="aggregates safe to publish: counts below the minimum cell size suppressed")

    def handle(self, *args, **options):
        sites = self._sites(options["site"])
        payload = compute_payload(Selection.of(s.id for s in sites), profile=FULL, seed=options["seed"],
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
