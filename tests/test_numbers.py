"""cskit.numbers.format_large: large numbers as each language reads them, never rounded."""
from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cskit.errors import CskitError
from cskit.numbers import format_large

#: The value of each Japanese group name, written here independently of cskit.numbers.
JA_GROUPS = {"兆": 10 ** 12, "億": 10 ** 8, "万": 10 ** 4}
EN_WORDS = {"trillion": 10 ** 12, "billion": 10 ** 9, "million": 10 ** 6}


def read_japanese(text: str) -> int:
    """Add the groups of a Japanese number back up: '1億2,000万3,456' -> 120003456."""
    sign = -1 if text.startswith("-") else 1
    total, rest = 0, text.lstrip("-")
    for count, name in re.findall(r"([\d,]+)([兆億万])", rest):
        total += int(count.replace(",", "")) * JA_GROUPS[name]
    tail = re.sub(r"[\d,]+[兆億万]", "", rest)
    return sign * (total + (int(tail.replace(",", "")) if tail else 0))


def read_english(text: str) -> float:
    """'1.8 million' -> 1800000, '12,000' -> 12000."""
    sign = -1 if text.startswith("-") else 1
    number, _, word = text.lstrip("-").partition(" ")
    return sign * round(float(number.replace(",", "")) * EN_WORDS.get(word, 1))


@pytest.mark.parametrize("value,currency,ja,en", [
    (500_000_000, "USD", "5億ドル", "USD 500 million"),      # Salesforce's market value in 2004 (article 004)
    (1_800_000, "JPY", "180万円", "JPY 1.8 million"),         # the simple LTV exercise: 50,000 x 12 x 3
    (12_000, "JPY", "1万2,000円", "JPY 12,000"),
    (100_000_000, "JPY", "1億円", "JPY 100 million"),         # the NRR example: last year's revenue (article 001)
    (70_000_000, "JPY", "7,000万円", "JPY 70 million"),       # ... and this year's
    (8_100_000, None, "810万", "8.1 million"),                # Netflix subscribers (article 004)
    (9_000, None, "9,000", "9,000"),
    (0, None, "0", "0"),
    (120_003_456, None, "1億2,000万3,456", "120,003,456"),      # no exact short English form: written in full
    (100_020_000, None, "1億2万", "100.02 million"),
    (1_500_000_000, None, "15億", "1.5 billion"),
    (2_000_000_000_000, None, "2兆", "2 trillion"),
    (-3_500_000, "JPY", "-350万円", "JPY -3.5 million"),
])
def test_hand_written_examples(value, currency, ja, en):
    assert format_large(value, "ja", currency) == ja
    assert format_large(value, "en", currency) == en


def test_a_whole_float_reads_like_the_integer_and_a_fraction_keeps_its_digits():
    assert format_large(5.0e8, "ja", "USD") == "5億ドル"
    assert format_large(1234.5, "en") == "1,234.5" and format_large(12345.25, "ja") == "12,345.25"


def test_other_currencies_take_their_iso_code():
    assert format_large(3_000_000, "en", "eur") == "EUR 3 million"
    assert format_large(3_000_000, "ja", "EUR") == "300万 EUR"


def test_an_unknown_language_is_refused():
    with pytest.raises(CskitError) as info:
        format_large(1, "fr")
    assert info.value.code == "cli.unknown_lang"


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=-10 ** 15, max_value=10 ** 15))
def test_no_digit_is_lost(value):
    """Read back by an independent route, both languages give the exact value: nothing is rounded."""
    assert read_japanese(format_large(value, "ja")) == value
    assert read_english(format_large(value, "en")) == value
