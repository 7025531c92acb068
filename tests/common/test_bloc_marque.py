"""The State's bloc-marque comes from the installed DSFR package, drawn inline (no URL)."""

import pytest

from common.bloc_marque import devise, marianne

pytestmark = pytest.mark.rules


def test_marianne_and_motto_are_inline_svg_from_the_dsfr_package():
    assert marianne().startswith("<svg") and "#000091" in marianne() and "#e1000f" in marianne()
    assert "<path" in marianne() and "url(" not in marianne()
    assert devise().startswith("<svg") and "viewBox='0 0 126 90'" in devise()
    assert "http" not in marianne().replace("http://www.w3.org/2000/svg", "")
