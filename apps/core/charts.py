"""Server-side SVG charts: one module for the report PDFs (WeasyPrint) and the admin dashboard.

Pure rendering of numbers already computed: no queries, no JavaScript, no external fonts or
stylesheets, so a chart works in a PDF, in a page under a strict Content-Security-Policy and
without network access. Every chart is an accessible image (`<svg role="img">` with a `<title>`
and an `aria-label` saying what it shows) and carries its numbers as a table (`Chart.table`) for
screen readers and for anyone who would rather read than look.

Colours and text are SVG presentation attributes (never `style=`), and every `<text>` names its
font family, because WeasyPrint does not inherit fonts into SVG.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

FONT = "DejaVu Sans, Verdana, sans-serif"
TEXT = "#1f2933"
MUTED = "#52606d"
GRID = "#d9e2ec"
TRACK = "#eef1f5"
# Distinguishable for the common colour-vision deficiencies (Okabe-Ito), dark enough for text.
RECT = '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>'
PALETTE = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#7f7f7f")


@dataclass(frozen=True)
class Series:
    """One named row of values, one per category (e.g. one per day)."""

    name: str
    values: list[float]
    color: str | None = None


@dataclass(frozen=True)
class Chart:
    """A rendered chart: the SVG and the same numbers as a table."""

    title: str
    svg: SafeString
    headers: list[str]
    rows: list[list] = field(default_factory=list)
    width: int = 0
    height: int = 0
    # With `html_labels`: the bar labels, to be laid out as HTML over the SVG (see `bar_chart`).
    label_width: int = 0
    labels: list[dict] = field(default_factory=list)

    @property
    def total(self) -> float:
        """Sum of every number in the table (0 means the chart has nothing to show)."""
        return sum(value for row in self.rows for value in row[1:] if isinstance(value, int | float))

    def table(self, css_class: str = "") -> SafeString:
        """The chart's numbers as an HTML table with a caption (the chart's title)."""
        head = format_html_join("", '<th scope="col">{}</th>', ((header,) for header in self.headers))
        body = format_html_join(
            "",
            "<tr>{}</tr>",
            (
                (
                    format_html(
                        '<th scope="row">{}</th>{}',
                        row[0],
                        format_html_join("", "<td>{}</td>", ((_number(value),) for value in row[1:])),
                    ),
                )
                for row in self.rows
            ),
        )
        return format_html(
            '<table class="{}"><caption>{}</caption><thead><tr>{}</tr></thead><tbody>{}</tbody></table>',
            css_class,
            self.title,
            head,
            body,
        )


def _number(value) -> str:
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.1f}"
    return str(int(value)) if isinstance(value, int | float) else str(value)


def _text(x, y, content, *, size=10, anchor="start", color=TEXT, weight="normal") -> str:
    return format_html(
        '<text x="{}" y="{}" font-family="{}" font-size="{}" font-weight="{}" fill="{}" text-anchor="{}">{}</text>',
        x,
        y,
        FONT,
        size,
        weight,
        color,
        anchor,
        content,
    )


def _svg(title: str, width: int, height: int, parts: list[str], *, fluid: bool) -> SafeString:
    size = 'width="100%"' if fluid else f'width="{width}" height="{height}"'
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{}" {} viewBox="0 0 {} {}" '
        'preserveAspectRatio="xMinYMin meet"><title>{}</title>{}</svg>',
        title,
        mark_safe(size),  # noqa: S308 - built above from integers only
        width,
        height,
        title,
        mark_safe("".join(parts)),  # noqa: S308 - every part was escaped by format_html
    )


def _nice_max(value: float) -> float:
    """The smallest 1, 2 or 5 times a power of ten at or above `value` (axis top)."""
    if value <= 0:
        return 1
    magnitude = 1
    while magnitude * 10 <= value:
        magnitude *= 10
    for step in (1, 2, 5, 10):
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude


def _legend(series: list[Series], colors: list[str], *, x: int, width: int) -> tuple[list[str], int]:
    """Legend keys left to right, wrapping onto new lines within `width`; (parts, height used)."""
    parts, offset, line = [], x, 0
    for item, color in zip(series, colors, strict=True):
        key_width = 24 + 6 * len(item.name)
        if offset > x and offset + key_width > width:
            offset, line = x, line + 1
        y = 14 + line * 16
        parts.append(format_html(RECT, offset, y - 9, 10, 10, color))
        parts.append(_text(offset + 14, y, item.name, size=10, color=TEXT))
        offset += key_width
    return parts, 22 + line * 16


def column_chart(
    *,
    title: str,
    categories: list[str],
    series: list[Series],
    category_label: str = "Day",
    width: int = 560,
    height: int = 220,
    fluid: bool = True,
) -> Chart:
    """Stacked columns, one per category (a day, typically), one colour per series, with a legend.

    `series[i].values` has one value per category. The table lists each category with the value of
    every series, so a screen reader gets every number the picture shows.
    """
    colors = [item.color or PALETTE[index % len(PALETTE)] for index, item in enumerate(series)]
    totals = [sum(item.values[index] for item in series) for index in range(len(categories))]
    top = _nice_max(max(totals, default=0))
    left, right, bottom = 36, 8, 20
    parts, legend_h = _legend(series, colors, x=left, width=width - right)
    height += legend_h - 22
    plot_w, plot_h = width - left - right, height - legend_h - bottom - 6
    base_y = legend_h + 6 + plot_h
    slot = plot_w / max(1, len(categories))
    bar_w = max(1.0, slot * 0.7)
    for fraction in (0, 0.5, 1):
        y = round(base_y - plot_h * fraction, 1)
        parts.append(
            format_html('<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}"/>', left, y, width - right, y, GRID)
        )
        parts.append(_text(left - 4, y + 3, _number(top * fraction), size=9, anchor="end", color=MUTED))
    for index, category in enumerate(categories):
        x, y = round(left + index * slot + (slot - bar_w) / 2, 1), base_y
        for item, color in zip(series, colors, strict=True):
            value = item.values[index]
            if value <= 0:
                continue
            h = round(plot_h * value / top, 1)
            y -= h
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}: {} {}</title></rect>',
                    x,
                    round(y, 1),
                    round(bar_w, 1),
                    h,
                    color,
                    category,
                    _number(value),
                    item.name,
                )
            )
        step = max(1, len(categories) // 6)
        if index % step == 0 or index == len(categories) - 1:
            parts.append(_text(round(x + bar_w / 2, 1), height - 6, category, size=9, anchor="middle", color=MUTED))
    return Chart(
        title=title,
        svg=_svg(title, width, height, parts, fluid=fluid),
        headers=[category_label, *[item.name for item in series]],
        rows=[[category, *[item.values[index] for item in series]] for index, category in enumerate(categories)],
    )


def bar_chart(
    *,
    title: str,
    labels: list[str],
    values: list[float],
    value_label: str = "Value",
    label_header: str = "Item",
    max_value: float | None = None,
    unit: str = "",
    color: str = PALETTE[0],
    label_width: int = 230,
    bar_width: int = 420,
    fluid: bool = True,
    scale_labels: bool = False,
    html_labels: bool = False,
) -> Chart:
    """Horizontal bars, one per label, on a track from 0 to `max_value` (the largest value when
    None), with the value printed after each bar. `scale_labels` prints 0 and the maximum above.

    `html_labels` leaves the labels out of the SVG and returns them in `Chart.labels` (`label`,
    `dir`, `y`, `height` in px) for the template to lay over it: WeasyPrint draws SVG text glyph by
    glyph, which reverses right-to-left scripts and leaves Arabic letters unjoined, while HTML text
    is shaped and reordered by Pango (the PDF reports use this)."""
    top = max_value if max_value is not None else _nice_max(max(values, default=0))
    bar_h, gap, head = 14, 6, 24 if scale_labels else 6
    bar_x, value_x = label_width + 10, label_width + 10 + bar_width + 6
    width, height = label_width + bar_width + 70, head + len(labels) * (bar_h + gap) + 10
    parts, boxes = [], []
    if scale_labels:
        parts.append(_text(bar_x, 12, f"0{unit}", size=9, color=MUTED))
        parts.append(_text(bar_x + bar_width, 12, f"{_number(top)}{unit}", size=9, anchor="end", color=MUTED))
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = head + index * (bar_h + gap)
        shown = label if len(label) <= 38 else label[:37] + "…"
        if html_labels:
            boxes.append({"label": shown, "dir": text_direction(shown), "y": y, "height": bar_h})
        else:
            parts.append(_text(label_width, y + bar_h - 3, shown, size=9, anchor="end"))
        parts.append(format_html(RECT, bar_x, y, bar_width, bar_h, TRACK))
        length = round(bar_width * min(max(value or 0, 0), top) / top, 1) if top else 0
        parts.append(
            format_html('<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>', bar_x, y, length, bar_h, color)
        )
        parts.append(_text(value_x, y + bar_h - 3, f"{_number(value or 0)}{unit}", size=9))
    return Chart(
        title=title,
        svg=_svg(title, width, height, parts, fluid=fluid),
        headers=[label_header, value_label],
        rows=[[label, value or 0] for label, value in zip(labels, values, strict=True)],
        width=width,
        height=height,
        label_width=label_width,
        labels=boxes,
    )


def text_direction(text: str) -> str:
    """ "rtl" when the first strongly directional character of `text` is right-to-left (Arabic,
    Hebrew, ...), else "ltr" (also for text without any, such as numbers)."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return "ltr"
