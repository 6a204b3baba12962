"""The time-zone picker: zones by their names in the reader's language, grouped by region.

Validation uses the one allow-list of :mod:`backoffice.i18n.timezones`. The picker offers
each place once (the canonical zones, not their aliases and legacy names), plus the value the
form holds when that is an allowed alias (``America/Buenos_Aires``), so saving a form never
changes or refuses a zone someone chose earlier. Names come from CLDR through Babel and are
computed once per locale.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytz
from babel.core import Locale, get_global
from babel.dates import get_timezone_gmt, get_timezone_name
from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from wtforms import SelectField
from wtforms.validators import ValidationError
from wtforms.widgets import html_params

from backoffice.core.caches import memoized
from backoffice.i18n.timezones import allowed_timezones, is_allowed_timezone

#: The region (first part of a zone name) -> CLDR territory code of its continent.
CONTINENTS = {
    "Africa": "002",
    "America": "019",
    "Antarctica": "AQ",
    "Asia": "142",
    "Australia": "009",
    "Pacific": "009",
    "Europe": "150",
    "Arctic": "150",  # Longyearbyen (Svalbard)
}
#: Regions CLDR has no name for.
OCEANS = {"Atlantic": _l("Atlantic Ocean"), "Indian": _l("Indian Ocean")}
OTHER = "Other"
GROUP_ORDER = ("002", "019", "AQ", "142", "Atlantic", "150", "Indian", "009", OTHER)


def offered_timezones() -> tuple[str, ...]:
    """The zones the picker lists: one per place (pytz's common zones), and UTC."""
    allowed = set(allowed_timezones())
    regions = set(CONTINENTS) | set(OCEANS)
    return tuple(
        zone
        for zone in pytz.common_timezones
        if zone in allowed and (zone.split("/")[0] in regions or zone == "UTC")
    )


def _group_key(zone: str) -> str:
    region = zone.split("/")[0]
    if region in CONTINENTS:
        return CONTINENTS[region]
    return region if region in OCEANS else OTHER


@memoized(1)
def _older_names() -> dict[str, tuple[str, ...]]:
    """Zone -> the other names CLDR may key it by (``America/Cordoba`` for
    ``America/Argentina/Cordoba``)."""
    names: dict[str, list[str]] = {}
    for alias, target in get_global("zone_aliases").items():
        names.setdefault(target, []).append(alias)
    return {zone: tuple(aliases) for zone, aliases in names.items()}


def _city(locale: Locale, zone: str) -> str:
    """The zone's city in ``locale`` (CLDR keys some zones by an older name)."""
    for name in (zone, *_older_names().get(zone, ())):
        city = locale.time_zones.get(name, {}).get("city")
        if city:
            return str(city)
    return zone.rsplit("/", 1)[-1].replace("_", " ")


UNIVERSAL = {"UTC", "Etc/UTC", "Etc/UCT", "UCT", "Universal", "Etc/Universal", "Zulu", "Etc/Zulu"}


def _label(locale: Locale, zone: str) -> str:
    if zone in UNIVERSAL:
        long_names = locale.time_zones.get("Etc/UTC", {}).get("long", {})
        return str(long_names.get("standard") or "UTC")
    if zone.startswith("Etc/") or zone in ("GMT", "GMT0", "GMT+0", "GMT-0", "Greenwich"):
        # A fixed offset (Etc/GMT+5 is five hours *behind* UTC): say it as the locale does.
        return get_timezone_gmt(datetime.now(ZoneInfo(zone)), locale=locale)
    if _group_key(zone) == OTHER:
        # Legacy names such as EST5EDT: the zone's name, and the identifier that tells two
        # of them apart.
        return f"{get_timezone_name(zone, locale=locale)} ({zone})"
    city = _city(locale, zone)
    territory = get_global("zone_territories").get(zone)
    country = locale.territories.get(territory) if territory else None
    return f"{city} ({country})" if country and country != city else city


@memoized(32)
def zone_labels(locale_name: str) -> dict[str, str]:
    """Every allowed zone -> its name in ``locale_name`` ("Córdoba (Argentinien)")."""
    locale = Locale.parse(locale_name)
    return {zone: _label(locale, zone) for zone in allowed_timezones()}


def _sort_key(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@memoized(32)
def _grouped(
    locale_name: str, extra: str | None
) -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    labels = zone_labels(locale_name)
    zones = list(offered_timezones())
    if extra and extra not in zones:
        zones.append(extra)
    groups: dict[str, list[tuple[str, str]]] = {}
    for zone in zones:
        groups.setdefault(_group_key(zone), []).append((zone, labels[zone]))
    return tuple(
        (key, tuple(sorted(groups[key], key=lambda pair: _sort_key(pair[1]))))
        for key in GROUP_ORDER
        if key in groups
    )


def group_label(key: str, locale_name: str) -> str:
    """A group's name: CLDR's continent names, ours for the oceans and the rest."""
    if key in OCEANS:
        return str(OCEANS[key])
    if key == OTHER:
        return _("Other time zones")
    return str(Locale.parse(locale_name).territories.get(key, key))


def timezone_groups(current: str | None = None) -> list[tuple[str, tuple[tuple[str, str], ...]]]:
    """[(group name, ((zone, name), …)), …] in the current locale; ``current`` (an allowed
    zone the picker does not list) is added to its group."""
    locale_name = str(get_locale() or "en")
    extra = _extra(current)
    return [(group_label(key, locale_name), zones) for key, zones in _grouped(locale_name, extra)]


def _extra(current: str | None) -> str | None:
    """``current`` if the picker must add it to its zones: allowed, but not offered."""
    if not current or current in _offered_set() or not is_allowed_timezone(current):
        return None  # one cache entry per locale for ordinary values
    return current


@memoized(1)
def _offered_set() -> frozenset[str]:
    return frozenset(offered_timezones())


def zone_label(zone: str | None) -> str:
    """One zone's name in the current locale (unknown names as they are)."""
    if not zone:
        return ""
    return zone_labels(str(get_locale() or "en")).get(zone, zone)


def blank_label() -> str:
    """The empty choice: the site's default zone, by name."""
    default = current_app.config["BABEL_DEFAULT_TIMEZONE"]
    return _("Site default (%(zone)s)", zone=zone_label(default))


class TimezoneSelect:
    """A ``<select>`` with one ``<optgroup>`` per region, made searchable by
    static/js/timezone-picker.js (select2)."""

    def __call__(self, field: TimezoneSelectField, **kwargs: Any) -> Markup:
        kwargs.setdefault("id", field.id)
        kwargs = {key: value for key, value in kwargs.items() if value is not None}
        params = html_params(name=field.name, data_timezone_picker="", **kwargs)
        value = field.data or ""
        html = [Markup("<select {}>").format(Markup(params)), _option("", blank_label())]
        for label, options in _group_options(value):
            html.append(Markup('<optgroup label="{}">{}</optgroup>').format(label, options))
        html.append(Markup("</select>"))
        # The cached options carry no "selected": mark the value's option (its value is an
        # allowed zone name or empty, so the text to find is known markup).
        page = str(Markup("").join(html))
        option = str(Markup(' value="{}">').format(value))
        return Markup(page.replace(option, option[:-1] + " selected>", 1))


def _group_options(current: str | None) -> list[tuple[str, Markup]]:
    """(group name, its options' markup) in the current locale; the markup is made once per
    locale (about 430 options)."""
    locale_name = str(get_locale() or "en")
    extra = _extra(current)
    return [
        (group_label(key, locale_name), options)
        for key, options in _options_markup(locale_name, extra)
    ]


@memoized(32)
def _options_markup(locale_name: str, extra: str | None) -> tuple[tuple[str, Markup], ...]:
    return tuple(
        (key, Markup("").join(_option(zone, name) for zone, name in zones))
        for key, zones in _grouped(locale_name, extra)
    )


def _option(value: str, label: str) -> Markup:
    return Markup('<option value="{}">{}</option>').format(value, label)


class TimezoneSelectField(SelectField):
    """A time zone from :func:`backoffice.i18n.timezones.allowed_timezones` (or none)."""

    widget = TimezoneSelect()

    def __init__(self, label: Any = None, validators: Iterable[Any] | None = None, **kwargs: Any):
        kwargs.pop("choices", None)
        kwargs.pop("validate_choice", None)
        kwargs.pop("coerce", None)
        super().__init__(
            label, validators, coerce=_text, choices=[], validate_choice=False, **kwargs
        )

    def pre_validate(self, form: Any) -> None:
        if self.data and not is_allowed_timezone(self.data):
            raise ValidationError(_("Choose a time zone from the list."))

    def iter_choices(self) -> Any:
        # Only for code that walks the choices (the widget does not): every offered zone.
        for _label_text, zones in timezone_groups(self.data):
            for zone, name in zones:
                yield (zone, name, zone == self.data, {})


def _text(value: Any) -> str:
    return "" if value is None else str(value)
