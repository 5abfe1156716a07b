"""The writes of a questionnaire, all by Home Affairs: creation, its sections and questions
(items of the method's bank or the questionnaire's own), publication and new versions. A
published questionnaire is never changed. Each change is a row of the questionnaire's log
(QuestionnaireEvent), under its row lock, in the same transaction."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Manager, Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.core import events
from cchc.core.errors import TransitionNotAllowed, ValidationFailed
from cchc.surveys.models import (
    Item,
    Method,
    Question,
    Questionnaire,
    QuestionnaireEvent,
    Section,
)
from cchc.surveys.policies import require_home_affairs


def _locked_draft(questionnaire: Questionnaire) -> Questionnaire:
    """The questionnaire locked for a change, refused once it is published."""
    questionnaire = events.lock(questionnaire)
    if questionnaire.is_published:
        raise TransitionNotAllowed(
            _("A published questionnaire is never changed: make a new version of it.")
        )
    return questionnaire


def _next_order(rows: QuerySet[Any] | Manager[Any]) -> int:
    """The order of a row added after `rows`."""
    return (rows.aggregate(m=Max("order"))["m"] or 0) + 1


def log_questionnaire(
    questionnaire: Questionnaire,
    action: str,
    *,
    actor: Any,
    item_code: str = "",
    data: dict[str, Any] | None = None,
) -> QuestionnaireEvent:
    """One row of the questionnaire's log (the caller holds the questionnaire's lock or has
    just created it, in its transaction)."""
    return events.append_event(
        QuestionnaireEvent,
        questionnaire,
        action=action,
        actor=actor,
        item_code=item_code,
        data=data,
    )


def _question_data(question: Question) -> dict[str, Any]:
    """What the log says of a question added or removed: its item's code and wording, where
    it stands and when it is asked."""
    return {
        "code": question.item.code,
        "text": question.item.text,
        "section": question.section.title,
        "order": question.order,
        "required": question.required,
        "condition": question.condition,
    }


def create_questionnaire(
    *, method: Method, code: str, title: str, actor: Any, province_code: str, introduction: str = ""
) -> Questionnaire:
    require_home_affairs(actor, province_code)
    if Questionnaire.objects.filter(code=code).exists():
        raise ValidationFailed(_("A questionnaire with this code exists."), field="code")
    with transaction.atomic():
        questionnaire = Questionnaire.objects.create(
            method=method, code=code, title=title, introduction=introduction
        )
        log_questionnaire(
            questionnaire,
            "create",
            actor=actor,
            data={
                "method": method.code,
                "code": code,
                "version": questionnaire.version,
                "title": title,
                "introduction": introduction,
            },
        )
        return questionnaire


def add_section(
    questionnaire: Questionnaire,
    *,
    title: str,
    actor: Any,
    province_code: str,
    screening: bool = False,
    condition: dict[str, Any] | None = None,
) -> Section:
    require_home_affairs(actor, province_code)
    with transaction.atomic():
        questionnaire = _locked_draft(questionnaire)
        order = _next_order(questionnaire.sections)
        section = Section.objects.create(
            questionnaire=questionnaire,
            title=title,
            order=order,
            screening=screening,
            condition=condition or {},
        )
        log_questionnaire(
            questionnaire,
            "add_section",
            actor=actor,
            data={
                "title": title,
                "order": order,
                "screening": screening,
                "condition": section.condition,
            },
        )
        return section


def _place_question(
    questionnaire: Questionnaire,
    section: Section,
    *,
    item: Item,
    required: bool,
    condition: dict[str, Any] | None,
) -> Question:
    """The item placed last in the section (the caller holds the questionnaire's lock)."""
    if item.method_id != questionnaire.method_id:
        raise ValidationFailed(_("The item belongs to another method."), field="item")
    if Question.objects.filter(section__questionnaire=questionnaire, item=item).exists():
        raise ValidationFailed(_("The item is already in this questionnaire."), field="item")
    order = _next_order(section.questions)
    return Question.objects.create(
        section=section, item=item, order=order, required=required, condition=condition or {}
    )


def add_question(
    section: Section,
    *,
    item: Item,
    actor: Any,
    province_code: str,
    required: bool = False,
    condition: dict[str, Any] | None = None,
) -> Question:
    require_home_affairs(actor, province_code)
    with transaction.atomic():
        questionnaire = _locked_draft(section.questionnaire)
        question = _place_question(
            questionnaire, section, item=item, required=required, condition=condition
        )
        log_questionnaire(
            questionnaire,
            "add_question",
            actor=actor,
            item_code=item.code,
            data=_question_data(question),
        )
        return question


# the item types a questionnaire may add of its own; they are never scored, so the method's
# index (its rules and scored item tree) stays what was published
OWN_ITEM_TYPES = tuple(t for t in Item.Type if t != Item.Type.SCALE)


def add_own_question(
    section: Section,
    *,
    code: str,
    type: str,
    text: str,
    actor: Any,
    province_code: str,
    help_text: str = "",
    options: list[list[Any]] | None = None,
    params: dict[str, Any] | None = None,
    required: bool = False,
    condition: dict[str, Any] | None = None,
) -> Question:
    """A question the item bank lacks (a matrix of scale items, a ranking, a file...): added
    to the method's bank as an unscored item of kind OTHER, then placed in the section."""
    require_home_affairs(actor, province_code)
    code = (code or "").strip()
    text = (text or "").strip()
    options = options or []
    params = params or {}
    if not code or len(code) > 40:
        raise ValidationFailed(
            _("Give the question a code of at most 40 characters."), field="code"
        )
    if not text:
        raise ValidationFailed(_("Write the question's wording."), field="text")
    if type not in OWN_ITEM_TYPES:
        raise ValidationFailed(_("Choose a question type."), field="type")
    if type in (Item.Type.SINGLE, Item.Type.MULTIPLE, Item.Type.RANKING) and len(options) < 2:
        raise ValidationFailed(_("Give at least two answers to choose from."), field="options")
    if type == Item.Type.RANKING and int(params.get("places") or 0) > len(options):
        raise ValidationFailed(_("A ranking cannot have more places than answers."), field="places")
    if type == Item.Type.MATRIX:
        if not params.get("rows"):
            raise ValidationFailed(_("Give the rows of the matrix, one per line."), field="rows")
        options = options or [[v, label] for v, label in SCALE_OPTIONS]
    with transaction.atomic():
        questionnaire = _locked_draft(section.questionnaire)
        if Item.objects.filter(method_id=questionnaire.method_id, code=code).exists():
            raise ValidationFailed(
                _("The item bank already has an item %(code)s.") % {"code": code}, field="code"
            )
        order = _next_order(Item.objects.filter(method_id=questionnaire.method_id))
        item = Item.objects.create(
            method_id=questionnaire.method_id,
            code=code,
            kind=Item.Kind.OTHER,
            type=type,
            text=text,
            help_text=help_text,
            options=options,
            params=params,
            order=order,
        )
        question = _place_question(
            questionnaire, section, item=item, required=required, condition=condition
        )
        # one row for the item added to the bank and placed: what it asks and offers
        log_questionnaire(
            questionnaire,
            "add_own_question",
            actor=actor,
            item_code=code,
            data=_question_data(question)
            | {"type": type, "help_text": help_text, "options": options, "params": params},
        )
        return question


# Decision 1001/QĐ-BNV: the five-point satisfaction scale, the default of a matrix's rows
SCALE_OPTIONS = (
    (1, "Rất không hài lòng"),
    (2, "Không hài lòng"),
    (3, "Bình thường"),
    (4, "Hài lòng"),
    (5, "Rất hài lòng"),
)


def remove_question(question: Question, *, actor: Any, province_code: str) -> None:
    require_home_affairs(actor, province_code)
    with transaction.atomic():
        questionnaire = _locked_draft(question.section.questionnaire)
        log_questionnaire(
            questionnaire,
            "remove_question",
            actor=actor,
            item_code=question.item.code,
            data=_question_data(question),
        )
        question.delete()


def publish_questionnaire(
    questionnaire: Questionnaire, *, actor: Any, province_code: str
) -> Questionnaire:
    require_home_affairs(actor, province_code)
    with transaction.atomic():
        questionnaire = _locked_draft(questionnaire)
        questions = Question.objects.filter(section__questionnaire=questionnaire).count()
        if not questions:
            raise ValidationFailed(_("A questionnaire without questions cannot be published."))
        before = {"status": questionnaire.status, "published_at": questionnaire.published_at}
        questionnaire.status = Questionnaire.Status.PUBLISHED
        questionnaire.published_at = timezone.now()
        questionnaire.save(update_fields=["status", "published_at"])
        log_questionnaire(
            questionnaire,
            "publish",
            actor=actor,
            data={
                k: [events.as_data(v), events.as_data(getattr(questionnaire, k))]
                for k, v in before.items()
            }
            | {"sections": questionnaire.sections.count(), "questions": questions},
        )
        return questionnaire


def new_version(questionnaire: Questionnaire, *, actor: Any, province_code: str) -> Questionnaire:
    """A draft copy of a questionnaire under the next version number; the old version and
    every answer given to it stay as they were. The copy's log starts with the version it
    came from."""
    require_home_affairs(actor, province_code)
    with transaction.atomic():
        # every version of the code, locked: two copies made at once are one after the other
        versions = list(
            Questionnaire.objects.select_for_update()
            .filter(code=questionnaire.code)
            .order_by("version")
        )
        drafts = [v for v in versions if v.status == Questionnaire.Status.DRAFT]
        if drafts:
            raise TransitionNotAllowed(
                _("Version %(v)s of this questionnaire is still a draft: edit it instead.")
                % {"v": drafts[-1].version}
            )
        latest = versions[-1].version if versions else 0
        copy = Questionnaire.objects.create(
            method=questionnaire.method,
            code=questionnaire.code,
            version=latest + 1,
            title=questionnaire.title,
            introduction=questionnaire.introduction,
            previous=questionnaire,
        )
        sections = questions = 0
        for section in questionnaire.sections.prefetch_related("questions"):
            new_section = Section.objects.create(
                questionnaire=copy,
                order=section.order,
                title=section.title,
                screening=section.screening,
                condition=section.condition,
            )
            copied = Question.objects.bulk_create(
                Question(
                    section=new_section,
                    item_id=q.item_id,
                    order=q.order,
                    required=q.required,
                    condition=q.condition,
                )
                for q in section.questions.all()
            )
            sections, questions = sections + 1, questions + len(copied)
        log_questionnaire(
            copy,
            "new_version",
            actor=actor,
            data={
                "from": questionnaire.pk,
                "from_version": questionnaire.version,
                "version": copy.version,
                "sections": sections,
                "questions": questions,
            },
        )
        return copy
