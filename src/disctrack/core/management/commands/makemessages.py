"""`disctrack makemessages`: Django's, also reading the ``_noop`` alias of ``gettext_noop``.

The reports modules mark labels they translate where they are shown (treatment names, time
points, section titles) as ``_noop("...")``; xgettext knows only the standard names, so
without this keyword those labels would never reach the catalogue (Django's documented way
to add one: override ``xgettext_options``).
"""

from __future__ import annotations

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=_noop"]
