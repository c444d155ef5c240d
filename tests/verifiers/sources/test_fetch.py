"""Safe fetching against a real server on 127.0.0.1: what is fetched, and every refusal."""

from __future__ import annotations

import gzip
import ipaddress
import time

import pytest

from tests.support.local_server import (
    LocalServer,
    chunked,
    drip,
    drip_headers,
    loopback_policy,
    page,
    redirect,
    self_signed,
    send,
)
from verifiers.domain.errors import ClaimbotError
from verifiers.sources.fetch import FetchFailed, FetchPolicy, FetchRefused, fetch, refusal_reason


@pytest.fixture
def server():
    with LocalServer() as srv:
        yield srv


def resolving(answers: dict[str, list[str]], calls: list[str] | None = None):
    def resolve(host: str, port: int) -> list[str]:
        if calls is not None:
            calls.append(host)
        if host not in answers:
            raise OSError("no such host")
        return answers[host]

    return resolve


# -- what is fetched -------------------------------------------------------------------------
def test_fetches_a_page_from_the_allowed_test_server(server):
    server.routes["/a"] = page("<p>héllo</p>")
    result = fetch(server.url("/a"), loopback_policy())
    assert result.status == 200
    assert result.content_type == "text/html"
    assert result.text == "<p>héllo</p>"
    assert result.url == server.url("/a")


def test_connects_to_the_checked_address_with_the_original_host_header(server):
    server.routes["/hi"] = page("ok")
    calls: list[str] = []
    policy = loopback_policy(resolver=resolving({"news.example": ["127.0.0.1"]}, calls))
    result = fetch(f"http://news.example:{server.port}/hi", policy)
    assert result.text == "ok"
    assert calls == ["news.example"]  # resolved once: what was checked is what was used
    assert server.seen[0].headers["host"] == f"news.example:{server.port}"


def test_follows_redirects_within_the_limit_and_checks_each_hop(server):
    server.routes["/1"] = redirect("/2")
    server.routes["/2"] = redirect(server.url("/3"), 301)
    server.routes["/3"] = page("end")
    result = fetch(server.url("/1"), loopback_policy())
    assert result.text == "end"
    assert result.redirects == [server.url("/2"), server.url("/3")]
    assert result.url == server.url("/3")


def test_https_keeps_the_host_name_for_sni_and_certificate_checks(tmp_path):
    server_ctx, client_ctx = self_signed(tmp_path, "secure.example")
    with LocalServer(tls=server_ctx) as srv:
        srv.routes["/s"] = page("secret-free")
        resolver = resolving({"secure.example": ["127.0.0.1"], "other.example": ["127.0.0.1"]})
        policy = loopback_policy(resolver=resolver, verify=client_ctx)
        assert fetch(f"https://secure.example:{srv.port}/s", policy).text == "secret-free"
        with pytest.raises(FetchFailed, match=r"cannot connect to other\.example"):
            fetch(f"https://other.example:{srv.port}/s", policy)


def test_proxy_environment_variables_are_ignored(server, monkeypatch):
    server.routes["/direct"] = page("direct")
    with LocalServer() as proxy:
        for name in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "ALL_PROXY"):
            monkeypatch.setenv(name, proxy.url())
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        assert fetch(server.url("/direct"), loopback_policy()).text == "direct"
        assert proxy.seen == []


def test_gzip_body_is_decoded(server):
    body = gzip.compress(b"<p>zipped</p>")
    server.routes["/z"] = lambda h: send(h, 200, body, "text/html", {"Content-Encoding": "gzip"})
    assert fetch(server.url("/z"), loopback_policy()).text == "<p>zipped</p>"


# -- refusals: schemes and URLs --------------------------------------------------------------
@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("file:///etc/passwd", "file:"),
        ("ftp://example.com/x", "ftp:"),
        ("gopher://example.com/", "gopher:"),
        ("javascript:alert(1)", "javascript:"),
        ("data:text/html,hi", "data:"),
        ("example.com/page", "a URL without a scheme"),
    ],
)
def test_refuses_schemes_other_than_http_and_https(url, shown):
    with pytest.raises(FetchRefused) as caught:
        fetch(url)
    assert str(caught.value) == f"refused: only http and https URLs are fetched, not {shown}"


def test_refuses_credentials_in_the_url():
    with pytest.raises(FetchRefused, match="user name or password"):
        fetch("http://admin:pw@example.com/")


def test_refused_fetch_is_a_claimbot_error_with_one_line():
    with pytest.raises(ClaimbotError) as caught:
        fetch("http://127.0.0.1/\n")
    assert "\n" not in str(caught.value)


