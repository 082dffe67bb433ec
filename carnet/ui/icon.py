"""The app's favicon, drawn in code.

A Material-icon favicon (``page_icon=":material/map:"``) makes the browser fetch an
SVG from a third-party font host; an image drawn here keeps the app fully offline.
"""

from __future__ import annotations

from functools import cache

from PIL import Image, ImageDraw


@cache
def favicon() -> Image.Image:
    """A 64 px blue tile with a white folded-map glyph."""
    img = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.rounded_rectangle((0, 0, 63, 63), radius=12, fill=(0, 114, 178, 255))
    d.polygon([(12, 18), (25, 12), (39, 18), (52, 12), (52, 46), (39, 52), (25, 46), (12, 52)],
              fill=(255, 255, 255, 255))
    d.line([(25, 12), (25, 46)], fill=(0, 114, 178, 255), width=3)
    d.line([(39, 18), (39, 52)], fill=(0, 114, 178, 255), width=3)
    return img
