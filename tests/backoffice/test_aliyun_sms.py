"""The Aliyun SMS sender: its signature against Aliyun's published example, and a text to
a stand-in of the service on loopback that checks every request as the service does:
taken, refused for good (a Chinese reason), or to be tried again later."""

import socket

import pytest

from backoffice.aliyun_sms import AliyunSmsSender, percent_encode, signature, string_to_sign
from backoffice.models import Channel
from backoffice.senders import DeliveryError, RetryLater, SettingsError, senders_from_config
from tests.aliyun_sms_service import AliyunSmsService

# The worked example of Aliyun's SMS signature page ("HTTP协议及签名", SendSms 2017-05-25):
# its parameters, the string it signs and the signature it gives with secret testSecret.
EXAMPLE = {
    "AccessKeyId": "testId", "Action": "SendSms", "Format": "XML", "OutId": "123",
    "PhoneNumbers": "15300000001", "RegionId": "cn-hangzhou", "SignName": "阿里云短信测试专用",
    "SignatureMethod": "HMAC-SHA1", "SignatureNonce": "45e25e9b-0a6f-4070-8c85-2956eda1b466",
    "SignatureVersion": "1.0", "TemplateCode": "SMS_71390007",
    "TemplateParam": '{"customer":"test"}', "Timestamp": "2017-07-12T02:42:19Z",
    "Version": "2017-05-25",
}
EXAMPLE_STRING_TO_SIGN = (
    "GET&%2F&AccessKeyId%3DtestId%26Action%3DSendSms%26Format%3DXML%26OutId%3D123"
    "%26PhoneNumbers%3D15300000001%26RegionId%3Dcn-hangzhou%26SignName%3D%25E9%2598%25BF"
    "%25E9%2587%258C%25E4%25BA%2591%25E7%259F%25AD%25E4%25BF%25A1%25E6%25B5%258B%25E8%25AF"
    "%2595%25E4%25B8%2593%25E7%2594%25A8%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce"
    "%3D45e25e9b-0a6f-4070-8c85-2956eda1b466%26SignatureVersion%3D1.0%26TemplateCode"
    "%3DSMS_71390007%26TemplateParam%3D%257B%2522customer%2522%253A%2522test%2522%257D"
    "%26Timestamp%3D2017-07-12T02%253A42%253A19Z%26Version%3D2017-05-25"
)
SUBJECT = "【书面意见办理提醒】区交通委：超期1项，7天内到期2项"


def test_the_signature_of_aliyuns_published_example() -> None:
    assert string_to_sign(EXAMPLE) == EXAMPLE_STRING_TO_SIGN
    assert signature(EXAMPLE, "testSecret") == "zJDF+Lrzhj/ThnlvIToysFRq6t4="
    # Aliyun's encoding: unreserved characters kept, a space %20 (not +), * and / encoded.
    assert percent_encode("a b*~-_.") == "a%20b%2A~-_."
    assert percent_encode("/=&+区") == "%2F%3D%26%2B%E5%8C%BA"


@pytest.fixture(scope="module")
def service():
    with AliyunSmsService() as running:
        yield running


@pytest.fixture
def fresh(service):
    """The service in a new minute, answering normally."""
    service.fault, service.texts = None, []
    service.next_minute()
    return service


def _sender(service: AliyunSmsService, **changes: object) -> AliyunSmsSender:
    return senders_from_config(service.settings(SMS_TIMEOUT=0.3, **changes))[Channel.SMS]


def test_a_text_goes_out_signed_with_the_subject_as_the_templates_variable(fresh) -> None:
    sender = _sender(fresh)
    sender.send("138-0003 4361", SUBJECT, "孟杰娟同志：……")
    assert fresh.texts == [("13800034361", {"content": "区交通委：超期1项，7天内到期2项"})]
    # A subject longer than a variable may be (35 characters) is cut, not refused.
    sender.send("13800034362", "区" * 40, "")
    assert fresh.texts[-1] == ("13800034362", {"content": "区" * 34 + "…"})


