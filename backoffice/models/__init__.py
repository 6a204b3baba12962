"""The data model, one module per aggregate (docs/product.md describes it)."""

from backoffice.models.audit import AuditEntry
from backoffice.models.blog import (
    COMMENT_STATUSES,
    HOLD_REASONS,
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
from backoffice.models.moderation_rules import RULES_ID, ModerationRules
from backoffice.models.throttle import Throttle
from backoffice.models.users import ROLE_NAMES, Role, User, user_roles

__all__ = [
    "AuditEntry",
    "COMMENT_STATUSES",
    "Comment",
    "GlossaryTerm",
    "HOLD_REASONS",
    "ModerationRules",
    "POST_STATUSES",
    "Post",
    "ROLE_NAMES",
    "RULES_ID",
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
