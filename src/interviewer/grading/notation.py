"""Numbers written in scientific notation, as a researcher writes them: "5 × 10^8 daily users", "ca. 10^5
core-hours", "3e4 requests per second", "10⁸ followers". Each is rewritten in plain digits ("500,000,000") before
numbers are read, so a derivation said in powers of ten is recomputed like any other; "ca. 30 ms" is "about
30 ms" and "70 per cent" is "70 percent"."""

from __future__ import annotations

import re

_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")
_POWER = re.compile(
    r"(?:(?<![\w.])(?P<mant>\d+(?:\.\d+)?)\s*(?:×|x|\*|·|⋅)\s*|(?<![\w.]))"
    r"10(?:\^\s*\(?(?P<exp>[-−]?\d{1,2})\)?|(?P<sup>[⁻]?[⁰¹²³⁴⁵⁶⁷⁸⁹]{1,2}))(?![\w^])"
)
_CIRCA = re.compile(r"\b(?:ca|approx)\.\s*(?=[$\d])", re.I)
_PER_CENT = re.compile(r"(?<=\d)(\s?)per cent\b", re.I)  # British "70 per cent"
# "× 2 B ≈ 131 KB": after a multiplication sign, a 1, 2, 4 or 8 "B" is bytes per value, not billions
_BYTES_B = re.compile(r"(?<=[×*] )([1248]) B\b(?!\s*[a-z])")
_E_NOTATION = re.compile(r"(?<![\w.])(?P<mant>\d+(?:\.\d+)?)[eE](?P<exp>[-+]?\d{1,2})\b")


# "a third of a cent", "three-quarters of a cent": a part of one unit said in words
_PART_OF = re.compile(
    r"\b(a|one|two|three)[ -](half|third|quarter|fifth|tenth)s? of an? (cent|dollar|second|millisecond)\b",
    re.I,
)
_COUNTS = {"a": 1, "one": 1, "two": 2, "three": 3}
_PARTS = {"half": 2, "third": 3, "quarter": 4, "fifth": 5, "tenth": 10}


def _part_of(m: re.Match[str]) -> str:
    value = _COUNTS[m.group(1).lower()] / _PARTS[m.group(2).lower()]
    return f"{value:.3g} {m.group(3)}s" if value < 1 else m.group(0)


# "two dollars fifty per million", "3 dollars 20 each": dollars and cents said as a price, "$2.50"
_SMALL = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
_TENS = ("", "ten", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_DOLLARS_AND = re.compile(
    rf"\b(?P<d>{'|'.join(_SMALL[1:])}|\d{{1,3}}) dollars? "
    rf"(?P<c>(?P<t>{'|'.join(_TENS[2:])})(?:[- ](?P<u>{'|'.join(_SMALL[1:10])}))?|ten|fifteen|\d{{2}})"
    r"(?=\s*(?:per|a|an|each|every|for)\b|\s*[,.;:)]|\s*$)",
    re.I,
)

# "at two fifty per million in": a price said the way it is read off a price list, dollars then cents
_BARE_PRICE = re.compile(
    rf"(?<=\b(?:at|is) )(?P<d>{'|'.join(_SMALL[1:])}) "
    rf"(?P<c>(?P<t>{'|'.join(_TENS[2:])})(?:[- ](?P<u>{'|'.join(_SMALL[1:10])}))?|fifteen)"
    r"(?=\s+(?:per|a|an|each)\s+(?:million|thousand|token|request|call|unit|hour|gpu)s?\b)",
    re.I,
)

_NEXT_PRICE = re.compile(
    r"(?:(?<=\band )|(?<=\bat ))(ten|twenty|thirty|forty|fifty|\d+(?:\.\d+)?)(?= per (?:million|thousand)\b)",
    re.I,
)


def _price(m: re.Match[str]) -> str:
    dollars, cents = m.group("d").lower(), m.group("c").lower()
    whole = int(dollars) if dollars.isdigit() else _SMALL.index(dollars)
    if cents.isdigit():
        part = int(cents)
    elif m.group("t"):
        part = 10 * _TENS.index(m.group("t").lower()) + (
            _SMALL.index(m.group("u").lower()) if m.group("u") else 0
        )
    else:
        part = {"ten": 10, "fifteen": 15}[cents]
    return f"${whole}.{part:02d}"


def plain_powers(text: str) -> str:
    """`text` with every number in scientific notation written out in digits, "ca." (circa) as "about", "per
    cent" as "percent", "× 2 B" as "× 2 bytes", "a third of a cent" as "0.333 cents" and "two dollars fifty" or
    "at two fifty per million" as "$2.50"."""
    text = _PART_OF.sub(_part_of, text) if " of a" in text else text
    text = _DOLLARS_AND.sub(_price, text) if "dollar" in text.lower() else text
    if " per " in text and (priced := _BARE_PRICE.sub(_price, text)) != text:
        # "at two fifty per million in and ten per million out": the second price said as bare as the first
        text = _NEXT_PRICE.sub(
            lambda m: f"${_TENS.index(m[1].lower()) * 10 if m[1].lower() in _TENS else m[1]}", priced
        )
    text = _BYTES_B.sub(r"\1 bytes", _PER_CENT.sub(r"\1percent", _CIRCA.sub("about ", text)))
    if "10" not in text and "e" not in text.lower():
        return text
    text = _POWER.sub(_written, text)
    return _E_NOTATION.sub(_written, text)


def _written(match: re.Match[str]) -> str:
    groups = match.groupdict()
    exponent = groups.get("exp") or (groups.get("sup") or "").translate(_SUPERSCRIPTS)
    value = float(groups.get("mant") or 1) * 10 ** int(exponent.replace("−", "-"))
    if value >= 1 and value == int(value):
        return f"{int(value):,}"
    return f"{value:.12f}".rstrip("0").rstrip(".")


# a unit of time after a number: "5 in 10 minutes" is no share
TIME_AFTER = re.compile(
    r"^\s*(?:ms|milliseconds?|s\b|secs?|seconds?|minutes?|hours?|days?|weeks?|months?|years?)\b", re.I
)
