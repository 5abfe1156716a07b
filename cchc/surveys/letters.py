"""Letters to sampled people (mail-merge PDF, one page each) with a personal QR code and
short link, drawn with the paperwork module's fonts and QR helper."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Spacer

from cchc.paperwork.pdf import Styles, build_pdf, p, qr_image
from cchc.surveys.jobs import open_url, personal_url
from cchc.surveys.models import Campaign, Sample


def render_letters(sample: Sample, *, reserve: bool = False) -> bytes:
    st = Styles()
    campaign = sample.campaign
    story: list = []
    people = sample.people.filter(reserve=reserve).order_by("position")
    for n, person in enumerate(people):
        if n:
            story.append(PageBreak())
        url = personal_url(person.token)
        story += [
            p(sample.agency.name.upper(), st.bold_center),
            Spacer(1, 8 * mm),
            p(_("To: %(name)s") % {"name": person.name}, st.body),
            p(person.address, st.body),
            Spacer(1, 6 * mm),
            p(_("INVITATION TO A SATISFACTION SURVEY"), st.title),
            p(
                _(
                    "You recently completed an administrative procedure at %(unit)s. To improve "
                    "its service, the Home Affairs department asks for your opinion in the "
                    "survey “%(campaign)s”. The questionnaire is anonymous: your answers are "
                    "never linked to your name."
                )
                % {"unit": sample.agency.name, "campaign": campaign.name},
                st.body,
            ),
            p(
                _("Scan the QR code with your phone, or open the link below, to answer:"),
                st.body,
            ),
            Spacer(1, 4 * mm),
            qr_image(url, size_mm=40),
            p(url, st.center),
            Spacer(1, 4 * mm),
            p(
                _("You may also fill in the enclosed paper form and send it back free of charge."),
                st.small,
            ),
        ]
    if not story:
        story.append(p(_("Nobody to write to."), st.body))
    # top and bottom: reportlab's default margin of one inch
    return build_pdf(story, margins=(20, 20, 25.4, 25.4))


def render_poster(campaign: Campaign, agency: Any, *, kiosk: bool = False) -> bytes:
    """One A4 page for the unit's notice board or its kiosk tablet: whoever completed a
    procedure there scans the QR code and answers (the campaign's open link, limited per
    device; the kiosk's answers are counted apart, as answers given at the desk)."""
    st = Styles()
    url = open_url(campaign, agency, kiosk=kiosk)
    story: list = [
        p(agency.name.upper(), st.bold_center),
        Spacer(1, 10 * mm),
        p(_("SATISFACTION SURVEY"), st.title),
        p(campaign.name, st.bold_center),
        Spacer(1, 6 * mm),
        p(
            _(
                "Did you complete an administrative procedure at %(unit)s? Tell us how you "
                "were served: the questionnaire takes about ten minutes and is anonymous."
            )
            % {"unit": agency.name},
            st.body,
        ),
        p(
            _("Scan the QR code with your phone, or open the link below, to answer:"),
            st.body,
        ),
        Spacer(1, 6 * mm),
        qr_image(url, size_mm=70),
        p(url, st.center),
    ]
    return build_pdf(story, margins=(20, 20, 25.4, 25.4))
