"""Why a backup or a restore was refused or failed."""


class BackupError(Exception):
    """A backup or restore could not be made; the message says why in Chinese."""
