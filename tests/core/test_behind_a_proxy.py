"""Limits that hold behind the TLS proxy the operations guide recommends (issue #10, item 3).

Behind a proxy every request connects from the proxy's address. Before this change 20
wrong survey tokens from anyone locked every patient's valid link, and 5 failed log-ins with
made-up names locked out every coordinator.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from tests.conftest import PASSWORD

from disctrack.core.proxies import client_address, parse_networks

PROXY = "10.0.0.2"
TRUSTED = parse_networks("DISCTRACK_TRUSTED_PROXIES", "10.0.0.2, 192.168.50.0/24")


@pytest.mark.parametrize(("remote", "forwarded", "expected"), [
    # No proxy declared as trusted: the header is anyone's to forge and is ignored.
    ("203.0.113.7", "198.51.100.1", "203.0.113.7"),
    # From the declared proxy: the hop it added is the client.
    (PROXY, "198.51.100.1", "198.51.100.1"),
    # A client forging the header gets its own address, the right-most untrusted hop.
    (PROXY, "6.6.6.6, 198.51.100.1", "198.51.100.1"),
    # Two declared proxies in a chain.
    (PROXY, "198.51.100.1, 192.168.50.9", "198.51.100.1"),
    # A garbled header from the proxy: count the proxy, not a made-up name.
    (PROXY, "not-an-address", PROXY),
    (PROXY, "", PROXY),
])
def test_the_client_address_is_taken_from_the_header_only_from_a_declared_proxy(remote, forwarded, expected):
    assert client_address(remote, forwarded, TRUSTED) == expected


def test_an_undeclared_proxy_header_is_ignored():
    assert client_address("10.0.0.2", "198.51.100.1", ()) == "10.0.0.2"


def test_a_malformed_proxy_list_is_refused_naming_the_entry():
    with pytest.raises(ValueError, match="'10.0.0.300'"):
        parse_networks("DISCTRACK_TRUSTED_PROXIES", "10.0.0.1, 10.0.0.300")


def _patient(forwarded_for: str) -> Client:
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded_for)


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = TRUSTED


def test_a_guesser_behind_the_proxy_blocks_only_itself(behind_proxy, survey_link):
    _, token = survey_link
    guesser = _patient("198.51.100.66")
    for attempt in range(settings.SURVEY_GUESS_LIMIT):
        guesser.get(reverse("survey-start", args=[f"guess-{attempt}"]))
    assert guesser.get(reverse("survey-start", args=["one-more-guess"])).status_code == 429
    # Another patient, through the same proxy, opens a valid link.
    assert _patient("198.51.100.7").get(reverse("survey-start", args=[token])).status_code == 200


def test_a_valid_link_opens_even_from_an_address_that_guessed(survey_link):
    # Without a declared proxy every patient behind it shares one address: the failures
    # may be someone else's, so they never refuse a link that exists.
    _, token = survey_link
    shared = Client(REMOTE_ADDR=PROXY)
    for attempt in range(settings.SURVEY_GUESS_LIMIT):
        shared.get(reverse("survey-start", args=[f"guess-{attempt}"]))
    assert shared.get(reverse("survey-start", args=["one-more-guess"])).status_code == 429
    assert shared.get(reverse("survey-start", args=[token])).status_code == 200


def test_made_up_names_behind_the_proxy_do_not_lock_out_coordinators(behind_proxy, personas):
    attacker = _patient("198.51.100.66")
    for attempt in range(settings.LOGIN_FAILURE_LIMIT * 3):
        attacker.post(reverse("login"), {"username": f"nobody{attempt}", "password": "wrong"})
    coordinator = _patient("198.51.100.7")
    response = coordinator.post(reverse("login"), {"username": "coordinator", "password": PASSWORD})
    assert response.status_code == 302


def test_one_address_is_limited_after_many_failures_across_accounts(personas):
    # Per address, with a higher limit than per account (a clinic shares one address).
    attacker = Client(REMOTE_ADDR="198.51.100.66")
    for attempt in range(settings.LOGIN_ADDRESS_FAILURE_LIMIT):
        attacker.post(reverse("login"), {"username": f"nobody{attempt}", "password": "wrong"})
    response = attacker.post(reverse("login"), {"username": "coordinator", "password": PASSWORD})
    assert response.status_code == 429
    assert Client(REMOTE_ADDR="198.51.100.7").post(
        reverse("login"), {"username": "coordinator", "password": PASSWORD}).status_code == 302
