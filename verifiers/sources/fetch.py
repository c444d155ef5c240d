"""Fetch a user-supplied URL without letting it reach anything it should not.

Every URL the bot fetches comes from a user, so a fetch is a server-side request forgery
risk. The rules, each enforced here and nowhere else:
- http and https only, no credentials in the URL;
- the host is resolved once, and *every* address it resolves to must be global: loopback,
  private, link-local, CGNAT, multicast, reserved and unspecified addresses are refused, as are
  IPv6 forms that embed one (IPv4-mapped, 6to4, NAT64) and Teredo tunnels;
- the connection goes to the address that was checked (never resolved again), with the
  original Host header and TLS server name, so a DNS answer cannot change between check and use;
- redirects are followed by hand, at most `max_redirects`, each hop checked like the first;
- proxy environment variables are ignored (`trust_env=False`);
- a total deadline covers the whole fetch, not just idle time: a watchdog cuts the socket of a
  server that drips its headers or body a byte at a time;
- the body is streamed and refused past `max_bytes`; only allow-listed content types are read.

`FetchPolicy.allow` exempts addresses from the address rules. Only tests set it, to reach the
server they start on 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from email.message import Message
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from verifiers.domain.errors import ClaimbotError

log = logging.getLogger(__name__)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], list[str]]

MAX_URL_CHARS = 2_048
REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
DEFAULT_CONTENT_TYPES = frozenset(
    {"text/html", "application/xhtml+xml", "text/plain", "application/json", "application/ld+json"}
)
USER_AGENT = "claimbot/0.1 (+fact-check bot; fetches pages users submit)"

_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))


class FetchError(ClaimbotError):
    """A URL could not be fetched; the message says why, in one line."""


class FetchRefused(FetchError):
    """The fetch was refused by policy: scheme, address, redirects, size or content type."""


class FetchFailed(FetchError):
    """The fetch was allowed but did not succeed: DNS, connection, deadline or HTTP status."""


class FetchUnreachable(FetchFailed):
    """No answer came (no DNS answer, no connection, the deadline passed): this says nothing
    about the page, and everything when the machine is offline."""


@dataclass(frozen=True)
class FetchPolicy:
    """Limits for one fetch. `allow` and `resolver` exist for tests; production leaves them."""

    max_bytes: int = 5_000_000
    deadline: float = 15.0
    max_redirects: int = 5
    content_types: frozenset[str] = DEFAULT_CONTENT_TYPES
    allow: tuple[IPNetwork, ...] = ()
    resolver: Resolver | None = None
    verify: Any = True  # True, or an ssl.SSLContext (tests use one trusting their own CA)

    @classmethod
    def allowing(cls, *networks: str, **kwargs: Any) -> FetchPolicy:
        """A policy that exempts `networks` (e.g. "127.0.0.1/32") from the address rules."""
        return cls(allow=tuple(ipaddress.ip_network(n) for n in networks), **kwargs)


@dataclass(frozen=True)
class FetchResult:
    url: str  # the final URL, after redirects
    status: int
    content_type: str
    charset: str | None
    body: bytes
    redirects: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        try:
            return self.body.decode(self.charset or "utf-8", errors="replace")
        except LookupError:  # an unknown charset name from the server
            return self.body.decode("utf-8", errors="replace")


# -- address rules ---------------------------------------------------------------------------
def refusal_reason(address: IPAddress) -> str | None:
    """Why `address` may not be fetched from (e.g. "a loopback address"), or None if it may."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            form, inner = embedded
            reason = refusal_reason(inner)
            return f"{form} form of {inner}, {reason}" if reason else None
        if address in ipaddress.ip_network("2001::/32"):
            return "a Teredo tunnel address"
        if address.scope_id:
            return "a scoped (link-local) address"
    checks: tuple[tuple[bool, str], ...] = (
        (address.is_unspecified, "an unspecified address"),
        (address.is_loopback, "a loopback address"),
        (address.is_link_local, "a link-local address"),
        (address.is_multicast, "a multicast address"),
        (address.version == 4 and address in _CGNAT, "a shared (CGNAT) address"),
        (address.is_reserved, "a reserved address"),
        (address.is_private, "a private address"),
        (not address.is_global, "not a global address"),
    )
    return next((reason for refused, reason in checks if refused), None)


def _embedded_ipv4(address: ipaddress.IPv6Address) -> tuple[str, ipaddress.IPv4Address] | None:
    if address.ipv4_mapped is not None:
        return "an IPv4-mapped", address.ipv4_mapped
    if address.sixtofour is not None:
        return "a 6to4", address.sixtofour
    for network in _NAT64:
        if address in network:
            return "a NAT64", ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def _allowed(address: IPAddress, allow: Iterable[IPNetwork]) -> bool:
    return any(address.version == net.version and address in net for net in allow)


