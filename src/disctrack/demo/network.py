"""The demo network: sites, physicians and staff accounts, and the synthetic-name lists.

Names are plausible, but every identifier marks the data as synthetic: e-mail addresses
are at example.test (reserved, RFC 2606), telephone numbers are in ranges set aside for
fiction (+1 555 01xx, Ofcom's +44 7700 900xxx, +34 600 00x xxx) and record numbers start
with DEMO-.
"""

from __future__ import annotations

from dataclasses import dataclass

# Every demo account has this password; it is printed at the end of `disctrack demo`.
DEMO_PASSWORD = "spine-demo-password"
EMAIL_DOMAIN = "example.test"


@dataclass(frozen=True)
class SiteSpec:
    code: str
    name: str
    timezone: str
    share: float  # of the cohort
    spanish_share: float  # patients answering in Spanish
    phone_prefix: str  # followed by random digits up to phone_digits
    phone_digits: int
    mrn_prefix: str
    physicians: tuple[str, ...]


SITES = (
    SiteSpec("madrid", "Madrid Spine Institute (demo)", "Europe/Madrid", 0.32, 0.9,
             "+3460000", 4, "MAD", ("Dr. Lucía Navarro", "Dr. Javier Ortega", "Dr. Elena Prieto")),
    SiteSpec("denver", "Denver Disc Center (demo)", "America/Denver", 0.24, 0.1,
             "+155501", 5, "DEN", ("Dr. Hannah Brooks", "Dr. Marcus Reed")),
    SiteSpec("london", "London Back Clinic (demo)", "Europe/London", 0.20, 0.03,
             "+447700900", 3, "LON", ("Dr. Oliver Hart", "Dr. Priya Shah", "Dr. Fiona Grant")),
    SiteSpec("new-york", "New York Spine Group (demo)", "America/New_York", 0.24, 0.2,
             "+155501", 5, "NYC", ("Dr. Daniel Kim", "Dr. Rosa Delgado")),
)

POSTAL_CODES = {
    "madrid": ("28001", "28004", "28010", "28015", "28028", "28039", "28045"),
    "denver": ("80202", "80205", "80210", "80218", "80220", "80231"),
    "london": ("E1 6AN", "N1 9GU", "SE1 7PB", "SW4 0LG", "W2 1JB", "NW3 2QG"),
    "new-york": ("10001", "10009", "10016", "10025", "10032", "10128"),
}

GIVEN_NAMES = {
    ("es", "female"): ("Ana", "Carmen", "Lucía", "María", "Paula", "Sofía", "Elena", "Marta",
                       "Isabel", "Laura", "Pilar", "Rocío"),
    ("es", "male"): ("Alejandro", "Carlos", "David", "Javier", "José", "Luis", "Manuel",
                     "Miguel", "Pablo", "Sergio", "Antonio", "Diego"),
    ("en", "female"): ("Amelia", "Charlotte", "Emily", "Grace", "Hannah", "Isla", "Jessica",
                       "Lily", "Olivia", "Sarah", "Megan", "Chloe"),
    ("en", "male"): ("Daniel", "George", "Henry", "Jack", "James", "Liam", "Noah", "Oliver",
                     "Samuel", "Thomas", "Ethan", "Ryan"),
}
GIVEN_NAMES_OTHER = ("Alex", "Sam", "Robin", "Ariel", "Noa", "Cruz")
FAMILY_NAMES = {
    "es": ("García", "Fernández", "González", "Rodríguez", "López", "Martínez", "Sánchez",
           "Pérez", "Gómez", "Martín", "Jiménez", "Ruiz", "Hernández", "Díaz", "Moreno",
           "Álvarez", "Romero", "Navarro", "Torres", "Domínguez"),
    "en": ("Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies",
           "Robinson", "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green",
           "Hall", "Wood", "Jackson", "Clarke"),
}


@dataclass(frozen=True)
class StaffSpec:
    username: str
    first_name: str
    last_name: str
    role: str
    sites: tuple[str, ...]  # site codes; the role holds at each


def _site_staff() -> tuple[StaffSpec, ...]:
    """Each site's coordinator (enters paper forms, reports complications) and clinician
    (adjudicates them)."""
    people = {
        "madrid": (("Nuria", "Campos"), ("Andrés", "Vidal")),
        "denver": (("Kayla", "Morgan"), ("Tyler", "Hughes")),
        "london": (("Imogen", "Price"), ("Rahul", "Mehta")),
        "new-york": (("Maya", "Ortiz"), ("Jordan", "Lee")),
    }
    staff = []
    for code, (coordinator, clinician) in people.items():
        staff.append(StaffSpec(f"{code}-coordinator", *coordinator, "coordinator", (code,)))
        staff.append(StaffSpec(f"{code}-clinician", *clinician, "clinician", (code,)))
    return tuple(staff)


ALL_SITES = tuple(site.code for site in SITES)
STAFF = (
    StaffSpec("network-admin", "Noelia", "Arias", "administrator", ALL_SITES),
    StaffSpec("madrid-admin", "Tomás", "Rey", "administrator", ("madrid",)),
    *_site_staff(),
    StaffSpec("analyst", "Ingrid", "Berg", "analyst", ALL_SITES),
    StaffSpec("madrid-readonly", "Raúl", "Soto", "read_only", ("madrid",)),
)
