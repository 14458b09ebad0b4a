"""commercetools' market setup: the Project resource, Channels, Stores, Product Selections and
Customer Groups (the emulator's in-memory storage in `emulator/stores.py` is another thing), and
the in-store endpoints (`/in-store/key={storeKey}/...`)."""

from emulator.markets.registry import Markets

__all__ = ["Markets"]
