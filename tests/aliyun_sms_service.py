"""A stand-in for Aliyun's SMS API (dysmsapi SendSms) on loopback.

It checks each request as the service documents: the common parameters, the access key,
the signature (recomputed here from the query with the secret, by the recipe of Aliyun's
signature page, not by the code under test), the timestamp, the nonce, the signature
name, the template and its variable, the phone number and the texts per number; and it
answers the service's JSON: Code "OK" with a BizId, or the error's Code and Message with
the HTTP status the service gives it. `fault` makes it fail as a platform does: "500"
answers HTTP 500, "slow" answers only after `slow_seconds`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import threading
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, quote_plus, urlsplit

COMMON = ("AccessKeyId", "Action", "Format", "SignatureMethod", "SignatureNonce",
          "SignatureVersion", "Timestamp", "Version", "Signature")


def _encode(value: str) -> str:
    # Aliyun's recipe: form-encode, then + → %20, * → %2A, %7E → ~.
    return quote_plus(value, encoding="utf-8").replace("+", "%20").replace(
        "*", "%2A").replace("%7E", "~")


def expected_signature(params: dict[str, str], secret: str) -> str:
    canonical = "&".join(f"{_encode(k)}={_encode(v)}" for k, v in sorted(params.items()))
    to_sign = "GET&" + _encode("/") + "&" + _encode(canonical)
    return base64.b64encode(
        hmac.new((secret + "&").encode(), to_sign.encode(), hashlib.sha1).digest()).decode()


class AliyunSmsService:
    """The service, with one access key, one approved signature name and template."""

    def __init__(self, key_id: str = "LTAI5tTestKeyId", secret: str = "Test-Secret-4f1c",
                 sign_name: str = "闵行区政府办公室", template_code: str = "SMS_480215001",
                 variable: str = "content", texts_per_number: int = 1) -> None:
        self.key_id, self.secret = key_id, secret
        self.sign_name, self.template_code, self.variable = sign_name, template_code, variable
        self.texts_per_number = texts_per_number  # in the current minute
        self.texts: list[tuple[str, dict]] = []  # (phone, template variables) accepted
        self.requests = 0
        self.fault: str | None = None
        self.slow_seconds = 1.0
        self._sent: Counter[str] = Counter()
        self._nonces: set[str] = set()
        self._lock = threading.Lock()

    # -- the test's handles ---------------------------------------------------------------
    def settings(self, **overrides: object) -> dict[str, object]:
        """Return the back-office settings that send through this service."""
        return {"SMS_PROVIDER": "aliyun", "SMS_ACCESS_KEY_ID": self.key_id,
                "SMS_ACCESS_KEY_SECRET": self.secret, "SMS_SIGN_NAME": self.sign_name,
                "SMS_TEMPLATE_CODE": self.template_code, "SMS_ENDPOINT": self.endpoint,
                **overrides}

    def used_up(self, phone: str) -> None:
        """Count the number's texts of this minute as used up."""
        self._sent[phone] = self.texts_per_number

    def next_minute(self) -> None:
        self._sent.clear()

    def __enter__(self) -> AliyunSmsService:
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                status, answer = service.answer(self.path)
                body = json.dumps(answer, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json;charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        class Server(ThreadingHTTPServer):
            daemon_threads = True
            block_on_close = False

            def handle_error(self, request: object, client_address: object) -> None:
                pass  # a client that gave up on a slow answer closed its end

        self._server = Server(("127.0.0.1", 0), Handler)
        self.endpoint = f"http://127.0.0.1:{self._server.server_address[1]}/"
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,),
                                        daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    # -- the service ----------------------------------------------------------------------
    def answer(self, path: str) -> tuple[int, dict]:
        with self._lock:
            self.requests += 1
        if self.fault == "500":
            return 500, _error("InternalError", "The request processing has failed due "
                               "to some unknown error, exception or failure.")
        if self.fault == "slow":
            time.sleep(self.slow_seconds)
        params = dict(parse_qsl(urlsplit(path).query, keep_blank_values=True))
        with self._lock:
            return self._checked(params)

    def _checked(self, params: dict[str, str]) -> tuple[int, dict]:
        missing = [name for name in COMMON if not params.get(name)]
        if missing:
            return 400, _error("MissingParameter", f"{missing[0]} is mandatory.")
        if params["AccessKeyId"] != self.key_id:
            return 404, _error("InvalidAccessKeyId.NotFound", "Specified access key is "
                               "not found.")
        claimed = params.pop("Signature")
        if claimed != expected_signature(params, self.secret):
            return 400, _error("SignatureDoesNotMatch", "Specified signature is not "
                               "matched with our calculation.")
        if (params["Action"], params["Version"], params["Format"], params["SignatureMethod"],
                params["SignatureVersion"]) != ("SendSms", "2017-05-25", "JSON", "HMAC-SHA1",
                                                "1.0"):
            return 400, _error("InvalidParameter", "The specified parameter is not valid.")
        stamp = datetime.strptime(params["Timestamp"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        if abs(datetime.now(UTC) - stamp) > timedelta(minutes=15):
            return 400, _error("InvalidTimeStamp.Expired", "Specified time stamp or date "
                               "value is expired.")
        if params["SignatureNonce"] in self._nonces:
            return 400, _error("SignatureNonceUsed", "Specified signature nonce was used "
                               "already.")
        self._nonces.add(params["SignatureNonce"])
        if params.get("SignName") != self.sign_name:
            return 200, _error("isv.SMS_SIGNATURE_ILLEGAL", "该账号下找不到对应签名")
        if params.get("TemplateCode") != self.template_code:
            return 200, _error("isv.SMS_TEMPLATE_ILLEGAL", "该账号下找不到对应模板")
        try:
            variables = json.loads(params.get("TemplateParam", ""))
        except ValueError:
            return 200, _error("isv.INVALID_JSON_PARAM", "JSON参数不合法，只接受字符串值")
        if not isinstance(variables, dict) or not variables.get(self.variable):
            return 200, _error("isv.TEMPLATE_MISSING_PARAMETERS", "模板变量缺少对应参数值")
        if len(variables[self.variable]) > 35:
            return 200, _error("isv.PARAM_LENGTH_LIMIT", "参数超出长度限制")
        phone = params.get("PhoneNumbers", "")
        if not re.fullmatch(r"1\d{10}", phone):
            return 200, _error("isv.MOBILE_NUMBER_ILLEGAL", "非法手机号")
        if self._sent[phone] >= self.texts_per_number:
            return 200, _error("isv.BUSINESS_LIMIT_CONTROL",
                               f"触发分钟级流控Permits:{self.texts_per_number}")
        self._sent[phone] += 1
        self.texts.append((phone, variables))
        return 200, {"Code": "OK", "Message": "OK", "RequestId": str(uuid.uuid4()).upper(),
                     "BizId": f"{len(self.texts):06d}^0"}


def _error(code: str, message: str) -> dict:
    return {"Code": code, "Message": message, "RequestId": str(uuid.uuid4()).upper(),
            "Recommend": f"https://api.aliyun.com/troubleshoot?q={code}"}
