"""Seed the Decision 766/QĐ-TTg (2022) methodology as data (domain.md §5).

Formulas are the national portal's observed behaviour, checked against every official row of
shared/reference/dvcqg-766-phu-tho (five groups confirmed within 0.015 points; the online
services group fits the three province rows only and stays unconfirmed).
Counters name what our own data counts (see cchc/indices/counters.py).
"""

import datetime as dt

from django.db import migrations

LEGAL = "Quyết định 766/QĐ-TTg ngày 23/6/2022 (Bộ chỉ số chỉ đạo, điều hành và đánh giá chất lượng phục vụ người dân, doanh nghiệp); công thức theo Cổng DVCQG"

# group: (code, name, max, portal report, layout, score field, round metrics, metrics)
# metric: (code, name, max, threshold, empty, kind, numerator, denominator, confirmed, portal num, portal den, note)
GROUPS = [
    ("transparency", "Công khai, minh bạch", 18, "transparency", "metrics", "", True, [
        ("PUBLISH_ON_TIME", "Tỷ lệ TTHC công bố đúng hạn", 6, 1, "null", "ratio",
         "procedures_announced_on_time", "procedures_announced", True, "", "",
         "Our data: procedures whose publication decision falls in the period, published within params.publish_within_days."),
        ("PUBLIC_UPDATE_ON_TIME", "Tỷ lệ TTHC cập nhật, công khai đúng hạn", 4, 1, "null", "ratio",
         "procedures_published_on_time", "procedures_published", True, "", "",
         "Our data: procedures published in the period, within params.publish_within_days of the decision."),
        ("PUBLIC_CONTENT_FULL", "Tỷ lệ TTHC công khai đầy đủ nội dung", 2, 1, "null", "ratio",
         "procedures_content_full", "procedures_in_scope", True, "", "",
         "All 7 mandatory core fields (Procedure.missing_core_fields)."),
        ("DOSSIER_SYNC", "Tỷ lệ hồ sơ đồng bộ lên Cổng DVCQG", 6, 1, "null", "ratio",
         "synced", "received", True, "", "", ""),
    ]),
    ("progress", "Tiến độ giải quyết", 20, "dvc-progress-tree", "tree", "score", True, [
        ("DOSSIER_ON_TIME", "Tỷ lệ hồ sơ giải quyết đúng hạn", 20, 1, "zero", "ratio",
         "on_time", "received", True, "totalOnTime", "totalReceived",
         "An agency with no dossiers in the period scores 0."),
    ]),
    ("online", "Dịch vụ công trực tuyến", 12, "provide-online-tree", "tree", "totalScore", True, [
        ("ONLINE_PROCEDURES", "Tỷ lệ TTHC cung cấp DVC trực tuyến (toàn trình, một phần)", 2, 0.8, "zero", "ratio",
         "procedures_online", "procedures_in_scope", False, "partialCount+fullCount", "authorityCount",
         "Hypothesis fitting the 3 province rows only."),
        ("ONLINE_SERVICES_USED", "Tỷ lệ DVC trực tuyến có phát sinh hồ sơ", 4, 1, "zero", "ratio",
         "online_services_used", "online_services", False, "onlineDossierCount", "onlineServiceTotal",
         "Hypothesis fitting the 3 province rows only."),
        ("ONLINE_DOSSIERS", "Tỷ lệ hồ sơ trực tuyến", 6, 0.5, "zero", "ratio",
         "online", "received", False, "channelOnlineSum", "channelTotalSum",
         "Hypothesis; the term is saturated in every official row, so the threshold is not pinned down."),
    ]),
    ("payment", "Thanh toán trực tuyến", 10, "formality-online-payment-tree", "tree", "totalScore", False, [
        ("PAYMENT_ONLINE_DOSSIERS", "Tỷ lệ hồ sơ thanh toán trực tuyến", 6, 1, "zero", "ratio",
         "paid_online", "fee_owed", True, "totalDossierOnlinePaymentSuccess", "totalDossierFinancialObligation", ""),
        ("PAYMENT_ONLINE_PROCEDURES", "Tỷ lệ TTHC có phát sinh thanh toán trực tuyến", 2, 0.8, "zero", "ratio",
         "procedures_fee_paid_online", "procedures_with_fee", True,
         "totalDossierOnlineFormalityPaymentSuccess", "totalFeeFormality", ""),
        ("PAYMENT_FEE_DATA", "Tỷ lệ TTHC có phí, lệ phí có phát sinh hồ sơ", 2.5, 1, "zero", "ratio",
         "procedures_fee_dossiers", "procedures_with_fee", True, "totalFeeDossierFormality", "totalFeeFormality", ""),
    ]),
    ("digitization", "Số hóa hồ sơ", 22, "dossier-digitized", "metrics", "", True, [
        ("ORIGINAL_RESULT_AVAILABLE", "Tỷ lệ hồ sơ có cấp kết quả điện tử", 6, 1, "null", "ratio",
         "electronic_result", "resolved", True, "", "", ""),
        ("SO_HOA_GIAY_TO_GIAI_QUYET", "Tỷ lệ hồ sơ thực hiện số hóa hồ sơ", 4, 1, "null", "ratio",
         "digitized", "received", True, "", "", ""),
        ("REUSED_DIGITIZED_DATA", "Tỷ lệ hồ sơ khai thác, sử dụng lại dữ liệu số hóa", 2, 0.8, "null", "ratio",
         "reused", "received", True, "", "", "Full marks at 80%."),
        ("SYNCED_WITH_DVCQG_PERSONAL_STORAGE", "Tỷ lệ hồ sơ số hóa có kết nối kho dữ liệu cá nhân", 4, 1, "null", "ratio",
         "storage_linked", "digitized", True, "", "",
         "[?] Our data: digitised dossiers also synchronised to the national portal."),
        ("CITIZEN_DATA_CONNECTED_DOSSIER", "Tỷ lệ hồ sơ có sử dụng dữ liệu dân cư", 2, 1, "null", "ratio",
         "population_data", "received", True, "", "", ""),
        ("CITIZEN_DATA_CONNECTED_FORMALITY", "Tỷ lệ TTHC kết nối dữ liệu dân cư", 2, 1, "null", "ratio",
         "procedures_population_data", "procedures_in_scope", True, "", "", ""),
        ("ELECTRONIC_CERTIFIED_COPY", "Tỷ lệ cung cấp dịch vụ chứng thực bản sao điện tử", 2, 1, "full", "ratio",
         "certified_copies_electronic", "certified_copies", True, "", "",
         "The portal gives every unit 2 points with no counts; we keep no certified-copy data yet."),
    ]),
    ("satisfaction", "Mức độ hài lòng", 18, "handling-satisfaction", "metrics", "", True, [
        ("PETITION_CLASSIFICATION_TTHC", "Tỷ lệ PAKN về quy định, TTHC", 0, 1, "null", "ratio",
         "petitions_tthc", "petitions", True, "", "", "Tracked only."),
        ("DOSSIER_RECEIVING_SATISFACTION", "Tỷ lệ hài lòng trong tiếp nhận, giải quyết TTHC", 6, 0.9, "zero", "ratio",
         "satisfied", "received", True, "", "",
         "100% − (late share + share with a petition or a dislike); full at 90%; 0 without dossiers."),
        ("PETITION_PROCESSING_ON_TIME", "Tỷ lệ PAKN xử lý đúng hạn", 6, 1, "full", "ratio",
         "petitions_on_time", "petitions", True, "", "", "6 points when there is no petition."),
        ("PETITION_HANDLING_SATISFACTION", "Tỷ lệ hài lòng trong xử lý PAKN", 6, 1, "full", "ratio",
         "petitions_satisfied", "petitions", True, "", "", "More dislikes than likes = unsatisfied."),
        ("PETITION_CLASSIFICATION_STAFF", "Tỷ lệ PAKN về hành vi cán bộ, công chức", 0, 1, "null", "ratio",
         "petitions_staff", "petitions", True, "", "", "Tracked only."),
    ]),
]


