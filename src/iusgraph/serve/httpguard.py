"""HTTP hardening for ``iusgraph serve``: security headers, bounded request bodies, and a
header-read timeout.

- :class:`SecurityHeaders` adds ``X-Content-Type-Options: nosniff`` to every answer and a
  Content-Security-Policy to HTML pages (scripts, styles and requests from this server
  only; no framing).
- :func:`read_body` refuses a body by its ``Content-Length`` before reading it, reads a
  chunked body no further than the limit, bounds the time a body may take, and turns a
  client that went away into a :class:`Refusal` instead of a traceback.
- :func:`head_timeout_protocol` is uvicorn's h11 protocol with a timer: a connection that
  has not sent a complete request head within the time limit is closed (slowloris).
"""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.requests import ClientDisconnect, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol

#: The pages load their scripts, styles and data from this server only. YASGUI sets
#: inline styles (CodeMirror) and uses data: images, hence those two allowances.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


class Refusal(Exception):
    """A request refused before it reached the query workers: status and message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class SecurityHeaders:
    """ASGI middleware: ``nosniff`` on every response, a CSP on every HTML response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on, adding the headers to its response's start message."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["X-Content-Type-Options"] = "nosniff"
                if headers.get("content-type", "").startswith("text/html"):
                    headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
                    headers["Referrer-Policy"] = "same-origin"
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def read_body(request: Request, limit: int, timeout: float, what: str) -> bytes:
    """The request body, at most ``limit`` bytes, within ``timeout`` seconds.

    Raises :class:`Refusal`: 413 when ``Content-Length`` or the bytes read pass the limit
    (a chunked body is read no further than the limit), 408 past the time limit, 400 for
    a bad ``Content-Length`` or a client that disconnected.
    """
    too_long = Refusal(413, f"{what}: longer than {limit} bytes")
    declared = request.headers.get("content-length")
    if declared is not None:
        if not (declared.strip().isascii() and declared.strip().isdigit()):
            raise Refusal(400, f"bad Content-Length header: {declared!r}")
        if int(declared) > limit:
            raise too_long

    async def collect() -> bytes:
        chunks: list[bytes] = []
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise too_long
            chunks.append(chunk)
        return b"".join(chunks)

    try:
        return await asyncio.wait_for(collect(), timeout)
    except asyncio.TimeoutError:  # not the builtin TimeoutError before Python 3.11
        raise Refusal(408, f"the request body did not arrive within {timeout:g} s") from None
    except ClientDisconnect:
        raise Refusal(400, "the client disconnected while sending the request") from None


def replay(body: bytes) -> Receive:
    """An ASGI ``receive`` that hands over a body already read (to parse it as a form)."""
    done = False

    async def receive() -> Message:
        nonlocal done
        if done:
            return {"type": "http.disconnect"}
        done = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


class HeadTimeoutProtocol(H11Protocol):
    """uvicorn's h11 protocol, closing connections that do not send a request head in time.

    The timer starts when the connection opens and again when an answer is complete (the
    next request on a kept-alive connection); a complete request head stops it.
    """

    head_timeout: float = 10.0
    _head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: Any) -> None:
        """Let uvicorn take the connection, then start the timer for its first request head."""
        super().connection_made(transport)
        self._arm_head_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        """Stop the timer, then let uvicorn handle the lost connection."""
        self._cancel_head_timer()
        super().connection_lost(exc)

    def handle_events(self) -> None:
        """Handle the data received; a request head now complete stops the timer."""
        before = self.cycle
        super().handle_events()
        if self.cycle is not before:  # a complete request head arrived
            self._cancel_head_timer()

    def on_response_complete(self) -> None:
        """Restart the timer for the next request head, unless the connection is closing."""
        if not self.transport.is_closing():
            self._arm_head_timer()  # before: a pipelined request head stops it at once
        super().on_response_complete()

    def _arm_head_timer(self) -> None:
        self._cancel_head_timer()
        self._head_timer = self.loop.call_later(self.head_timeout, self._head_timed_out)

    def _cancel_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timed_out(self) -> None:
        self._head_timer = None
        if not self.transport.is_closing():
            self.transport.close()


def head_timeout_protocol(seconds: float) -> type[HeadTimeoutProtocol]:
    """:class:`HeadTimeoutProtocol` with its time limit set, for uvicorn's ``http=``."""
    return type("HeadTimeoutProtocol", (HeadTimeoutProtocol,), {"head_timeout": seconds})
