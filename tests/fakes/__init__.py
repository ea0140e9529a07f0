"""Test doubles for naba tests; import one directly, e.g. ``from fakes.bot_api import ...``."""
