"""Helpers for the pytest suite: dbt builds into throwaway warehouses, test data fixtures.

Importable from every test module (pyproject.toml puts `tests/python` on the path):
``from support.builds import run_dbt``. Fixtures live in ``conftest.py``.
"""
