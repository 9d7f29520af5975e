"""Import steps for sites and their physicians."""

from __future__ import annotations

from disctrack.interop.context import ACTOR, ImportContext
from disctrack.interop.csv_format import PHYSICIANS, SITES
from disctrack.registry.actions import do_add_physician, do_create_site
from disctrack.registry.models import Physician, Site


def load_sites(ctx: ImportContext) -> None:
    for row in ctx.rows(SITES):
        code = row.get("code")
        if code is None or not ctx.first_time(row, "code", code, f"site {code!r}"):
            continue
        if Site.objects.filter(code=code).exists():
            ctx.error(row, "code", f"site {code!r} already exists in the registry")
            site = None
        elif row.readable:
            site = ctx.attempt(row, lambda row=row: do_create_site(
                ACTOR, **row.pick("code", "name", "timezone", "protocol", "sms_enabled")))
        else:
            site = None
        if site is None:
            ctx.failed["site"].add(code)


def load_physicians(ctx: ImportContext) -> None:
    for row in ctx.rows(PHYSICIANS):
        if not row.readable:
            continue
        key = (row["site"], row["name"].strip())
        if not ctx.first_time(row, "name", key, f"physician {key[1]!r} at site {key[0]!r}"):
            continue
        site = ctx.site(row)
        if site is None:
            ctx.failed["physician"].add(key)
            continue
        if Physician.objects.filter(site=site, name=key[1]).exists():
            ctx.error(row, "name", f"physician {key[1]!r} at site {key[0]!r} already exists "
                      "in the registry")
            physician = None
        else:
            physician = ctx.attempt(row, lambda row=row, site=site: do_add_physician(
                ACTOR, site, row["name"]))
        if physician is None:
            ctx.failed["physician"].add(key)


def physician_for(ctx: ImportContext, row, site: Site) -> Physician | None:
    """The physician named in a treatment row, at the patient's site."""
    name = row["physician"].strip()
    physician = Physician.objects.filter(site=site, name=name).first()
    if physician is not None:
        return physician
    if (site.code, name) in ctx.failed["physician"]:
        ctx.skip()
    else:
        ctx.error(row, "physician", f"no physician named {name!r} at site {site.code!r} "
                  "(physicians.csv)")
    return None
