"""Amounts of money as a marketer reads them: the currency's sign, rounded, and exact."""

from __future__ import annotations

from dataclasses import dataclass

from retail_segments.report.tables import money

# ISO 4217 code -> sign; other codes are written before the amount ("CHF 1.2 k")
SIGNS = {"GBP": "£", "EUR": "€", "USD": "$", "JPY": "¥", "INR": "₹"}
DEFAULT_CURRENCY = "GBP"  # the UCI Online Retail files and the demo data


@dataclass(frozen=True)
class Currency:
    code: str
    source: str  # where the code came from, for the page

    @property
    def sign(self) -> str:
        return SIGNS.get(self.code, f"{self.code} ")

    @property
    def label(self) -> str:
        """`GBP (£)`, or the code alone when it has no sign of its own."""
        sign = SIGNS.get(self.code)
        return f"{self.code} ({sign})" if sign else self.code

    def short(self, value: float) -> str:
        """`£25.8 M`: the amount rounded for a headline."""
        text = money(abs(value))
        return f"{'-' if value < 0 else ''}{self.sign}{text}"

    def exact(self, value: float) -> str:
        """`£25,774,463.89`: the amount to the penny."""
        return f"{'-' if value < 0 else ''}{self.sign}{abs(value):,.2f}"
