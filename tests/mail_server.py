"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives."""

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes

from aiosmtpd.controller import Controller


class Inbox:
    """An aiosmtpd handler that keeps each message with its recipients."""

    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content)))
        return "250 OK"


def free_port() -> int:
    """Return a loopback port nobody listens on (for now)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def smtp_on_loopback(inbox: Inbox | None = None) -> Iterator[tuple[int, Inbox]]:
    """Run an SMTP server on loopback (keeping mail in the inbox given, or a new one);
    yield its port and its inbox."""
    inbox = inbox or Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller.port, inbox
    finally:
        controller.stop()
