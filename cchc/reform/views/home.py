"""The PAR INDEX start page: the templates (Home Affairs builds them, inspectors follow the
published ones), the self-assessments of the user's units, those the user appraises and the
published templates a unit of the user may open."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cchc.accounts import permissions
from cchc.agencies.models import Agency
from cchc.reform import access, subjects
from cchc.reform.forms import TemplateCreateForm
from cchc.reform.models import AppraisalTeam, Assessment, AssessmentStatus, ResultSet, Template
from cchc.reform.views._shared import province


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return home_page(request)


def home_page(
    request: HttpRequest, *, new_template_form: TemplateCreateForm | None = None
) -> HttpResponse:
    """The start page; `new_template_form`: a refused "New template" form, shown again open,
    as typed, with its errors."""
    user = request.user
    ha = access.is_home_affairs(user)
    mine = Assessment.objects.filter(agency_id__in=permissions.agency_ids(user)).select_related(
        "template", "agency"
    )
    # the sheets a team of the user appraises: the team's own template and units (two
    # separate joins matched a unit of the user's team of another year or template too)
    own_team = AppraisalTeam.objects.filter(
        Q(chair=user) | Q(members=user), template=OuterRef("template"), agencies=OuterRef("agency")
    )
    to_appraise = (
        Assessment.objects.filter(Exists(own_team))
        .exclude(status=AssessmentStatus.DRAFT)
        .select_related("template", "agency")
        .distinct()
    )
    my_agencies = list(Agency.objects.filter(pk__in=permissions.agency_ids(user)))
    # each published template with the user's units of its type (a template without a type
    # serves any unit): a unit is never offered a template it may not be assessed under
    # ... which the unit has not opened yet (its sheet is in "mine"), of a year whose
    # results are not published (a closed year takes no new self-assessment)
    opened = set(mine.values_list("template_id", "agency_id"))
    closed = set(
        ResultSet.objects.filter(current=True, province_code=province()).values_list(
            "year", flat=True
        )
    )
    open_templates = []
    for t in (
        Template.objects.filter(status="PUBLISHED")
        .exclude(year__in=closed)
        .prefetch_related("groups")
        .order_by("-year", "code")[:20]
    ):
        fits = [
            ag for ag in my_agencies if (t.pk, ag.pk) not in opened and subjects.is_assessed(t, ag)
        ]
        if fits:
            t.fitting_agencies = fits  # type: ignore[attr-defined]  # read by the template
            open_templates.append(t)
    return render(
        request,
        "reform/home.html",
        {
            "ha": ha,
            # Home Affairs builds them; inspectors follow the published ones and their progress
            "templates": (
                Template.objects.all()[:50]
                if ha
                else Template.objects.filter(status="PUBLISHED")[:50]
                if permissions.is_inspector(user)
                else []
            ),
            "new_template_form": new_template_form
            or (TemplateCreateForm(auto_id="new-%s") if ha else None),
            "mine": mine,
            "to_appraise": to_appraise,
            "open_templates": open_templates,
            "my_agencies": my_agencies,
            # a year has results once one of its templates is published; a draft of next
            # year offered every unit an empty "Results 2027"
            "years": sorted(
                set(Template.objects.filter(status="PUBLISHED").values_list("year", flat=True)),
                reverse=True,
            ),
        },
    )
