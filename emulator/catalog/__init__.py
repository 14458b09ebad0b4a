"""The emulator's read-mostly catalog: products, categories, prices, taxes, shipping, discounts.

Owned by the catalog part of the emulator. Cart and order code (emulator core) uses only the
methods of `Catalog`; every dict returned is commercetools JSON (camelCase, exactly the API
reference's shapes) and must be treated as read-only by callers (copy before changing).

Modules: `demo_data` (the demo tables), `builders` (tables -> JSON), `ids`/`money` (ids,
timestamps, CentPrecisionMoney), `catalog` (the `Catalog` lookups), `pricing` (price
selection), `product_search*` (Product Search), `search*` (Product Projection Search),
`suggestions` (Search Term Suggestions), `access`, `routes` and `search_routes` (the HTTP
endpoints). docs/emulator-catalog.md lists the demo's fixed values.
"""

from __future__ import annotations

from emulator.catalog.catalog import Catalog
from emulator.jsonio import Json

__all__ = ["Catalog", "Json"]
