"""One English word, several Vietnamese ones: "Published" is an issued PAR template (ban
hành), a released questionnaire (ban hành), a procedure or a survey's results made public
(công bố), a petition's answer made public (công khai). Django merges the apps' catalogues
(the first app listed wins), so without a context every page showed the catalogue's word."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import pgettext

from cchc.catalogue.models import Procedure
from cchc.dossiers.models import Dossier
from cchc.feedback.models import ComplaintStatus, PetitionStatus
from cchc.reform.models import ACTION_LABELS, AssessmentStatus, TemplateStatus
from cchc.surveys.models import Questionnaire, Response


def test_published_is_said_as_each_module_means_it():
    with translation.override("vi"):
        assert str(TemplateStatus.PUBLISHED.label) == "Đã ban hành"
        assert str(ACTION_LABELS["publish"]) == "Đã ban hành"
        assert str(Questionnaire.Status.PUBLISHED.label) == "Đã ban hành"
        assert str(Procedure.Status.PUBLISHED.label) == "Đã công bố"
        assert pgettext("petition answers", "Published") == "Đã công khai"


def test_words_two_modules_share_keep_each_modules_meaning():
    """Each was shown with another module's word before the catalogues were checked for
    collisions (check_translations)."""
    with translation.override("vi"):
        assert str(ComplaintStatus.WITHDRAWN.label) == "Đã rút"  # was "Đã bãi bỏ"
        assert str(Procedure.Status.WITHDRAWN.label) == "Đã bãi bỏ"
        assert str(PetitionStatus.RECEIVED.label) == "Đã tiếp nhận"  # was "Ngày tiếp nhận"
        assert str(AssessmentStatus.SUBMITTED.label) == "Đã gửi"  # was "Ngày nộp"
        assert str(Dossier._meta.get_field("status").verbose_name) == "trạng thái"  # "mã ..."
        assert str(Response.Review.REJECTED.label) == "Bị loại"  # was "Từ chối xử lý"
