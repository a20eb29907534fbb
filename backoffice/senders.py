"""How outbox messages leave: one sender per channel (SMTP e-mail here; an SMS gateway
plugs in as another `Sender` under config key SMS_SENDER)."""

import smtplib
from collections.abc import Mapping
from email.message import EmailMessage
from email.utils import formataddr
from typing import Any, Protocol

from backoffice.models import Channel


class DeliveryError(Exception):
    """A message could not be handed over; the message says why, in Chinese."""


class Sender(Protocol):
    channel: Channel

    def send(self, address: str, subject: str, body: str) -> None:
        """Hand the message over or raise DeliveryError."""


class SmtpSender:
    """Send e-mail through an SMTP server (the office's relay)."""

    channel = Channel.EMAIL

    def __init__(
        self,
        host: str,
        port: int = 25,
        from_address: str = "",
        from_name: str = "区政府办公室",
        username: str | None = None,
        password: str | None = None,
        starttls: bool = False,
        timeout: float = 10,
    ) -> None:
        self.host, self.port, self.timeout = host, port, timeout
        self.from_header = formataddr((from_name, from_address))
        self.from_address = from_address
        self.username, self.password, self.starttls = username, password, starttls

    def send(self, address: str, subject: str, body: str) -> None:
        message = EmailMessage()
        message["Subject"] = subject
        message["From"] = self.from_header
        message["To"] = address
        message.set_content(body)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls()
                if self.username:
                    smtp.login(self.username, self.password or "")
                smtp.send_message(message, from_addr=self.from_address, to_addrs=[address])
        except (smtplib.SMTPException, OSError) as problem:
            raise DeliveryError(f"邮件服务器 {self.host}:{self.port} 未接收：{problem}") from None


def senders_from_config(config: Mapping[str, Any]) -> dict[Channel, Sender]:
    """Return the configured senders: MAIL_SERVER (with MAIL_PORT, MAIL_FROM, MAIL_USERNAME,
    MAIL_PASSWORD, MAIL_STARTTLS) for e-mail; SMS_SENDER, a Sender object, for SMS."""
    senders: dict[Channel, Sender] = {}
    if config.get("MAIL_SERVER"):
        senders[Channel.EMAIL] = SmtpSender(
            host=config["MAIL_SERVER"],
            port=int(config.get("MAIL_PORT", 25)),
            from_address=config.get("MAIL_FROM", ""),
            username=config.get("MAIL_USERNAME"),
            password=config.get("MAIL_PASSWORD"),
            starttls=bool(config.get("MAIL_STARTTLS", False)),
        )
    if config.get("SMS_SENDER") is not None:
        senders[Channel.SMS] = config["SMS_SENDER"]
    return senders
