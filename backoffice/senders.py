"""How outbox messages leave: one sender per channel, SMTP for e-mail and Aliyun SMS
(backoffice/aliyun_sms.py) for texts, built from the configuration."""

import smtplib
from collections.abc import Mapping
from email.message import EmailMessage
from email.utils import formataddr
from typing import Any, Protocol

from backoffice.models import Channel


class DeliveryError(Exception):
    """A message could not be handed over; the message says why, in Chinese."""


class RetryLater(DeliveryError):
    """A message could not be handed over now but may be later (rate limit, platform down
    or slow); platform_down when the other messages would fare no better now."""

    def __init__(self, message: str, platform_down: bool = False) -> None:
        super().__init__(message)
        self.platform_down = platform_down


class SettingsError(Exception):
    """The sending settings are incomplete or unknown; the message says which, in Chinese."""


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


# What SMS_PROVIDER = "aliyun" needs, and the settings that may change its defaults
# (docs/operations.md, "Texts (SMS)"), by the sender's argument they give.
ALIYUN_REQUIRED = ("SMS_ACCESS_KEY_ID", "SMS_ACCESS_KEY_SECRET", "SMS_SIGN_NAME",
                   "SMS_TEMPLATE_CODE")
ALIYUN_OPTIONAL = {"SMS_TEMPLATE_PARAM": "template_param", "SMS_ENDPOINT": "endpoint",
                   "SMS_REGION_ID": "region_id", "SMS_TIMEOUT": "timeout"}


def _aliyun(config: Mapping[str, Any]) -> Sender:
    from backoffice.aliyun_sms import AliyunSmsSender

    missing = [key for key in ALIYUN_REQUIRED if not config.get(key)]
    if missing:
        raise SettingsError(f"SMS_PROVIDER 为 aliyun 时还须设置：{'、'.join(missing)}。")
    endpoint = config.get("SMS_ENDPOINT")
    if endpoint and not str(endpoint).startswith(("https://", "http://")):
        raise SettingsError(f"SMS_ENDPOINT 须是以 https:// 开头的网址，现为 {endpoint!r}。")
    given = {argument: config[key] for key, argument in ALIYUN_OPTIONAL.items()
             if config.get(key)}
    return AliyunSmsSender(*(config[key] for key in ALIYUN_REQUIRED), **given)


SMS_PROVIDERS = {"aliyun": _aliyun}


def senders_from_config(config: Mapping[str, Any]) -> dict[Channel, Sender]:
    """Return the configured senders: MAIL_SERVER (with MAIL_PORT, MAIL_FROM, MAIL_USERNAME,
    MAIL_PASSWORD, MAIL_STARTTLS) for e-mail; SMS_PROVIDER ("aliyun", with the SMS_*
    settings) for texts, or SMS_SENDER, a Sender object of one's own."""
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
    provider = config.get("SMS_PROVIDER")
    if provider:
        if provider not in SMS_PROVIDERS:
            raise SettingsError(f"不支持的短信平台 SMS_PROVIDER = {provider!r}；"
                                f"可选：{'、'.join(SMS_PROVIDERS)}。")
        senders[Channel.SMS] = SMS_PROVIDERS[provider](config)
    elif config.get("SMS_SENDER") is not None:
        senders[Channel.SMS] = config["SMS_SENDER"]
    return senders
