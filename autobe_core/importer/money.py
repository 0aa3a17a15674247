"""Which AutoBe ``double`` fields hold money, and the ``decimal`` they become.

AutoBe has no decimal type: prices, totals and balances are ``double`` columns, which
store binary fractions (0.1 + 0.2 != 0.3) and round sums of money. A ``double`` whose
*name* says money becomes ``decimal(19, 4)``: exact, 15 digits before the point, and 4
after it, enough for the minor unit of every ISO 4217 currency (3 for the Kuwaiti dinar,
4 for Chile's unidad de fomento) and for sub-cent unit prices, so no value AutoBe's
column was meant to hold loses a digit.

The name is read as words (``unit_price_snapshot`` -> unit, price, snapshot; camelCase
too), never as a substring (``priceless`` is no price, ``subtotal`` is its own word).
A field is money when one of its words names an amount of money (:data:`MONEY_WORDS`)
and none of them says it is a count, a proportion or a measure (:data:`NOT_MONEY_WORDS`):
``total_count``, ``discount_rate`` and ``percent_discount_rate`` stay ``double``. Words
after ``per`` name the denominator of a rate of money (``cost_per_click``) and are not
read. Only ``double`` fields are considered: an ``int`` amount (cents, points) is already
exact.
"""

from __future__ import annotations

from dataclasses import dataclass

from autobe_core.spec.naming import singular, snake

PRECISION = 19
"""Digits of an imported money field: 15 before the point, :data:`SCALE` after it."""
SCALE = 4
"""Digits after the point: every ISO 4217 minor unit (up to 4) and sub-cent prices."""

MONEY_WORDS = frozenset({
    "price", "msrp", "amount", "total", "subtotal", "cost", "fee", "fare", "tuition",
    "balance", "salary", "wage", "payroll", "tax", "vat", "discount", "rebate", "refund",
    "payment", "payout", "deposit", "withdrawal", "revenue", "income", "earning", "profit",
    "charge", "surcharge", "commission", "gratuity", "budget", "expense", "expenditure",
    "spend", "spending", "rent", "cash", "money", "prepayment", "bonus",
})
"""Words that name an amount of money (singular; plurals are read as their singular)."""

NOT_MONEY_WORDS = frozenset({
    "count", "quantity", "qty", "number", "num", "rate", "ratio", "percent", "percentage",
    "pct", "bps", "basis", "score", "rating", "rank", "point", "star", "vote", "view",
    "karma", "weight", "height", "width", "length", "depth", "size", "distance", "duration",
    "second", "minute", "hour", "day", "week", "month", "year", "age", "level", "factor",
    "multiplier", "probability", "version", "latitude", "longitude", "lat", "lng",
})
"""Words that make the field a count, a proportion or a measure, not an amount."""


@dataclass(frozen=True)
class MoneyVerdict:
    """What a field's name says: ``money`` when a money word is there and no other word
    says otherwise; ``word`` is the money word found, ``vetoes`` the words that
    outweigh it."""

    money: bool
    word: str | None
    vetoes: tuple[str, ...] = ()

    def reason(self) -> str:
        if self.money:
            return f"its name has the money word {self.word!r}"
        said = " and ".join(repr(v) for v in self.vetoes)
        return (f"its name has the money word {self.word!r}, but {said} make"
                f"{'s' if len(self.vetoes) == 1 else ''} it a count, a proportion or a "
                "measure, not an amount; kept double")


def name_words(name: str) -> list[str]:
    """The words of a field name up to ``per`` (``costPerClick`` -> ``['cost']``)."""
    words = [w for w in snake(name).split("_") if w]
    return words[: words.index("per")] if "per" in words else words


def _among(word: str, words: frozenset[str]) -> bool:
    return word in words or singular(word) in words


def money_verdict(name: str) -> MoneyVerdict | None:
    """What the name says about money, or None when it has no money word."""
    words = name_words(name)
    word = next((w for w in words if _among(w, MONEY_WORDS)), None)
    if word is None:
        return None
    vetoes = tuple(dict.fromkeys(w for w in words if _among(w, NOT_MONEY_WORDS)))
    return MoneyVerdict(money=not vetoes, word=word, vetoes=vetoes)


def is_money(name: str) -> bool:
    verdict = money_verdict(name)
    return verdict is not None and verdict.money
