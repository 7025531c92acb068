"""Server-rendered SVG maps from the simplified commune outlines (no tile server, works offline).

Outlines are stored in degrees (see `outlines.py`); one group transform projects them
(equirectangular, longitude shrunk by cos(latitude): right at the scale of a département).
"""

import math
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 900
MAX_HEIGHT = 760
LEGEND_FONT_SHARE = 38  # legend text: 1/38 of the map's width (24 units on 900)
BACKGROUND = "#f6f6f6"
NEIGHBOUR = "#e3e3fd"
OUTSIDE = "#dddddd"
TERRITORY = "#000091"
OTHER_CPTS = "#e4794a"
OVERLAP = "#e1000f"
MAP_FIELDS = ("pk", "insee", "name", "population", "min_lon", "min_lat", "max_lon", "max_lat")


@dataclass
class Layer:
    """Shapes drawn with one fill; `legend` "" keeps it out of the legend."""

    fill: str
    legend: str = ""
    shapes: list = field(default_factory=list)  # (tooltip or "", path data)
    group_title: str = ""  # one tooltip for the whole layer (a CPTS)


def _bbox(communes, margin=0.04):
    boxes = [c for c in communes if c.min_lon is not None]
    if not boxes:
        return None
    x1, y1 = min(c.min_lon for c in boxes), min(c.min_lat for c in boxes)
    x2, y2 = max(c.max_lon for c in boxes), max(c.max_lat for c in boxes)
    mx, my = max((x2 - x1) * margin, 0.005), max((y2 - y1) * margin, 0.005)
    return x1 - mx, y1 - my, x2 + mx, y2 + my


def _landscape(bbox, ratio=1.25):
    """Widen (or heighten) a box so the map is about `ratio` wide per 1 high: more context."""
    x1, y1, x2, y2 = bbox
    shrink = math.cos(math.radians((y1 + y2) / 2))
    width, height = (x2 - x1) * shrink, y2 - y1
    if width < height * ratio:
        pad = (height * ratio - width) / shrink / 2
        return x1 - pad, y1, x2 + pad, y2
    pad = (width / ratio - height) / 2
    return x1, y1 - pad, x2, y2 + pad


def render(layers: list[Layer], bbox, title: str, note: str = "", legend=()) -> SafeString:
    """An SVG document: the layers in order (last on top), then the legend below the map."""
    x1, y1, x2, y2 = bbox
    shrink = math.cos(math.radians((y1 + y2) / 2))
    scale = WIDTH / ((x2 - x1) * shrink)
    if (y2 - y1) * scale > MAX_HEIGHT:
        scale = MAX_HEIGHT / (y2 - y1)
    width = round((x2 - x1) * shrink * scale)
    map_height = round((y2 - y1) * scale)
    entries = [(layer.fill, layer.legend) for layer in layers if layer.legend and layer.shapes]
    entries += list(legend)
    # The legend is sized to the map: as wide as it, its text a fixed share of its width, so it
    # reads the same however wide the page draws the map (no frame wider than the map).
    legend_width = width
    font = max(round(width / LEGEND_FONT_SHARE), 12)
    row = round(font * 1.6)
    per_row = 2 if width >= 600 else 1
    rows = math.ceil(len(entries) / per_row) + (1 if note else 0)
    height = map_height + round(font * 2.4) + rows * row + 8
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {legend_width} {height}" '
        f'class="cpts-map" width="100%" role="img" aria-label="{escape(title)}" '
        'font-family="Marianne, Arial, sans-serif">',
        f"<title>{escape(title)}</title>",
        f'<rect width="{legend_width}" height="{height}" fill="#ffffff"/>',
        "<g>",
        f'<clipPath id="map-frame"><rect width="{width}" height="{map_height}"/></clipPath>',
        f'<rect width="{width}" height="{map_height}" fill="{BACKGROUND}"/>',
        '<g clip-path="url(#map-frame)">',
        f'<g transform="matrix({shrink * scale:.6f} 0 0 {-scale:.6f} '
        f'{-x1 * shrink * scale:.3f} {y2 * scale:.3f})" stroke="#ffffff" '
        'stroke-width="0.6" stroke-linejoin="round" fill-rule="evenodd">',
    ]
    for layer in layers:
        if not layer.shapes:
            continue
        group_title = f"<title>{escape(layer.group_title)}</title>" if layer.group_title else ""
        out.append(f'<g fill="{layer.fill}">{group_title}')
        untitled = "".join(path for tip, path in layer.shapes if not tip)
        if untitled:
            out.append(f'<path vector-effect="non-scaling-stroke" d="{untitled}"/>')
        for tip, path in layer.shapes:
            if tip and path:
                out.append(
                    f'<path vector-effect="non-scaling-stroke" d="{path}">'
                    f"<title>{escape(tip)}</title></path>"
                )
        out.append("</g>")
    out.append("</g></g>")
    out.append(f'<rect width="{width}" height="{map_height}" fill="none" stroke="#929292"/></g>')
    y = map_height + round(font * 1.5)
    out.append(
        f'<text x="8" y="{y}" font-size="{font + 2}" font-weight="700">{escape(title)}</text>'
    )
    column = legend_width / per_row
    for i, (fill, label) in enumerate(entries):
        top = y + round(font * 0.6) + (i // per_row) * row
        left = 8 + (i % per_row) * column
        out.append(
            f'<rect x="{left:.0f}" y="{top}" width="{font}" height="{font}" fill="{fill}" '
            f'stroke="#666" stroke-width="0.5"/><text x="{left + font * 1.5:.0f}" '
            f'y="{top + round(font * 0.85)}" font-size="{font}">{escape(label)}</text>'
        )
    if note:
        top = y + round(font * 0.6) + math.ceil(len(entries) / per_row) * row
        out.append(
            f'<text x="8" y="{top + round(font * 0.85)}" font-size="{font - 2}" fill="#555">'
            f"{escape(note)}</text>"
        )
    out.append("</svg>")
    return mark_safe("".join(out))  # every text piece above is escaped
