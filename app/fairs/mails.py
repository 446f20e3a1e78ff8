"""The text of the fairs' mails, in the recipient's language."""

from flask import url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from app.i18n import localized
from app.models import Fair, Shop, User


def _language_of(user: User) -> str:
    return user.locale if user.locale in ("vi", "en") else "vi"


def _greeting(to: User, *lines: str) -> str:
    """A mail's text; call it under the recipient's locale."""
    return "\n".join([_("Hello %(name)s,", name=to.name), "", *lines])


def invitation_mail(fair: Fair, shop: Shop, staff: User) -> tuple[str, str, str]:
    lang = _language_of(staff)
    fair_name = localized(fair, "name", lang)[0]
    with force_locale(lang):
        subject = _("Invitation to exhibit at %(fair)s", fair=fair_name)
        text = _greeting(
            staff,
            _(
                "%(shop)s is invited to exhibit at %(fair)s, from %(start)s to %(end)s.",
                shop=localized(shop, "name", lang)[0],
                fair=fair_name,
                start=fair.starts_on.isoformat(),
                end=fair.ends_on.isoformat(),
            ),
            _("Accept or decline the invitation here:"),
            url_for("fairs.shop_fairs", slug=shop.slug, lang_code=lang, _external=True),
        )
    return staff.email, subject, text


def application_mail(fair: Fair, shop: Shop) -> tuple[str, str, str]:
    organiser = fair.organiser
    lang = _language_of(organiser)
    names = {"shop": localized(shop, "name", lang)[0], "fair": localized(fair, "name", lang)[0]}
    with force_locale(lang):
        subject = _("%(shop)s applies to exhibit at %(fair)s", **names)
        text = _greeting(
            organiser,
            _("%(shop)s applies to exhibit at %(fair)s.", **names),
            _("Approve or decline the application here:"),
            url_for("fairs.organise_exhibitors", slug=fair.slug, lang_code=lang, _external=True),
        )
    return organiser.email, subject, text
