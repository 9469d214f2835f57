"""Waymark's page icon, drawn in code so no file is shipped and no icon font is fetched.

(A ``:material/...:`` page icon makes the browser fetch an SVG from fonts.gstatic.com.)
"""

from __future__ import annotations

import functools

from PIL import Image, ImageDraw

__all__ = ["page_icon"]


@functools.lru_cache(maxsize=1)
def page_icon() -> Image.Image:
    """A 64px signpost: white post and arrow on GOV.UK blue."""
    img = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    draw.rounded_rectangle((0, 0, 63, 63), radius=12, fill=(29, 112, 184, 255))
    draw.rectangle((29, 14, 35, 56), fill=(255, 255, 255, 255))
    draw.polygon([(14, 16), (46, 16), (54, 24), (46, 32), (14, 32)], fill=(255, 255, 255, 255))
    return img
