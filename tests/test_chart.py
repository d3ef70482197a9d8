"""The chat chart carries its numbers: every bar has its label above it and its value beside
it, on an opaque card that reads on light and dark themes (adapters.chart, Pillow)."""

from __future__ import annotations

import io

from PIL import Image

from adapters.chart import BACKGROUND, FILL, INK, MUTED, PAD, SCALE, alt_text, chart_png

BARS = (("Workload & staffing", 0.42),
        ("Paid time for equity training and learning for part-time, evening and weekend "
         "staff at every branch", 0.33),
        ("other", 0.25))


def _rows(image: Image.Image, colour: tuple[int, int, int], x0: int, x1: int) -> list[int]:
    """The y of every pixel row that has `colour`-ish pixels between x0 and x1."""
    px = image.load()
    assert px is not None

    def near(c: tuple[int, int, int]) -> bool:
        return sum(abs(a - b) for a, b in zip(c, colour, strict=True)) < 60

    return [y for y in range(image.height)
            if any(near(px[x, y]) for x in range(x0, x1, 2))]


def _runs(ys: list[int]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    for y in ys:
        if runs and y == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], y)
        else:
            runs.append((y, y))
    return runs


def test_each_bar_has_its_label_above_and_its_value_beside_it() -> None:
    image = Image.open(io.BytesIO(chart_png(BARS, "Themes of all comments")))
    assert image.mode == "RGB" and image.getpixel((PAD * SCALE + 1, 3)) == BACKGROUND  # opaque
    bars = _runs(_rows(image, FILL, PAD * SCALE, PAD * SCALE + 6))
    assert len(bars) == 3
    text = _rows(image, INK, PAD * SCALE, image.width // 2)
    values = _rows(image, MUTED, image.width - 90 * SCALE, image.width - PAD)
    previous_end = 0
    for top, bottom in bars:
        assert any(previous_end < y < top for y in text), "a label above every bar"
        assert any(top <= y <= bottom for y in values), "a value beside every bar"
        previous_end = bottom
    # the long label wraps onto a second line instead of being cut
    def block(lo: int, hi: int) -> int:
        inside = [y for y in text if lo < y < hi]
        return max(inside) - min(inside)

    one_line = block(bars[0][0] - 18 * SCALE, bars[0][0])
    assert block(bars[0][1], bars[1][0]) > 1.6 * one_line


def test_alt_text_says_the_same_in_words() -> None:
    assert alt_text(BARS[:1], "Themes") == "Themes: Workload & staffing 42%"
