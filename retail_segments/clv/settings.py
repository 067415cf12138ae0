"""The validated settings of the customer-value models (the ``clv`` config of their
dbt Python models, filled from the ``clv_*`` vars)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, Strict, StrictInt, ValidationError

from retail_segments.clv.value import TIME_UNIT_DAYS

Number = Annotated[float, Strict()]


class ClvSettings(BaseModel):
    """``time_unit`` of x, t_x and T (days or weeks, as the SQL summary computed them);
    ``horizon_days`` of the predictions; ``monthly_discount_rate`` of the CLV."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    time_unit: Literal["days", "weeks"] = "weeks"
    horizon_days: StrictInt = Field(default=365, ge=1, le=36_500)
    monthly_discount_rate: Number = Field(default=0.01, ge=0, lt=1)

    @property
    def unit_days(self) -> float:
        return TIME_UNIT_DAYS[self.time_unit]

    @property
    def horizon(self) -> float:
        """The horizon in the time unit."""
        return self.horizon_days / self.unit_days

    @classmethod
    def from_config(cls, config: Mapping[str, Any] | None) -> ClvSettings:
        """Validate a model's ``clv`` config; one ValueError naming every bad option."""
        try:
            return cls.model_validate(dict(config or {}))
        except ValidationError as error:
            problems = [
                f"option {'.'.join(map(str, e['loc']))!r}: {e['msg']} (got {e.get('input')!r})"
                for e in error.errors(include_url=False)
            ]
            raise ValueError("Invalid clv config: " + "; ".join(problems)) from None