@pytest.mark.parametrize(("changes", "phone", "reason", "code"), [
    ({"SMS_TEMPLATE_CODE": "SMS_000000"}, "13800034361", "短信模板不存在或未通过审核",
     "isv.SMS_TEMPLATE_ILLEGAL"),
    ({"SMS_SIGN_NAME": "某某公司"}, "13800034361", "短信签名不存在或未通过审核",
     "isv.SMS_SIGNATURE_ILLEGAL"),
    ({}, "1380003436", "手机号码格式不正确", "isv.MOBILE_NUMBER_ILLEGAL"),
    ({"SMS_ACCESS_KEY_SECRET": "Wrong-Secret"}, "13800034361", "请求签名校验未通过",
     "SignatureDoesNotMatch"),
    ({"SMS_ACCESS_KEY_ID": "LTAI5tUnknown"}, "13800034361", "访问密钥不存在",
     "InvalidAccessKeyId.NotFound"),
])
def test_a_refused_text_fails_for_good_saying_why(fresh, changes, phone, reason, code) -> None:
    with pytest.raises(DeliveryError) as refused:
        _sender(fresh, **changes).send(phone, SUBJECT, "")
    assert not isinstance(refused.value, RetryLater)
    assert str(refused.value).startswith(f"短信未发送：{reason}")
    assert f"（阿里云错误码 {code}）" in str(refused.value)
    assert fresh.secret not in str(refused.value) and fresh.texts == []


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_text_the_platform_cannot_take_now_is_to_be_tried_again(fresh) -> None:
    sender = _sender(fresh)
    sender.send("13800034361", SUBJECT, "")
    with pytest.raises(RetryLater) as limited:  # a second text to the number this minute
        sender.send("13800034361", SUBJECT, "")
    assert "触发短信发送频率限制（阿里云错误码 isv.BUSINESS_LIMIT_CONTROL）" in str(limited.value)
    assert not limited.value.platform_down  # other numbers may still be texted

    fresh.fault = "500"
    with pytest.raises(RetryLater) as failing:
        sender.send("13800034362", SUBJECT, "")
    assert "短信平台暂时不可用" in str(failing.value) and "HTTP 500" in str(failing.value)

    fresh.fault = "slow"
    with pytest.raises(RetryLater) as slow:
        sender.send("13800034363", SUBJECT, "")
    assert "等待应答超过0.3秒" in str(slow.value)

    nobody = _sender(fresh, SMS_ENDPOINT=f"http://127.0.0.1:{_free_port()}/")
    with pytest.raises(RetryLater) as refused:
        nobody.send("13800034364", SUBJECT, "")
    assert "连接被拒绝" in str(refused.value)
    assert all(p.platform_down for p in (failing.value, slow.value, refused.value))
    assert fresh.texts == [("13800034361", {"content": "区交通委：超期1项，7天内到期2项"})]


def test_the_settings_name_what_is_missing_and_the_secret_is_never_shown(fresh) -> None:
    sender = _sender(fresh)
    assert isinstance(sender, AliyunSmsSender) and sender.endpoint == fresh.endpoint
    assert fresh.secret not in repr(sender)
    with pytest.raises(SettingsError, match="还须设置：SMS_SIGN_NAME、SMS_TEMPLATE_CODE"):
        senders_from_config({"SMS_PROVIDER": "aliyun", "SMS_ACCESS_KEY_ID": "x",
                             "SMS_ACCESS_KEY_SECRET": "y"})
    with pytest.raises(SettingsError, match="SMS_ENDPOINT 须是以 https:// 开头的网址"):
        _sender(fresh, SMS_ENDPOINT="dysmsapi.aliyuncs.com")
    with pytest.raises(SettingsError, match="不支持的短信平台"):
        senders_from_config({"SMS_PROVIDER": "yunpian"})
    assert senders_from_config({}) == {}
