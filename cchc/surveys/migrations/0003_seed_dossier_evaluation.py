"""The per-dossier evaluation (nine criteria, 0-2 points each; cchc.dossiers Evaluation) as
a method version of the survey engine, so its results get the same reporting per unit,
criterion and period. The criterion codes are the keys the evaluation stores."""

from django.db import migrations

CRITERIA = [
    ("total_time", "Tổng thời gian giải quyết so với quy định"),
    ("time_per_agency", "Thời gian giải quyết tại từng cơ quan"),
    ("contacts", "Số lần phải liên hệ để hoàn thiện hồ sơ"),
    ("agencies_contacted", "Số cơ quan phải liên hệ"),
    ("one_stop", "Thực hiện tại bộ phận một cửa"),
    ("publicly_posted", "Thủ tục được công khai"),
    ("attitude", "Thái độ của cán bộ, công chức"),
    ("feedback_response", "Tiếp nhận, xử lý phản ánh, kiến nghị"),
    ("online_quality", "Chất lượng dịch vụ công trực tuyến"),
]
OPTIONS = [[0, "0 điểm"], [1, "1 điểm"], [2, "2 điểm"]]


def seed(apps, schema_editor):
    Method = apps.get_model("surveys", "Method")
    Item = apps.get_model("surveys", "Item")
    method = Method.objects.create(
        code="danh-gia-ho-so",
        name="Đánh giá giải quyết từng hồ sơ (9 tiêu chí, 0–2 điểm)",
        legal_source="Quyết định 766/QĐ-TTg ngày 23/6/2022",
        # an item's index: share of applicants giving the criterion its full 2 points
        rules={
            "valid_answers": [0, 1, 2],
            "satisfied_answers": [2],
            "min_valid_share": 0.5,
            "min_valid_ranked": 30,
            "margin": 0.05,
        },
        structure=[
            {
                "code": "EVALUATION",
                "name": "Đánh giá của người dân khi nhận kết quả",
                "components": [{"code": "EVAL", "name": "Chín tiêu chí đánh giá"}],
            }
        ],
    )
    Item.objects.bulk_create(
        Item(
            method=method,
            code=code,
            kind="satisfaction",
            type="single",
            field="EVALUATION",
            component="EVAL",
            text=text,
            options=OPTIONS,
            order=n,
        )
        for n, (code, text) in enumerate(CRITERIA)
    )


def unseed(apps, schema_editor):
    apps.get_model("surveys", "Item").objects.filter(method__code="danh-gia-ho-so").delete()
    apps.get_model("surveys", "Method").objects.filter(code="danh-gia-ho-so").delete()


class Migration(migrations.Migration):
    dependencies = [("surveys", "0002_seed_sipas_2023")]
    operations = [migrations.RunPython(seed, unseed)]
