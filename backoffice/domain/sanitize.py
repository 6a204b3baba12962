"""Server-side HTML sanitising of post bodies: an allow-list, whatever the editor sent."""

from __future__ import annotations

import nh3

ALLOWED_TAGS: set[str] = {
    "a", "b", "blockquote", "br", "caption", "code", "em", "figcaption", "figure",
    "h2", "h3", "h4", "hr", "i", "img", "li", "ol", "p", "pre", "s", "strong", "sub",
    "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
}
ALLOWED_SCHEMES: set[str] = {"http", "https", "mailto"}
#: CKEditor 5's own classes for images and tables; any other class is dropped.
ALLOWED_CLASSES: dict[str, set[str]] = {
    "figure": {"image", "table", "image-style-side", "image-style-align-left",
               "image-style-align-right", "image-style-block-align-left",
               "image-style-block-align-right"},
}  # fmt: skip


def clean_html(html: str | None) -> str:
    """Return ``html`` reduced to the allow-listed tags, attributes and URL schemes."""
    return nh3.clean(
        html or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        allowed_classes=ALLOWED_CLASSES,
        link_rel="noopener noreferrer nofollow",
    )
