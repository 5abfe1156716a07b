"""Petition topics (= Open311 services), answer templates, the complaint/denunciation rule
version, and database triggers that make the audit trails append-only."""

import datetime as dt

from django.db import migrations

WORKING_HOURS = [["08:00", "12:00"], ["13:00", "17:00"]]

AGENCY_ATTR = {
    "code": "agency_code", "datatype": "string", "required": False, "order": 1,
    "description": "Mã cơ quan bị phản ánh (ví dụ H26.100)",
    "datatype_description": "Mã cơ quan theo danh mục của tỉnh; bỏ trống nếu không biết",
}
DOSSIER_ATTR = {
    "code": "dossier_code", "datatype": "string", "required": False, "order": 2,
    "description": "Mã hồ sơ thủ tục hành chính liên quan",
    "datatype_description": "Ví dụ 000.00.01.H26-260213-0007",
}
ANSWER_BY = {
    "code": "answer_by", "datatype": "singlevaluelist", "required": False, "order": 9,
    "description": "Nhận trả lời qua", "datatype_description": "",
    "values": [{"key": "EMAIL", "name": "Thư điện tử"}, {"key": "PHONE", "name": "Điện thoại"},
               {"key": "PUBLIC", "name": "Chỉ công khai trên cổng"}],
}

TOPICS = [
    ("TTHC-HOSO", "TTHC", "Chậm trễ, sai sót khi giải quyết hồ sơ", "Hồ sơ bị trễ hẹn, yêu cầu bổ sung không đúng quy định, trả kết quả sai",
     "hồ sơ, trễ hẹn, bổ sung", [AGENCY_ATTR, dict(DOSSIER_ATTR, required=True), ANSWER_BY]),
    ("TTHC-QUYDINH", "TTHC", "Quy định, thủ tục hành chính", "Kiến nghị về quy định hành chính, thủ tục chồng chéo, không hợp lý",
     "quy định, thủ tục", [AGENCY_ATTR, {
         "code": "procedure_code", "datatype": "string", "required": False, "order": 3,
         "description": "Mã thủ tục hành chính (ví dụ 1.001193)", "datatype_description": ""}, ANSWER_BY]),
    ("CANBO-THAIDO", "CANBO", "Thái độ, tác phong của cán bộ", "Cán bộ, công chức thiếu trách nhiệm, không hướng dẫn đầy đủ",
     "cán bộ, thái độ", [AGENCY_ATTR, DOSSIER_ATTR, {
         "code": "incident_datetime", "datatype": "datetime", "required": False, "order": 4,
         "description": "Thời điểm xảy ra sự việc", "datatype_description": "W3C, ví dụ 2026-11-20T09:30:00+07:00"}, ANSWER_BY]),
    ("CANBO-NHUNGNHIEU", "CANBO", "Nhũng nhiễu, gây phiền hà", "Cán bộ đòi hỏi thêm giấy tờ, chi phí ngoài quy định",
     "nhũng nhiễu, phiền hà", [AGENCY_ATTR, DOSSIER_ATTR, ANSWER_BY]),
    ("KHAC", "KHAC", "Phản ánh, kiến nghị khác", "Nội dung khác liên quan đến hoạt động của cơ quan hành chính",
     "khác", [AGENCY_ATTR, ANSWER_BY]),
]

TEMPLATES = [
    ("TTHC", "Trả lời về thủ tục hành chính",
     "Kính gửi Ông/Bà,\n\nCơ quan đã nhận được phản ánh, kiến nghị của Ông/Bà về thủ tục hành chính. "
     "Sau khi kiểm tra, cơ quan trả lời như sau:\n\n[Nội dung trả lời]\n\nCăn cứ pháp lý: [văn bản].\n\n"
     "Trân trọng cảm ơn Ông/Bà đã phản ánh."),
    ("TTHC", "Hồ sơ đã được giải quyết",
     "Kính gửi Ông/Bà,\n\nHồ sơ của Ông/Bà đã được giải quyết xong và trả kết quả ngày [ngày]. "
     "Cơ quan xin lỗi vì sự chậm trễ và đã chấn chỉnh quy trình tiếp nhận, xử lý.\n\nTrân trọng."),
    ("CANBO", "Trả lời về hành vi của cán bộ",
     "Kính gửi Ông/Bà,\n\nCơ quan đã kiểm tra, xác minh phản ánh về thái độ, hành vi của cán bộ. "
     "Kết quả: [nội dung]. Cơ quan đã [hình thức xử lý / nhắc nhở].\n\nTrân trọng cảm ơn Ông/Bà."),
    ("KHAC", "Trả lời chung",
     "Kính gửi Ông/Bà,\n\nCơ quan đã nhận được phản ánh, kiến nghị của Ông/Bà và trả lời như sau:\n\n"
     "[Nội dung trả lời]\n\nTrân trọng."),
]

