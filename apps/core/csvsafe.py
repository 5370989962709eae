"""The one formula-injection defence of every CSV and XLSX writer (OWASP "CSV injection").

Spreadsheet software evaluates a cell whose text starts with `=`, `+`, `-` or `@` as a formula,
and some of it folds the full-width forms (U+FF1D, U+FF0B, U+FF0D, U+FF20, and the small forms)
into the ASCII ones first; a leading tab, carriage return or line feed can hide the trigger behind
whitespace. Such text gets a leading apostrophe, which every spreadsheet shows as text and never
runs. Numbers, dates and empty values are returned unchanged so they keep their types. XLSX writers
must in addition store text as string cells (openpyxl turns any text starting with `=` into a formula otherwise).
"""

from __future__ import annotations

import unicodedata

ASCII_TRIGGERS = ("=", "+", "-", "@")
WHITESPACE_TRIGGERS = ("\t", "\r", "\n")
FULL_WIDTH_TRIGGERS = ("\uff1d", "\uff0b", "\uff0d", "\uff20")  # full-width equals, plus, hyphen-minus, at
# Every leading character that makes a spreadsheet evaluate a cell (the NFKC check in
# `is_formula_like` also catches the other compatibility forms, such as the small forms U+FE66, U+FE62, U+FE63, U+FE6B).
TRIGGERS = ASCII_TRIGGERS + WHITESPACE_TRIGGERS + FULL_WIDTH_TRIGGERS
ESCAPE = "'"


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet could evaluate `text` as a formula (by its first character)."""
    if not text:
        return False
    first = text[0]
    return first in TRIGGERS or unicodedata.normalize("NFKC", first) in ASCII_TRIGGERS


def neutralise(text: str) -> str:
    """`text` with a leading apostrophe when it looks like a formula; unchanged otherwise."""
    return ESCAPE + text if is_formula_like(text) else text


def safe_cell(value):
    """A spreadsheet cell value: text neutralised (see `neutralise`); numbers, dates, booleans and
    None returned as they are."""
    return neutralise(value) if isinstance(value, str) else value
