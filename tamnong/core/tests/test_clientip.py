import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from tamnong.core.clientip import client_ip


def request(remote="203.0.113.5", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_the_forwarded_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert client_ip(request("203.0.113.5", "1.2.3.4")) == "203.0.113.5"


def test_a_trusted_proxy_names_the_client_and_the_client_cannot_add_hops(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/8"]
    assert client_ip(request("127.0.0.1", "198.51.100.9")) == "198.51.100.9"
    # the left part was written by the client: only the right-most untrusted hop counts
    assert client_ip(request("127.0.0.1", "6.6.6.6, 198.51.100.9, 10.0.0.2")) == "198.51.100.9"
    # a peer that is not a trusted proxy cannot speak for anybody
    assert client_ip(request("203.0.113.5", "198.51.100.9")) == "203.0.113.5"


def test_a_comma_separated_setting_and_ipv6_work(settings):
    settings.TRUSTED_PROXIES = "::1, 127.0.0.1"
    assert client_ip(request("::1", "[2001:db8::7]:4431")) == "2001:db8::7"
    assert client_ip(request("127.0.0.1", "198.51.100.9:8080")) == "198.51.100.9"


def test_an_unknown_peer_gives_no_address(settings):
    assert client_ip(request("")) is None


def test_a_bad_setting_is_a_configuration_error(settings):
    settings.TRUSTED_PROXIES = ["proxy.example"]
    with pytest.raises(ImproperlyConfigured):
        client_ip(request("127.0.0.1", "1.2.3.4"))
