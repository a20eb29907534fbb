"""The commands of `backoffice`, one module per job (users and setup live in cli.py)."""