# -- refusals: addresses ---------------------------------------------------------------------
ADDRESS_CLASSES = [
    ("127.0.0.1", "a loopback address"),
    ("127.45.6.7", "a loopback address"),
    ("10.1.2.3", "a private address"),
    ("172.16.0.9", "a private address"),
    ("192.168.1.1", "a private address"),
    ("169.254.169.254", "a link-local address"),
    ("100.64.0.1", "a shared (CGNAT) address"),
    ("100.127.255.254", "a shared (CGNAT) address"),
    ("224.0.0.1", "a multicast address"),
    ("240.0.0.1", "a reserved address"),
    ("0.0.0.0", "an unspecified address"),
    ("198.18.0.1", "a private address"),
    ("192.0.2.10", "a private address"),
    ("::1", "a loopback address"),
    ("::", "an unspecified address"),
    ("fe80::1", "a link-local address"),
    ("fc00::5", "a private address"),
    ("ff02::1", "a multicast address"),
    ("::ffff:127.0.0.1", "an IPv4-mapped form of 127.0.0.1, a loopback address"),
    ("::ffff:10.0.0.1", "an IPv4-mapped form of 10.0.0.1, a private address"),
    ("2002:7f00:1::", "a 6to4 form of 127.0.0.1, a loopback address"),
    ("2002:a9fe:a9fe::1", "a 6to4 form of 169.254.169.254, a link-local address"),
    ("64:ff9b::a00:1", "a NAT64 form of 10.0.0.1, a private address"),
    ("64:ff9b::6440:1", "a NAT64 form of 100.64.0.1, a shared (CGNAT) address"),
    ("2001:0:4136:e378:8000:63bf:3fff:fdd2", "a Teredo tunnel address"),
]


@pytest.mark.parametrize(("address", "reason"), ADDRESS_CLASSES)
def test_refuses_every_non_global_address_class(address, reason):
    assert refusal_reason(ipaddress.ip_address(address)) == reason
    policy = FetchPolicy(resolver=resolving({"target.example": [address]}))
    with pytest.raises(FetchRefused) as caught:
        fetch("http://target.example/", policy)
    shown = ipaddress.ip_address(address)  # Python 3.11 prints ::ffff:7f00:1 for a mapped address
    assert str(caught.value) == f"refused: target.example resolves to {shown}, {reason}"


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:2800:220:1::1", "8.8.8.8"])
def test_global_addresses_are_not_refused(address):
    assert refusal_reason(ipaddress.ip_address(address)) is None


def test_cgnat_is_refused_although_python_does_not_call_it_private():
    cgnat = ipaddress.ip_address("100.64.0.1")
    assert not cgnat.is_private
    assert not cgnat.is_global
    assert refusal_reason(cgnat) == "a shared (CGNAT) address"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://127.0.0.1:9/", "refused: 127.0.0.1 is a loopback address"),
        ("http://[::1]:9/", "refused: ::1 is a loopback address"),
        ("http://10.0.0.1/", "refused: 10.0.0.1 is a private address"),
        (
            "http://[::ffff:127.0.0.1]/",
            "refused: ::ffff:127.0.0.1 is an IPv4-mapped form of 127.0.0.1, a loopback address",
        ),
        ("http://localhost:9/", "refused: localhost resolves to 127.0.0.1, a loopback address"),
    ],
)
def test_refuses_literal_and_local_hosts_without_a_test_allowance(url, message):
    with pytest.raises(FetchRefused) as caught:
        fetch(url)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    "host", ["2130706433", "0x7f.1", "0177.0.0.1", "127.1", "0x7f000001", "017700000001"]
)
def test_refuses_decimal_hex_and_octal_forms_of_loopback(host):
    with pytest.raises(FetchRefused) as caught:
        fetch(f"http://{host}/")
    assert str(caught.value) == f"refused: {host} resolves to 127.0.0.1, a loopback address"


def test_the_real_server_is_refused_without_the_test_allowance(server):
    server.routes["/"] = page("should not be read")
    with pytest.raises(FetchRefused, match="loopback"):
        fetch(server.url("/"))
    assert server.seen == []


@pytest.mark.parametrize(
    "answers",
    [["127.0.0.1", "10.0.0.7"], ["93.184.216.34", "10.0.0.7"], ["10.0.0.7", "127.0.0.1"]],
)
def test_refuses_a_host_if_any_of_its_addresses_is_refused(server, answers):
    server.routes["/"] = page("should not be read")
    policy = loopback_policy(resolver=resolving({"mixed.example": answers}))
    with pytest.raises(FetchRefused) as caught:
        fetch(f"http://mixed.example:{server.port}/", policy)
    assert str(caught.value) == "refused: mixed.example resolves to 10.0.0.7, a private address"
    assert server.seen == []