# -- URLs and resolution ---------------------------------------------------------------------
@dataclass(frozen=True)
class Target:
    """A URL checked and pinned: where to connect and what to tell the server."""

    url: str
    scheme: str
    host: str  # IDNA-encoded, lowercase; what the Host header and TLS server name carry
    port: int
    target: str  # path and query
    addresses: tuple[IPAddress, ...]

    @property
    def host_header(self) -> str:
        default = 443 if self.scheme == "https" else 80
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == default else f"{host}:{self.port}"

    def url_for(self, address: IPAddress) -> str:
        host = f"[{address}]" if address.version == 6 else str(address)
        return f"{self.scheme}://{host}:{self.port}{self.target}"


def parse_url(url: str) -> tuple[str, str, int, str]:
    """Split a URL into scheme, host, port and path+query; refuse what we never fetch."""
    url = url.strip()
    if len(url) > MAX_URL_CHARS:
        raise FetchRefused(f"refused: the URL is too long ({len(url)} characters)")
    if any(ch in url for ch in "\r\n\t\x00 "):
        raise FetchRefused("refused: the URL contains spaces or control characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise FetchRefused(f"refused: {url[:100]!r} is not a valid URL") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        shown = f"{scheme}:" if scheme else "a URL without a scheme"
        raise FetchRefused(f"refused: only http and https URLs are fetched, not {shown}")
    if parts.username is not None or parts.password is not None:
        raise FetchRefused("refused: URLs with a user name or password are not fetched")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise FetchRefused(f"refused: {url[:100]!r} has no host")
    if "%" in host and ":" not in host:
        raise FetchRefused(f"refused: the host name {host[:100]!r} is percent-encoded")
    try:
        host = host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise FetchRefused(f"refused: {host[:100]!r} is not a valid host name") from None
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return scheme, host, port or (443 if scheme == "https" else 80), target


def system_resolver(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    return [str(info[4][0]) for info in infos]


def check_url(url: str, policy: FetchPolicy, deadline: float) -> Target:
    """Resolve `url`'s host and refuse it unless every address it resolves to may be fetched."""
    scheme, host, port, target = parse_url(url)
    resolver = policy.resolver or system_resolver
    try:
        answers = _before_deadline(lambda: resolver(host, port), deadline, host)
    except (OSError, UnicodeError):
        raise FetchUnreachable(f"cannot resolve host {host}") from None
    addresses: list[IPAddress] = []
    for answer in answers:
        try:
            address = ipaddress.ip_address(answer)
        except ValueError:
            raise FetchRefused(f"refused: {host} resolves to {answer!r}, not an address") from None
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise FetchUnreachable(f"cannot resolve host {host}")
    for address in addresses:
        if _allowed(address, policy.allow):
            continue
        reason = refusal_reason(address)
        if reason:
            if _literal(host) == address:
                raise FetchRefused(f"refused: {host} is {reason}")
            raise FetchRefused(f"refused: {host} resolves to {address}, {reason}")
    return Target(url, scheme, host, port, target, tuple(addresses))


def _literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def _before_deadline(call: Callable[[], list[str]], deadline: float, host: str) -> list[str]:
    """Run a blocking DNS lookup in a daemon thread so it cannot outlast the deadline."""
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = call()
        except BaseException as exc:
            box["error"] = exc

    worker = threading.Thread(target=run, daemon=True, name="claimbot-resolve")
    worker.start()
    worker.join(max(0.0, deadline - time.monotonic()))
    if worker.is_alive():
        raise FetchUnreachable(f"timed out resolving host {host}")
    if "error" in box:
        raise box["error"]
    return box["value"]


# -- fetching --------------------------------------------------------------------------------
def fetch(
    url: str,
    policy: FetchPolicy | None = None,
    *,
    allow_error_status: bool = False,
    headers: dict[str, str] | None = None,
) -> FetchResult:
    """GET `url` under `policy`. Raises FetchRefused or FetchFailed with a one-line reason.

    With `allow_error_status`, a 4xx/5xx answer is returned (body unread) instead of raised:
    the liveness checker wants the status, not an error. `headers` are sent on the first hop
    only (an API key must not follow a redirect to another host).
    """
    policy = policy or FetchPolicy()
    deadline = time.monotonic() + policy.deadline
    redirects: list[str] = []
    with (
        httpx.Client(trust_env=False, follow_redirects=False, verify=policy.verify) as client,
        _Watchdog(deadline) as watchdog,
    ):
        current = url
        while True:
            target = check_url(current, policy, deadline)
            extra = headers if not redirects else None
            response = _open(client, target, deadline, policy, watchdog, extra)
            try:
                location = response.headers.get("location")
                if response.status_code in REDIRECT_CODES and location:
                    if len(redirects) >= policy.max_redirects:
                        raise FetchRefused(
                            f"refused: more than {policy.max_redirects} redirects from {url[:100]}"
                        )
                    current = urljoin(target.url, location.strip())
                    redirects.append(current)
                    continue
                return _read(
                    response, target, redirects, deadline, policy, watchdog, allow_error_status
                )
            finally:
                response.close()


class _Watchdog:
    """Shuts the fetch's sockets when its deadline passes, so a blocked read returns now.

    httpx's timeouts bound each read, so a server sending a byte at a time (of its headers or of
    its body) never trips them. httpcore's `trace` hook hands over each socket as it connects.
    """

    def __init__(self, deadline: float) -> None:
        self.expired = threading.Event()
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._timer = threading.Timer(max(0.0, deadline - time.monotonic()), self._expire)
        self._timer.daemon = True

    def __enter__(self) -> _Watchdog:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()

    def trace(self, event: str, info: dict[str, Any]) -> None:
        if event not in ("connection.connect_tcp.complete", "connection.connect_unix.complete"):
            return
        stream = info.get("return_value")
        sock = stream.get_extra_info("socket") if stream is not None else None
        if sock is None:
            return
        with self._lock:
            self._sockets.append(sock)
            late = self.expired.is_set()
        if late:  # connected just as the deadline passed
            _shutdown(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired.set()
            sockets = list(self._sockets)
        for sock in sockets:
            _shutdown(sock)


def _shutdown(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


def _open(
    client: httpx.Client,
    target: Target,
    deadline: float,
    policy: FetchPolicy,
    watchdog: _Watchdog,
    extra: dict[str, str] | None = None,
) -> httpx.Response:
    headers = {
        **(extra or {}),
        "Host": target.host_header,
        "User-Agent": USER_AGENT,
        "Accept": ", ".join(sorted(policy.content_types)),
        "Accept-Encoding": "gzip, deflate",
    }
    extensions: dict[str, Any] = {"trace": watchdog.trace}
    if target.scheme == "https":
        extensions["sni_hostname"] = target.host
    last_error: Exception | None = None
    for address in target.addresses:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        request = client.build_request(
            "GET",
            target.url_for(address),
            headers=headers,
            extensions=extensions,
            timeout=httpx.Timeout(remaining),
        )
        try:
            return client.send(request, stream=True)
        except httpx.TimeoutException:
            break
        except httpx.TransportError as exc:
            if watchdog.expired.is_set():
                break
            last_error = exc
            log.info("fetch %r via %s failed: %s", target.url, address, exc)
    if last_error is not None and not watchdog.expired.is_set():
        raise FetchUnreachable(f"cannot connect to {target.host}: {_describe(last_error)}")
    raise FetchUnreachable(f"timed out: {target.host} did not answer within {policy.deadline:g} s")


def _describe(error: Exception) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text[:150]


def _media_type(header: str | None) -> tuple[str, str | None]:
    if not header:
        return "", None
    message = Message()
    message["content-type"] = header
    charset = message.get_param("charset")
    return message.get_content_type().lower(), str(charset) if isinstance(charset, str) else None


def _read(
    response: httpx.Response,
    target: Target,
    redirects: list[str],
    deadline: float,
    policy: FetchPolicy,
    watchdog: _Watchdog,
    allow_error_status: bool,
) -> FetchResult:
    status = response.status_code
    content_type, charset = _media_type(response.headers.get("content-type"))
    if status >= 400 or status in REDIRECT_CODES:
        if allow_error_status:
            return FetchResult(target.url, status, content_type, charset, b"", redirects)
        raise FetchFailed(f"{target.host} answered HTTP {status} for {target.url[:150]}")
    if content_type not in policy.content_types:
        shown = content_type or "no content type"
        raise FetchRefused(f"refused: {target.host} sent {shown}, not a web page or JSON")
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > policy.max_bytes:
        raise FetchRefused(f"refused: the page is larger than {_size(policy.max_bytes)}")
    body = _stream_body(response, target, deadline, policy, watchdog)
    return FetchResult(target.url, status, content_type, charset, body, redirects)


def _stream_body(
    response: httpx.Response,
    target: Target,
    deadline: float,
    policy: FetchPolicy,
    watchdog: _Watchdog,
) -> bytes:
    """Read the body under the size cap; the watchdog cuts the socket when the deadline passes."""
    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > policy.max_bytes:
                raise FetchRefused(f"refused: the page is larger than {_size(policy.max_bytes)}")
            chunks.append(chunk)
            if time.monotonic() > deadline:
                watchdog.expired.set()
                break
    except httpx.HTTPError as exc:
        if not watchdog.expired.is_set():
            raise FetchUnreachable(
                f"{target.host} broke off the answer: {_describe(exc)}"
            ) from None
    if watchdog.expired.is_set():
        raise FetchUnreachable(
            f"timed out: {target.host} did not finish within {policy.deadline:g} s"
        )
    return b"".join(chunks)


def _size(count: int) -> str:
    return f"{count / 1_000_000:g} MB" if count >= 1_000_000 else f"{count / 1_000:g} kB"
