"""The peer's Django app: the assignment list as one model (bench/peers/django_import_export.py)."""