COMPLAINT_RULE = {
    "key": "complaint", "version": "2019",
    "effective_from": dt.date(2019, 1, 1), "effective_to": None,
    "legal_source": "Luật Khiếu nại 2011 (Điều 27, 28); Luật Tố cáo 2018 (Điều 29, 30); Bộ luật Dân sự 2015 Điều 148",
    "params": {
        "working_hours": WORKING_HOURS, "cutoff": None, "hours_per_day": 8,
        # Law on Complaints 2011: accept within 10 days; settle first-time complaints within
        # 30 days of acceptance, 45 if complicated; remote areas 45, or 60 if complicated.
        "complaint": {"accept_days": 10, "accept_unit": "calendar_day", "settle_days": 30,
                      "settle_days_complex": 45, "settle_days_remote": 45,
                      "settle_days_remote_complex": 60, "settle_unit": "calendar_day"},
        # Law on Denunciations 2018: accept within 7 working days; settle within 30 days,
        # extendable once (complicated) or twice (especially complicated) by up to 30 days.
        "denunciation": {"accept_days": 7, "accept_unit": "working_day", "settle_days": 30,
                         "settle_unit": "calendar_day", "extension_days": 30, "max_extensions": [0, 1, 2]},
    },
}

TRIGGER_TABLES = ["feedback_petitionevent", "feedback_complaintevent"]


def seed(apps, schema_editor):
    Topic = apps.get_model("feedback", "Topic")
    ResponseTemplate = apps.get_model("feedback", "ResponseTemplate")
    RuleVersion = apps.get_model("core", "RuleVersion")
    for order, (code, category, name, description, keywords, attributes) in enumerate(TOPICS):
        Topic.objects.update_or_create(code=code, defaults={
            "category": category, "name": name, "description": description, "keywords": keywords,
            "attributes": attributes, "order": order})
    for category, title, body in TEMPLATES:
        ResponseTemplate.objects.get_or_create(category=category, title=title, defaults={"body": body})
    RuleVersion.objects.update_or_create(key=COMPLAINT_RULE["key"], version=COMPLAINT_RULE["version"], defaults=COMPLAINT_RULE)


def append_only(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(
            "CREATE OR REPLACE FUNCTION cchc_feedback_append_only() RETURNS trigger AS $$ "
            "BEGIN RAISE EXCEPTION 'feedback audit events are append-only'; END; $$ LANGUAGE plpgsql;"
        )
        for table in TRIGGER_TABLES:
            schema_editor.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION cchc_feedback_append_only();"
            )
    elif vendor == "sqlite":
        # SQLite (demo, local tests) guards UPDATE only: its flush empties tables with DELETE,
        # which a DELETE trigger would block; PostgreSQL flushes with TRUNCATE, which row
        # triggers do not see, so there both are refused.
        for table in TRIGGER_TABLES:
            for op in ("UPDATE",):
                schema_editor.execute(
                    f"CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table} "
                    "BEGIN SELECT RAISE(ABORT, 'feedback audit events are append-only'); END;"
                )


def drop_append_only(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TRIGGER_TABLES:
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
        elif vendor == "sqlite":
            for op in ("update", "delete"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_{op};")
    if vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS cchc_feedback_append_only();")


class Migration(migrations.Migration):
    dependencies = [("feedback", "0001_initial"), ("core", "0002_seed_rules")]
    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
        migrations.RunPython(append_only, drop_append_only),
    ]
