"""The default method `sipas-2023` (Decision 1001/QĐ-BNV of 11/12/2023; domain.md §6) as
data: two fields, nine components, the 39 satisfaction items and the perception, screening,
expectation and profile items of `data/sipas-2023.csv`, the validity and index rules; a
default questionnaire built from them. Also makes the survey event logs append-only on
PostgreSQL."""

import csv
import io
import re
from pathlib import Path

from django.db import migrations

CSV = Path(__file__).resolve().parent.parent / "data" / "sipas-2023.csv"

STRUCTURE = [
    {
        "code": "POLICY",
        "name": "Xây dựng, tổ chức thực hiện chính sách",
        "components": [
            {"code": "P1", "name": "Cung cấp thông tin chính sách"},
            {"code": "P2", "name": "Sự tham gia của người dân"},
            {"code": "P3", "name": "Tổ chức thực hiện chính sách"},
            {"code": "P4", "name": "Kết quả thực hiện chính sách"},
        ],
    },
    {
        "code": "SERVICE",
        "name": "Cung ứng dịch vụ hành chính công",
        "components": [
            {"code": "A", "name": "Tiếp cận dịch vụ"},
            {"code": "B", "name": "Thủ tục hành chính"},
            {"code": "C", "name": "Công chức trực tiếp giải quyết công việc"},
            {"code": "D", "name": "Kết quả giải quyết công việc"},
            {"code": "E", "name": "Tiếp nhận, xử lý góp ý, phản ánh, kiến nghị"},
        ],
    },
]

RULES = {
    # domain.md §6, version sipas-2023 (fits every published figure)
    "valid_answers": [1, 2, 3, 4, 5],
    "satisfied_answers": [4, 5],
    "min_valid_share": 0.5,
    "min_valid_ranked": 30,
    "margin": 0.05,
    "reserve_factor": 1,
    "interval": "wilson",
    "item_aggregate": "satisfied_share",
    "component_aggregate": "mean",
    "field_aggregate": "mean",
    "index_aggregate": "mean",
    "bias_margin": 10,
}

SECTIONS = [
    ("screening", "Các dịch vụ Ông/Bà đã sử dụng", True),
    ("perception", "Nhận thức của Ông/Bà", False),
    ("POLICY", "Đánh giá về xây dựng, tổ chức thực hiện chính sách", False),
    ("SERVICE", "Đánh giá về cung ứng dịch vụ hành chính công", False),
    ("expectation", "Mong đợi của Ông/Bà", False),
    ("profile", "Thông tin về người trả lời", False),
]


def parse_options(scale):
    options = []
    for part in scale.split(";"):
        part = part.strip()
        match = re.match(r"^(\d+)\s+(.*)$", part)
        if match:
            options.append([int(match.group(1)), match.group(2)])
        elif part:
            options.append([part, part])
    return options


def seed(apps, schema_editor):
    Method = apps.get_model("surveys", "Method")
    Item = apps.get_model("surveys", "Item")
    Questionnaire = apps.get_model("surveys", "Questionnaire")
    Section = apps.get_model("surveys", "Section")
    Question = apps.get_model("surveys", "Question")
    method = Method.objects.create(
        code="sipas-2023",
        name="SIPAS 2023–2026 (Quyết định 1001/QĐ-BNV ngày 11/12/2023)",
        legal_source="Quyết định 1001/QĐ-BNV ngày 11/12/2023",
        rules=RULES,
        structure=STRUCTURE,
    )
    items = []
    for order, row in enumerate(csv.DictReader(io.StringIO(CSV.read_text(encoding="utf-8")))):
        kind, scale, text = row["kind"], row["scale"], row["text_vi"]
        params = {}
        if kind == "satisfaction":
            type_ = "scale"
        elif scale.strip() == "số":
            type_ = "number"
            params = {"min": 18, "max": 120}
        elif "chọn nhiều" in text:
            type_ = "multiple"
        else:
            type_ = "single"
        options = [] if type_ == "number" else parse_options(scale)
        if any("ghi rõ" in str(label) or "hình thức khác" in str(label) for _v, label in options):
            params["allow_other"] = True
        items.append(
            Item(
                method=method,
                code=row["code"],
                kind=kind,
                type=type_,
                field=row["field"],
                component=row["component"],
                text=text,
                options=options,
                params=params,
                order=order,
            )
        )
    Item.objects.bulk_create(items)
    questionnaire = Questionnaire.objects.create(
        method=method,
        code="sipas-2023-xa",
        version=1,
        title="Phiếu khảo sát sự hài lòng của người dân (SIPAS 2023–2026)",
        introduction=(
            "Phiếu khảo sát không ghi tên người trả lời. Thông tin Ông/Bà cung cấp chỉ dùng "
            "để đo lường sự hài lòng và được giữ bí mật."
        ),
        status="PUBLISHED",
    )
    for order, (key, title, screening) in enumerate(SECTIONS):
        section = Section.objects.create(
            questionnaire=questionnaire, order=order, title=title, screening=screening
        )
        chosen = [
            i
            for i in items
            if (i.kind == key if key not in ("POLICY", "SERVICE") else i.field == key)
        ]
        Question.objects.bulk_create(
            Question(
                section=section,
                item_id=Item.objects.get(method=method, code=i.code).pk,
                order=n,
                required=False,
            )
            for n, i in enumerate(chosen)
        )


def unseed(apps, schema_editor):
    Method = apps.get_model("surveys", "Method")
    Questionnaire = apps.get_model("surveys", "Questionnaire")
    Questionnaire.objects.filter(method__code="sipas-2023").delete()
    apps.get_model("surveys", "Item").objects.filter(method__code="sipas-2023").delete()
    Method.objects.filter(code="sipas-2023").delete()


TABLES = ("surveys_surveyevent", "surveys_responseevent", "surveys_paperformevent")


def append_only(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite: the model refuses updates and deletes (see dossiers 0002)
    schema_editor.execute(
        "CREATE OR REPLACE FUNCTION cchc_survey_events_append_only() RETURNS trigger AS $$ "
        "BEGIN RAISE EXCEPTION 'survey events are append-only'; END; $$ LANGUAGE plpgsql;"
    )
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_no_update BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION cchc_survey_events_append_only();"
        )


def drop_append_only(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update ON {table};")
    schema_editor.execute("DROP FUNCTION IF EXISTS cchc_survey_events_append_only();")


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_initial")]
    operations = [
        migrations.RunPython(seed, unseed),
        migrations.RunPython(append_only, drop_append_only),
    ]