def seed(apps, schema_editor):
    Scheme = apps.get_model("indices", "Scheme")
    SchemeVersion = apps.get_model("indices", "SchemeVersion")
    Group = apps.get_model("indices", "Group")
    Metric = apps.get_model("indices", "Metric")
    scheme, _ = Scheme.objects.get_or_create(
        code="qd766", defaults={"name": "Bộ chỉ số phục vụ người dân, doanh nghiệp (QĐ 766/QĐ-TTg)"})
    version, created = SchemeVersion.objects.get_or_create(
        scheme=scheme, version="2022.1",
        defaults={"legal_source": LEGAL, "valid_from": dt.date(2022, 6, 23), "status": "ACTIVE",
                  "params": {"publish_within_days": 5, "dislike_rating_max": 2},
                  "notes": "Công thức quan sát từ Cổng DVCQG, đối chiếu với số liệu Phú Thọ 2026."})
    if not created:
        return
    for g_order, (code, name, mx, report, layout, score_field, rounded, metrics) in enumerate(GROUPS):
        group = Group.objects.create(version=version, code=code, name=name, order=g_order, max_points=mx,
                                     portal_report=report, portal_layout=layout,
                                     portal_score_field=score_field, round_metrics=rounded)
        for m_order, (mcode, mname, mmax, thr, empty, kind, num, den, confirmed, pnum, pden, note) in enumerate(metrics):
            Metric.objects.create(group=group, code=mcode, name=mname, order=m_order, max_points=mmax,
                                  threshold=thr, empty_rule=empty, kind=kind, numerator=num, denominator=den,
                                  confirmed=confirmed, portal_numerator=pnum, portal_denominator=pden,
                                  source_note=note)


class Migration(migrations.Migration):
    dependencies = [("indices", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
