"""Texts through Aliyun SMS (dysmsapi, SendSms 2017-05-25): a GET request signed with
HMAC-SHA1 (signature version 1.0), answered in JSON with Code "OK" or an error code.

Aliyun sends only approved templates, so a message goes out as one variable of the
office's template: its subject without the leading 【…】 label, e.g. the template
“书面意见办理系统通知：${content}，请登录系统查看。” with content
“区交通委：超期1项，7天内到期2项”, or to a deputy “第0027号意见已答复” (a notification
template's variable holds at most 35 characters; longer subjects are cut with “…”).
"""

import base64
import hashlib
import hmac
import http.client
import json
import re
import socket
import ssl
import urllib.error
import urllib.request
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from urllib.parse import quote, urlsplit

from backoffice.models import Channel
from backoffice.senders import DeliveryError, RetryLater

DEFAULT_ENDPOINT = "https://dysmsapi.aliyuncs.com/"
API_VERSION = "2017-05-25"
PARAM_MAX_LENGTH = 35

# Error codes Aliyun documents for SendSms and its gateway, and what the office should do.
# Codes meaning "not now" (rate limits, the platform's own trouble) are retried later;
# the others fail the message, since sending again would be refused again.
_REFUSED = {
    "isv.SMS_TEMPLATE_ILLEGAL": "短信模板不存在或未通过审核，请核对 SMS_TEMPLATE_CODE",
    "isv.SMS_SIGNATURE_ILLEGAL": "短信签名不存在或未通过审核，请核对 SMS_SIGN_NAME",
    "isv.SMS_SIGN_ILLEGAL": "短信签名被禁止使用，请在阿里云短信控制台检查签名",
    "isv.SIGN_STATE_ILLEGAL": "短信签名状态为不可用，请在阿里云短信控制台检查签名",
    "isv.MOBILE_NUMBER_ILLEGAL": "手机号码格式不正确，请核对联络员登记的手机号",
    "isv.MOBILE_COUNT_OVER_LIMIT": "手机号码数量超过上限",
    "isv.TEMPLATE_MISSING_PARAMETERS": "模板变量缺失，请核对 SMS_TEMPLATE_PARAM 与模板中的变量名",
    "isv.TEMPLATE_PARAMS_ILLEGAL": "模板变量含有不允许的内容",
    "isv.INVALID_JSON_PARAM": "模板变量格式不正确",
    "isv.INVALID_PARAMETERS": "请求参数不正确",
    "isv.PARAM_LENGTH_LIMIT": "模板变量超出长度限制",
    "isv.SMS_CONTENT_ILLEGAL": "短信内容含有禁止发送的内容",
    "isv.BLACK_KEY_CONTROL_LIMIT": "手机号码在黑名单中",
    "isv.AMOUNT_NOT_ENOUGH": "阿里云账户余额不足，请充值后在发件箱重新排队发送",
    "isv.OUT_OF_SERVICE": "阿里云短信业务已停机（通常为余额不足），请充值后重新排队发送",
    "isv.PRODUCT_UN_SUBSCRIPT": "该阿里云账号未开通短信服务",
    "isv.ACCOUNT_NOT_EXISTS": "阿里云账号不存在，请核对 SMS_ACCESS_KEY_ID",
    "isv.ACCOUNT_ABNORMAL": "阿里云账号状态异常",
    "isp.RAM_PERMISSION_DENY": "访问密钥无短信发送权限，请为其授权 AliyunDysmsFullAccess",
    "SignatureDoesNotMatch": "请求签名校验未通过，请核对 SMS_ACCESS_KEY_SECRET",
    "InvalidAccessKeyId.NotFound": "访问密钥不存在，请核对 SMS_ACCESS_KEY_ID",
    "InvalidAccessKeyId.Inactive": "访问密钥已停用，请在阿里云控制台启用或更换",
    "InvalidTimeStamp.Expired": "请求时间与阿里云相差过大，请校准服务器时钟",
    "MissingParameter": "请求缺少必填参数",
}
_BUSY = {
    "isv.BUSINESS_LIMIT_CONTROL": "触发短信发送频率限制",
    "isv.DAY_LIMIT_CONTROL": "触发短信日发送量限额",
    "isv.MONTH_LIMIT_CONTROL": "触发短信月发送量限额",
    "SignatureNonceUsed": "请求随机数重复",
    "isp.SYSTEM_ERROR": "短信平台内部错误",
    "isp.GATEWAY_ERROR": "短信平台网关错误",
}
# The whole platform is busy or failing: other messages would fare no better now.
_PLATFORM_BUSY_PREFIXES = ("Throttling", "ServiceUnavailable", "InternalError")


def percent_encode(value: str) -> str:
    """Return value percent-encoded as Aliyun signs it: UTF-8, only A–Z a–z 0–9 - _ . ~
    left as they are (a space is %20, never +)."""
    return quote(value, safe="-_.~")


def string_to_sign(params: Mapping[str, str], method: str = "GET") -> str:
    """Return the string Aliyun signs: method, the encoded path and the encoded, sorted
    canonical query."""
    canonical = "&".join(
        f"{percent_encode(name)}={percent_encode(params[name])}" for name in sorted(params)
    )
    return f"{method}&{percent_encode('/')}&{percent_encode(canonical)}"


