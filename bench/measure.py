"""HTTP measuring with the standard library: one keep-alive connection per client."""

from __future__ import annotations

import http.client
import math
import re
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode

CSRF_FIELD = re.compile(
    r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"'
)


class BenchError(RuntimeError):
    """A page answered with the wrong status or without its marker: the numbers mean nothing."""


@dataclass
class Response:
    """What one request returned, and how long it took (request sent to last byte read)."""

    status: int
    body: bytes
    headers: dict[str, str]
    seconds: float


@dataclass
class Client:
    """A browser-like client: one keep-alive connection to ``host:port`` and a cookie jar."""

    host: str
    port: int
    cookies: dict[str, str] = field(default_factory=dict)
    _open_connection: http.client.HTTPConnection | None = None

    def _connected(self) -> http.client.HTTPConnection:
        if self._open_connection is None:
            self._open_connection = http.client.HTTPConnection(self.host, self.port, timeout=120)
        return self._open_connection

    def close(self) -> None:
        """Close the connection (a later request opens a new one)."""
        if self._open_connection is not None:
            self._open_connection.close()
            self._open_connection = None

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> Response:
        """Send one request over the kept-alive connection and read the whole answer."""
        headers = {"Accept-Encoding": "identity", "Accept": "text/html"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = self._connected()
        start = time.perf_counter()
        try:
            conn.request(method, path, body=body, headers=headers)
            answer = conn.getresponse()
            data = answer.read()
        except (ConnectionError, http.client.HTTPException):
            # The server closed an idle keep-alive connection: one retry on a fresh one.
            self.close()
            conn = self._connected()
            start = time.perf_counter()
            conn.request(method, path, body=body, headers=headers)
            answer = conn.getresponse()
            data = answer.read()
        seconds = time.perf_counter() - start
        for header in answer.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        if answer.will_close:
            self.close()
        return Response(answer.status, data, dict(answer.headers.items()), seconds)

    def sign_in(self, path: str, username: str, password: str) -> None:
        """Sign in through the real form (``username``, ``password``, ``csrf_token``)."""
        page = self.request("GET", path)
        match = CSRF_FIELD.search(page.body.decode())
        if page.status != 200 or not match:
            raise BenchError(f"GET {path}: {page.status}, no sign-in form with a CSRF token")
        token = match.group(1) or match.group(2)
        form = {"username": username, "password": password, "csrf_token": token}
        answer = self.request("POST", path, form)
        if answer.status != 302:
            raise BenchError(f"sign-in as {username!r} failed: {answer.status}")


def percentile(values: Sequence[float], share: float) -> float:
    """The ``share`` (0..1) percentile by the nearest-rank method (p50 of 1..4 is 2)."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


@dataclass
class Timing:
    """Sequential timings of one URL."""

    url: str
    seconds: list[float]
    size: int

    @property
    def p50_ms(self) -> float:
        return percentile(self.seconds, 0.50) * 1000

    @property
    def p95_ms(self) -> float:
        return percentile(self.seconds, 0.95) * 1000


def check(response: Response, url: str, marker: str) -> None:
    """Fail loudly unless ``response`` is a 200 whose body contains ``marker``."""
    if response.status != 200:
        raise BenchError(f"GET {url}: status {response.status}, expected 200")
    if marker.encode() not in response.body:
        raise BenchError(f"GET {url}: marker {marker!r} not in the page")


def measure(client: Client, url: str, marker: str, requests: int, warmup: int = 3) -> Timing:
    """``warmup`` untimed requests, then ``requests`` timed ones, each checked."""
    return interleaved([(client, url, marker)], requests, warmup)[0]


def interleaved(
    targets: Sequence[tuple[Client, str, str]], requests: int, warmup: int = 3
) -> list[Timing]:
    """:func:`measure` for several (client, url, marker) at once, taking turns request by
    request: a change of the machine's speed in the meantime weighs on each of them alike,
    so their ratios hold where separate runs minutes apart do not."""
    for _ in range(warmup):
        for client, url, marker in targets:
            check(client.request("GET", url), url, marker)
    timings = [Timing(url, [], 0) for _, url, _ in targets]
    for _ in range(requests):
        for (client, url, marker), timing in zip(targets, timings, strict=True):
            response = client.request("GET", url)
            check(response, url, marker)
            timing.seconds.append(response.seconds)
            timing.size = len(response.body)
    return timings


@dataclass
class Throughput:
    """The concurrent run: completed requests per second and failures."""

    clients: int
    seconds: float
    requests: int
    errors: int

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def concurrent(
    template: Client, mix: Sequence[tuple[str, str]], clients: int = 4, seconds: float = 10.0
) -> Throughput:
    """``clients`` threads cycle through ``mix`` ((url, marker) pairs) for ``seconds``.

    Each thread has its own connection and a copy of ``template``'s cookies (the session).
    Wrong answers and connection failures count as errors; the run goes on.
    """
    done = [0] * clients
    failed = [0] * clients
    deadline = time.perf_counter() + seconds

    def work(index: int) -> None:
        client = Client(template.host, template.port, dict(template.cookies))
        step = index  # threads start at different pages
        while time.perf_counter() < deadline:
            url, marker = mix[step % len(mix)]
            step += 1
            try:
                check(client.request("GET", url), url, marker)
                done[index] += 1
            except (BenchError, OSError, http.client.HTTPException):
                failed[index] += 1
                client.close()
        client.close()

    start = time.perf_counter()
    threads = [threading.Thread(target=work, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Throughput(clients, time.perf_counter() - start, sum(done), sum(failed))
