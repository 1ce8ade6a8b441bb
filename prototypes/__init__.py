"""Prototypes: everything that turns a journey into a clickable e-service.

This package owns the screens derived from a journey, the navigation and validation engine
that decides which step comes next and which answers are valid, published prototype
versions (immutable, numbered snapshots of a journey), share links with their unguessable
codes and optional tasks, and QR codes for them. It depends only on ``journeys`` and never
speaks HTTP or renders HTML: ``toolkit`` does that.
"""

from prototypes.qr import ascii_url, qr_matrix, qr_png, qr_svg, qr_text
from prototypes.share import (
    CODE_ALPHABET,
    CODE_BITS,
    CODE_LENGTH,
    InvalidCode,
    Resolution,
    ShareLink,
    ShareLinkError,
    create_share_link,
    format_code,
    get_share_link,
    list_share_links,
    new_code,
    normalise_code,
    resolve_share_link,
    revoke_share_link,
)
from prototypes.store import MIGRATIONS, apply_migrations
from prototypes.versions import (
    NothingToPublish,
    PublishError,
    Version,
    VersionDiff,
    VersionNotFound,
    delete_versions_of_journey,
    diff_journeys,
    get_version,
    latest_version,
    list_versions,
    previous_version,
    publish_version,
    version_diff,
    version_id,
)

__all__ = [
    "CODE_ALPHABET",
    "CODE_BITS",
    "CODE_LENGTH",
    "MIGRATIONS",
    "InvalidCode",
    "NothingToPublish",
    "PublishError",
    "Resolution",
    "ShareLink",
    "ShareLinkError",
    "Version",
    "VersionDiff",
    "VersionNotFound",
    "apply_migrations",
    "ascii_url",
    "create_share_link",
    "delete_versions_of_journey",
    "diff_journeys",
    "format_code",
    "get_share_link",
    "get_version",
    "latest_version",
    "list_share_links",
    "list_versions",
    "new_code",
    "normalise_code",
    "previous_version",
    "publish_version",
    "qr_matrix",
    "qr_png",
    "qr_svg",
    "qr_text",
    "resolve_share_link",
    "revoke_share_link",
    "version_diff",
    "version_id",
]