# -- refusals: redirects ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("location", "message"),
    [
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address"),
        ("http://[::1]/admin", "::1 is a loopback address"),
        ("http://2852039166/", "2852039166 resolves to 169.254.169.254, a link-local address"),
        ("file:///etc/passwd", "only http and https URLs are fetched, not file:"),
    ],
)
def test_refuses_a_redirect_to_a_refused_address(server, location, message):
    server.routes["/go"] = redirect(location)
    with pytest.raises(FetchRefused) as caught:
        fetch(server.url("/go"), loopback_policy())
    assert str(caught.value) == f"refused: {message}"
    assert server.paths() == ["/go"]


def test_refuses_more_than_five_redirects(server):
    for hop in range(7):
        server.routes[f"/r{hop}"] = redirect(f"/r{hop + 1}")
    server.routes["/r7"] = page("too far")
    with pytest.raises(FetchRefused, match="more than 5 redirects"):
        fetch(server.url("/r0"), loopback_policy())
    assert server.paths() == [f"/r{hop}" for hop in range(6)]


# -- refusals: size, type, time --------------------------------------------------------------
def test_refuses_a_body_declared_larger_than_the_cap(server):
    server.routes["/big"] = page(b"a" * 300_000)
    with pytest.raises(FetchRefused, match="larger than 100 kB"):
        fetch(server.url("/big"), loopback_policy(max_bytes=100_000))


def test_refuses_an_undeclared_body_once_streaming_passes_the_cap(server):
    server.routes["/stream"] = chunked(total=2_000_000)
    with pytest.raises(FetchRefused, match="larger than 1 MB"):
        fetch(server.url("/stream"), loopback_policy(max_bytes=1_000_000))


def test_refuses_a_compressed_body_that_expands_past_the_cap(server):
    bomb = gzip.compress(b"a" * 5_000_000)
    server.routes["/bomb"] = lambda h: send(h, 200, bomb, "text/html", {"Content-Encoding": "gzip"})
    with pytest.raises(FetchRefused, match="larger than 1 MB"):
        fetch(server.url("/bomb"), loopback_policy(max_bytes=1_000_000))


@pytest.mark.parametrize(
    ("content_type", "shown"),
    [
        ("image/png", "image/png"),
        ("application/octet-stream", "application/octet-stream"),
        (None, "no content type"),
    ],
)
def test_refuses_content_types_outside_the_allow_list(server, content_type, shown):
    server.routes["/t"] = page(b"\x89PNG....", content_type)
    with pytest.raises(FetchRefused) as caught:
        fetch(server.url("/t"), loopback_policy())
    assert str(caught.value) == f"refused: 127.0.0.1 sent {shown}, not a web page or JSON"


def test_a_slow_drip_body_is_cut_at_the_total_deadline(server):
    # Each byte arrives well inside any idle timeout; only a total deadline stops this.
    server.routes["/drip"] = drip(chunks=400, pause=0.05)
    with pytest.raises(FetchFailed, match=r"did not finish within 0\.5 s"):
        fetch(server.url("/drip"), loopback_policy(deadline=0.5))


def test_headers_dripped_a_byte_at_a_time_are_cut_at_the_total_deadline(server):
    # The server would finish its headers after 8 s; the deadline covers the wait for them.
    server.routes["/slow-headers"] = drip_headers(seconds=8.0)
    started = time.monotonic()
    with pytest.raises(FetchFailed) as caught:
        fetch(server.url("/slow-headers"), loopback_policy(deadline=1.0))
    assert str(caught.value) == "timed out: 127.0.0.1 did not answer within 1 s"
    assert time.monotonic() - started < 1.0 + 5.0  # a generous bound: far below the 8 s drip


def test_a_stalled_body_is_cut_at_the_total_deadline(server):
    server.routes["/stall"] = drip(chunks=2, pause=5.0)
    with pytest.raises(FetchFailed, match="timed out"):
        fetch(server.url("/stall"), loopback_policy(deadline=0.5))


def test_an_http_error_is_one_line_unless_the_caller_wants_the_status(server):
    with pytest.raises(FetchFailed) as caught:
        fetch(server.url("/missing"), loopback_policy())
    assert str(caught.value) == f"127.0.0.1 answered HTTP 404 for {server.url('/missing')}"
    result = fetch(server.url("/missing"), loopback_policy(), allow_error_status=True)
    assert result.status == 404


def test_an_unresolvable_host_is_one_line():
    with pytest.raises(FetchFailed) as caught:
        fetch("http://nowhere.example/", FetchPolicy(resolver=resolving({})))
    assert str(caught.value) == "cannot resolve host nowhere.example"
