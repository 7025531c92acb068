"""The map's legend is sized to the map: as wide as it, its text a share of its width."""

import re

from territories.maps import LEGEND_FONT_SHARE, Layer, render


def _svg(bbox):
    layers = [Layer("#000091", "Territoire du projet", [("", "M0 0L1 1Z")])]
    return render(layers, bbox, "Carte", legend=[("#e4794a", "Autre CPTS")])


def test_legend_is_as_wide_as_the_map_and_scales_with_it():
    for bbox in ((0.0, 45.0, 1.0, 45.8), (0.0, 45.0, 0.3, 46.0)):  # wide, then tall and narrow
        svg = _svg(bbox)
        width = int(re.search(r'<rect width="(\d+)" height="\d+" fill="#f6f6f6"', svg).group(1))
        assert re.search(r'viewBox="0 0 (\d+) ', svg).group(1) == str(width)
        sizes = {
            int(s) for s in re.findall(r'<text [^>]*font-size="(\d+)">(?:Territoire|Autre)', svg)
        }
        assert sizes == {max(round(width / LEGEND_FONT_SHARE), 12)}
    assert "translate(" not in _svg((0.0, 45.0, 0.3, 46.0)).split("<g clip-path")[0]
