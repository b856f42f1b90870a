"""The list's rows: the addresses they link to and the other mentions beside them."""

import pytest
from django.urls import reverse, set_script_prefix
from django.utils import translation

from measures.browse.listing import STAND_IN, pk_urls


@pytest.fixture
def script_prefix():
    yield set_script_prefix
    set_script_prefix("/")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("prefix", ["/", "/qhreform/", f"/{STAND_IN}/"])
def test_addresses_by_pk_are_the_reversed_ones(language, prefix, script_prefix):
    script_prefix(prefix)
    with translation.override(language):
        for view in ("measures:mention_detail", "measures:instrument_detail"):
            url = pk_urls(view)
            for pk in (1, 42, 10**12):
                assert url(pk) == reverse(view, args=[pk])
