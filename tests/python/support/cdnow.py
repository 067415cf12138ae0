"""The CDNOW customer summary computed in pandas from the raw file, independently of
the SQL models: the reference for the customer-value tests."""

from __future__ import annotations

import pandas as pd

from support.builds import shared_file


def read_cdnow(*, positive_values_only: bool = False) -> pd.DataFrame:
    """The CDNOW sample's purchases with their day; optionally without the $0 purchases
    (the project's cleaning rejects them as non_positive_price)."""
    raw = pd.read_csv(shared_file("cdnow_sample.csv.gz"), parse_dates=["InvoiceDate"])
    raw["day"] = raw.InvoiceDate.dt.normalize()
    raw["CustomerID"] = raw.CustomerID.astype(str)
    return raw[raw.UnitPrice > 0] if positive_values_only else raw


def cdnow_summary(
    calibration_end: str = "1997-09-30", *, positive_values_only: bool = False
) -> pd.DataFrame:
    """x, t_x, T (weeks) and mean repeat-day value per customer up to `calibration_end`,
    with the distinct purchase days after it and their value (`holdout_purchases`,
    `holdout_value`)."""
    raw = read_cdnow(positive_values_only=positive_values_only)
    end = pd.Timestamp(calibration_end)
    days = raw.groupby(["CustomerID", "day"]).UnitPrice.sum().reset_index()
    later = days[days.day > end].groupby("CustomerID").UnitPrice.agg(["size", "sum"])
    days = days[days.day <= end].copy()
    days["day_number"] = days.groupby("CustomerID").cumcount()
    per_customer = days.groupby("CustomerID")
    first, last = per_customer.day.min(), per_customer.day.max()
    repeat_value = days[days.day_number > 0].groupby("CustomerID").UnitPrice.mean()
    return pd.DataFrame(
        {
            "x": per_customer.size() - 1,
            "t_x": (last - first).dt.days / 7,
            "T": (end - first).dt.days / 7,
            "mean_repeat_value": repeat_value.reindex(first.index).fillna(0.0),
            "mean_value_all_days": per_customer.UnitPrice.mean(),
            "holdout_purchases": later["size"].reindex(first.index).fillna(0).astype(int),
            "holdout_value": later["sum"].reindex(first.index).fillna(0.0),
        }
    )
