"""The chat chart carries its numbers: every bar has its label above it and its value beside
it, on an opaque card that reads on light and dark themes (adapters.chart, Pillow)."""

from __future__ import annotations

import io

from PIL import Image

from adapters.chart import (
    BACKGROUND,
    COLOURS,
    FILL,
    INK,
    MUTED,
    PAD,
    SCALE,
    WIDTH,
    alt_text,
    chart_png,
)

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
    png = Image.open(io.BytesIO(chart_png(BARS, "Themes of all comments")))
    # a small palette image of the chart's own colours, with no transparency: opaque
    assert png.mode == "P" and "transparency" not in png.info and png.width == WIDTH * SCALE
    image = png.convert("RGB")
    assert {c for _, c in image.getcolors() or []} <= set(COLOURS)
    assert image.getpixel((PAD * SCALE + 1, 3)) == BACKGROUND
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


def test_a_twelve_theme_chart_is_small_enough_to_go_inline_in_a_teams_card() -> None:
    """Teams takes about 28 KB per message, card and its base64 chart together; with
    anti-aliased full-colour text a six-theme chart alone was 48 KB as base64."""
    import base64

    from adapters.teams.convert import CARD_BYTES, CHART_WIDTH

    labels = ["Formación y aprendizaje", "Apoyo de la dirección", "Carga de trabajo y personal",
              "Alianzas comunitarias y público", "Represalias", "Presupuesto",
              "Acceso lingüístico e intérpretes", "Contratación y ascensos",
              "Seguridad y normas de conducta", "Colecciones y exhibiciones",
              "Horarios y turnos", "otros"]
    bars = [(label, (12 - n) / 78) for n, label in enumerate(labels)]
    png = chart_png(bars, "Temas de todos los comentarios (porcentaje de comentarios)",
                    width=CHART_WIDTH)
    assert len(base64.b64encode(png)) < CARD_BYTES * 2 // 3
    image = Image.open(io.BytesIO(png))
    assert image.width == CHART_WIDTH * SCALE  # still twice the width it is shown at
    assert len(_runs(_rows(image.convert("RGB"), FILL, PAD * SCALE, PAD * SCALE + 6))) == 12
