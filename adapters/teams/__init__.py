"""Microsoft Teams adapter (Bot Framework). Every botbuilder import of the project is inside this
package, behind `TeamsAdapter` (the core's Sender plus the `/api/messages` handler)."""

from adapters.teams.adapter import TeamsAdapter
from adapters.teams.auth import TeamsConfig
from adapters.teams.package import PackageError, PackageInfo, build_zip, write_zip
from adapters.teams.sender import RetryPolicy

__all__ = [
    "PackageError",
    "PackageInfo",
    "RetryPolicy",
    "TeamsAdapter",
    "TeamsConfig",
    "build_zip",
    "write_zip",
]
