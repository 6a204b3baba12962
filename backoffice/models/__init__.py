"""The data model, one module per aggregate (docs/product.md describes it)."""

from backoffice.models.audit import AuditEntry
from backoffice.models.blog import (
    COMMENT_STATUSES,
    POST_STATUSES,
    Comment,
    Post,
    Reminder,
    Tag,
    post_tags,
)
from backoffice.models.catalog import TranslationCatalog, TranslationEntry
from backoffice.models.counts import row_counts
from backoffice.models.glossary import GlossaryTerm
from backoffice.models.throttle import Throttle
from backoffice.models.users import ROLE_NAMES, Role, User, user_roles

__all__ = [
    "AuditEntry",
    "COMMENT_STATUSES",
    "Comment",
    "GlossaryTerm",
    "POST_STATUSES",
    "Post",
    "ROLE_NAMES",
    "Reminder",
    "Role",
    "Tag",
    "Throttle",
    "TranslationCatalog",
    "TranslationEntry",
    "User",
    "post_tags",
    "row_counts",
    "user_roles",
]