def signature(params: Mapping[str, str], secret: str, method: str = "GET") -> str:
    """Return the base64 HMAC-SHA1 of the string to sign, keyed by the secret and "&"."""
    digest = hmac.new(f"{secret}&".encode(), string_to_sign(params, method).encode(),
                      hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def template_text(subject: str) -> str:
    """Return the template variable for a message: its subject without a leading 【…】
    (Aliyun takes 【】 for a signature), at most PARAM_MAX_LENGTH characters."""
    text = re.sub(r"^\s*【[^】]*】", "", subject).strip()
    if len(text) > PARAM_MAX_LENGTH:
        text = text[: PARAM_MAX_LENGTH - 1] + "…"
    return text


class AliyunSmsSender:
    """Send texts through Aliyun SMS with the office's signature and template."""

    channel = Channel.SMS

    def __init__(
        self,
        access_key_id: str,
        access_key_secret: str,
        sign_name: str,
        template_code: str,
        template_param: str = "content",
        endpoint: str = DEFAULT_ENDPOINT,
        region_id: str = "cn-hangzhou",
        timeout: float = 5,
    ) -> None:
        self.access_key_id, self._secret = access_key_id, access_key_secret
        self.sign_name, self.template_code = sign_name, template_code
        self.template_param, self.region_id = template_param, region_id
        self.endpoint, self.timeout = endpoint, float(timeout)

    def __repr__(self) -> str:  # never the secret
        return (f"AliyunSmsSender({self.endpoint!r}, access_key_id={self.access_key_id!r}, "
                f"template_code={self.template_code!r})")

    def _url(self, phone: str, text: str) -> str:
        """Return the signed SendSms URL for one text to one phone."""
        params = {
            "AccessKeyId": self.access_key_id,
            "Action": "SendSms",
            "Format": "JSON",
            "PhoneNumbers": phone,
            "RegionId": self.region_id,
            "SignName": self.sign_name,
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": uuid.uuid4().hex,
            "SignatureVersion": "1.0",
            "TemplateCode": self.template_code,
            "TemplateParam": json.dumps({self.template_param: text}, ensure_ascii=False),
            "Timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Version": API_VERSION,
        }
        params["Signature"] = signature(params, self._secret)
        query = "&".join(f"{percent_encode(k)}={percent_encode(v)}" for k, v in params.items())
        return f"{self.endpoint}?{query}"

    def send(self, address: str, subject: str, body: str) -> None:
        phone = re.sub(r"[\s-]", "", address)  # 138-0003 4361 as written on a sheet
        answer = self._answer(self._url(phone, template_text(subject)))
        code = str(answer.get("Code", ""))
        if code != "OK":
            raise _refusal(code, str(answer.get("Message", "")))

    def _answer(self, url: str) -> dict:
        """Return the platform's JSON answer; raise RetryLater when it cannot answer now."""
        host = urlsplit(self.endpoint).netloc
        try:
            with urllib.request.urlopen(url, timeout=self.timeout) as response:
                payload = response.read()
        except urllib.error.HTTPError as error:
            payload = error.read()
            if error.code >= 500:
                raise RetryLater(f"短信平台暂时不可用（{host} 答复 HTTP {error.code}）",
                                 platform_down=True) from None
        except (urllib.error.URLError, OSError, http.client.HTTPException) as error:
            reason = getattr(error, "reason", error)
            raise RetryLater(f"无法连接短信平台 {host}：{_network_problem(reason, self.timeout)}",
                             platform_down=True) from None
        try:
            answer = json.loads(payload)
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            raise RetryLater(f"短信平台 {host} 的答复无法识别", platform_down=True)
        return answer


def _refusal(code: str, message: str) -> DeliveryError:
    """Return the error for an answer other than OK: RetryLater when it is worth trying
    again later, else DeliveryError, each saying why in Chinese."""
    if code in _REFUSED:
        return DeliveryError(f"短信未发送：{_REFUSED[code]}（阿里云错误码 {code}）。")
    if code in _BUSY:
        return RetryLater(f"短信未发送：{_BUSY[code]}（阿里云错误码 {code}）")
    if code.startswith(_PLATFORM_BUSY_PREFIXES) or code.startswith("isp."):
        return RetryLater(f"短信未发送：短信平台繁忙或出错（阿里云错误码 {code}）",
                          platform_down=code.startswith(_PLATFORM_BUSY_PREFIXES))
    return DeliveryError(f"短信未发送：短信平台拒绝（阿里云错误码 {code or '无'}：{message}）。")


def _network_problem(reason: object, timeout: float) -> str:
    if isinstance(reason, TimeoutError):
        return f"等待应答超过{timeout:g}秒"
    if isinstance(reason, ssl.SSLError):
        return "TLS 证书校验失败"
    if isinstance(reason, ConnectionRefusedError):
        return "连接被拒绝"
    if isinstance(reason, socket.gaierror):
        return "域名无法解析"
    if isinstance(reason, ConnectionError | http.client.HTTPException):
        return "连接中断"
    return "网络错误"
