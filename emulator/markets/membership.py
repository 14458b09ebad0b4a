"""A Customer's Customer Groups and Stores (Customers reference): the draft fields
`customerGroup`, `customerGroupAssignments`, `stores`, and the update actions that change them.

- `customerGroup`: CustomerGroupReference; `customerGroupAssignments`:
  `[{"customerGroup": CustomerGroupReference}]` (several groups, GA since 24 June 2025);
- `stores`: StoreKeyReferences `{"typeId": "store", "key"}`. Without stores a Customer is global
  and signs in anywhere; with stores, only in those (and its e-mail is unique per Store).
"""

from __future__ import annotations

from typing import Any

from emulator.errors import invalid_input, invalid_json, referenced_resource_not_found
from emulator.jsonio import Json, opt_list
from emulator.markets.registry import Markets


def _identifier(value: Any, path: str) -> Json:
    if not isinstance(value, dict):
        raise invalid_json(f"{path}: JSON object expected.")
    if not isinstance(value.get("id"), str) and not isinstance(value.get("key"), str):
        raise invalid_input(f"{path}: a ResourceIdentifier needs an 'id' or a 'key'.")
    return value


def group_reference(markets: Markets, value: Any, path: str) -> Json:
    """The CustomerGroupReference a ResourceIdentifier (by id or key) names."""
    identifier = _identifier(value, path)
    if isinstance(identifier.get("id"), str):
        found = markets.customer_groups.get(identifier["id"])
        if found is None:
            raise referenced_resource_not_found("customer-group", id=identifier["id"])
    else:
        found = markets.customer_group_by_key(identifier["key"])
        if found is None:
            raise referenced_resource_not_found("customer-group", key=identifier["key"])
    return {"typeId": "customer-group", "id": found["id"]}


def store_reference(markets: Markets, value: Any, path: str) -> Json:
    """The StoreKeyReference a StoreResourceIdentifier (by id or key) names."""
    identifier = _identifier(value, path)
    if isinstance(identifier.get("key"), str):
        found = markets.store_by_key(identifier["key"])
        if found is None:
            raise referenced_resource_not_found("store", key=identifier["key"])
    else:
        found = markets.stores.get(identifier["id"])
        if found is None:
            raise referenced_resource_not_found("store", id=identifier["id"])
    return {"typeId": "store", "key": found["key"]}


def apply_draft(markets: Markets, customer: Json, draft: Json) -> None:
    """Sets `customerGroup`, `customerGroupAssignments` and `stores` from a CustomerDraft."""
    if draft.get("customerGroup") is not None:
        customer["customerGroup"] = group_reference(
            markets, draft["customerGroup"], "customerGroup"
        )
    customer["customerGroupAssignments"] = _assignments(
        markets, opt_list(draft, "customerGroupAssignments"), "customerGroupAssignments"
    )
    customer["stores"] = _stores(markets, opt_list(draft, "stores"), "stores")


def _assignments(markets: Markets, values: list[Any], path: str) -> list[Json]:
    found: list[Json] = []
    for index, value in enumerate(values):
        if not isinstance(value, dict):
            raise invalid_json(f"{path}[{index}]: JSON object expected.")
        entry = value
        ref = group_reference(markets, entry.get("customerGroup"), f"{path}[{index}].customerGroup")
        if all(a["customerGroup"]["id"] != ref["id"] for a in found):
            found.append({"customerGroup": ref})
    return found


def _stores(markets: Markets, values: list[Any], path: str) -> list[Json]:
    found: list[Json] = []
    for index, value in enumerate(values):
        ref = store_reference(markets, value, f"{path}[{index}]")
        if ref not in found:
            found.append(ref)
    return found


def group_ids(customer: Json | None) -> tuple[str, ...]:
    """The ids of the customer's groups: `customerGroup` and every assignment."""
    if customer is None:
        return ()
    ids: list[str] = []
    group = customer.get("customerGroup")
    if isinstance(group, dict):
        ids.append(group["id"])
    for assignment in customer.get("customerGroupAssignments") or []:
        group_id = assignment["customerGroup"]["id"]
        if group_id not in ids:
            ids.append(group_id)
    return tuple(ids)


def store_keys(customer: Json) -> list[str]:
    return [ref["key"] for ref in customer.get("stores") or []]


# -- update actions (CustomerUpdateAction; not on My Customer) ----------------------------------


def set_customer_group(markets: Markets, customer: Json, action: Json) -> None:
    if action.get("customerGroup") is None:
        customer.pop("customerGroup", None)
    else:
        customer["customerGroup"] = group_reference(markets, action["customerGroup"], "actions")


def add_customer_group_assignment(markets: Markets, customer: Json, action: Json) -> None:
    entry = action.get("customerGroupAssignment")
    if not isinstance(entry, dict):
        raise invalid_json("customerGroupAssignment: JSON object expected.")
    ref = group_reference(markets, entry.get("customerGroup"), "customerGroupAssignment")
    current = customer.setdefault("customerGroupAssignments", [])
    if any(a["customerGroup"]["id"] == ref["id"] for a in current):
        raise invalid_input(f"The Customer Group '{ref['id']}' is already assigned.")
    current.append({"customerGroup": ref})


def remove_customer_group_assignment(markets: Markets, customer: Json, action: Json) -> None:
    ref = group_reference(markets, action.get("customerGroup"), "customerGroup")
    current = customer.get("customerGroupAssignments") or []
    kept = [a for a in current if a["customerGroup"]["id"] != ref["id"]]
    if len(kept) == len(current):
        raise invalid_input(f"The Customer Group '{ref['id']}' is not assigned.")
    customer["customerGroupAssignments"] = kept


def set_customer_group_assignments(markets: Markets, customer: Json, action: Json) -> None:
    customer["customerGroupAssignments"] = _assignments(
        markets, opt_list(action, "customerGroupAssignments"), "customerGroupAssignments"
    )


def set_stores(markets: Markets, customer: Json, action: Json) -> None:
    customer["stores"] = _stores(markets, opt_list(action, "stores"), "stores")


def add_store(markets: Markets, customer: Json, action: Json) -> None:
    ref = store_reference(markets, action.get("store"), "store")
    if ref not in customer.setdefault("stores", []):
        customer["stores"].append(ref)


def remove_store(markets: Markets, customer: Json, action: Json) -> None:
    ref = store_reference(markets, action.get("store"), "store")
    customer["stores"] = [s for s in customer.get("stores") or [] if s != ref]
