"""Holes an outsider could use, found by probing the public site, the sign-in page and the
deputies' pages as an attacker would."""

import pytest

from backoffice.public.catalogue import summary
from backoffice.security.log import mask_phones


@pytest.mark.parametrize(("written", "masked"), [
    # A Shanghai number without its area code, as most people write their own.
    ("联系电话：64123456", "联系电话：****3456"),
    ("请致电6412 3456（王先生）", "请致电****3456（王先生）"),
    ("物业热线 6412-3456", "物业热线 ****3456"),
    ("Tel: 64123456", "Tel: ****3456"),
    # Separators a word processor or a web page puts between the groups.
    ("联系138\u00a01234\u00a05678", "联系138****5678"),
    ("联系138—1234—5678", "联系138****5678"),
    ("联系021–64123456", "联系021-****3456"),
    # Numbers that are not phone numbers stay as they are.
    ("编号20170315，2017-03-15，投资25000000元", "编号20170315，2017-03-15，投资25000000元"),
])
def test_the_public_summary_masks_a_number_however_it_is_written(written, masked) -> None:
    # The public site's summaries, titles and letter names are masked by mask_phones; a
    # deputy's text names residents' home numbers, mostly without the area code.
    assert mask_phones(written) == masked
    assert summary(written) == " ".join(masked.split())
