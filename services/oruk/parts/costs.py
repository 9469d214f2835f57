"""What a service costs: its cost options, and fee text no option already says."""

from __future__ import annotations

from typing import Any

from ..values import Problems, number_of, objects_of, text_of

__all__ = ["read_costs"]


def read_costs(raw: dict[str, Any], problems: Problems) -> tuple[list[dict[str, Any]], str | None]:
    """Cost options, with fee text not already said by one added as its own option; and the fee text."""
    costs = _cost_options(raw, problems)
    fee_texts = list(dict.fromkeys(t for t in (text_of(raw.get("fees_description")), text_of(raw.get("fees"))) if t))
    said = {c.get(k) for c in costs for k in ("option", "amount_description")}
    costs += [{"amount_description": t} for t in fee_texts if t not in said]
    return costs, fee_texts[0] if fee_texts else None


def _cost_options(raw: dict[str, Any], problems: Problems) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for i, c in objects_of(raw, "cost_options", "a cost option", problems):
        item: dict[str, Any] = {}
        option = text_of(c.get("option"))
        if option:
            item["option"] = option
        amount_raw = c.get("amount")
        amount = number_of(amount_raw)
        if amount is not None and amount >= 0:
            item["amount"] = amount
        elif text_of(amount_raw) is not None:
            problems.append((f"cost_options[{i}].amount", f"{amount_raw!r} is not an amount of money; left out"))
        desc = text_of(c.get("amount_description"))
        currency = text_of(c.get("currency"))
        if currency and currency.upper() != "GBP" and "amount" in item:
            desc = f"{desc} ({currency})" if desc else f"In {currency}"
        if desc:
            item["amount_description"] = desc
        if item:
            out.append(item)
    return out
