"""The one error family of the portal.

Every message is written for the person reading it: what is wrong and what to do. The UI catches
``PortalError`` in exactly one place (``portal.ui.errors``) and the CLI in one place (``portal.cli``).
"""

from __future__ import annotations


class PortalError(Exception):
    """A problem the user can act on; ``str(err)`` is the sentence shown to them."""


class InputError(PortalError):
    """A file, sheet, form field or CLI argument that cannot be used as given."""


class UsageError(InputError):
    """A CLI argument or choice that does not fit the data (the CLI exits with status 2, as for bad usage)."""

    exit_code = 2


class MappingError(InputError):
    """The columns of a file cannot be mapped to the roles the portal needs."""


class ValidationError(InputError):
    """Rows of a file break the rules (raised for ``--strict`` or when nothing valid remains)."""


class StoreError(PortalError):
    """The database cannot be opened, upgraded or written."""


class NotFoundError(PortalError):
    """A dataset, import or other named object does not exist."""


class SourceError(PortalError):
    """A remote source (such as a Google Sheet) cannot be read."""
