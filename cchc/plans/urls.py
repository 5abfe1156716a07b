from django.urls import path

from cchc.plans import inspection_views as iv
from cchc.plans import views

app_name = "plans"

urlpatterns = [
    path("", views.task_list, name="tasks"),
    path("nhiem-vu.xlsx", views.task_list_xlsx, name="tasks_xlsx"),
    path("viec-can-lam/", views.my_work, name="my_work"),
    path("nhiem-vu/moi/", views.task_new, name="task_new"),
    path("nhiem-vu/<str:code>/", views.task_detail, name="task"),
    path("nhiem-vu/<str:code>/<str:action>/", views.task_action, name="task_action"),
    path("ke-hoach/", views.plan_list, name="plans"),
    path("ke-hoach/moi/", views.plan_new, name="plan_new"),
    path("tep/<int:pk>/", views.task_file, name="file"),
    path("don-vi/<str:code>/", views.unit_report, name="unit"),
    path("don-vi/<str:code>/hanh-trinh/", views.unit_journey, name="unit_journey"),
    path("don-vi/<str:code>/chi-so/", views.unit_index, name="unit_index"),
    path("don-vi/<str:code>/bao-cao.pdf", views.unit_pdf, name="unit_pdf"),
    path("don-vi/<str:code>/nhiem-vu.xlsx", views.unit_xlsx, name="unit_xlsx"),
    path("van-ban/", views.documents_report, name="documents"),
    path("thi-dua/", views.emulation, name="emulation"),
    path("thi-dua.xlsx", views.export_xlsx, name="export_xlsx"),
    path("kiem-tra/", iv.inspection_list, name="inspections"),
    path("kiem-tra.xlsx", iv.inspection_list_xlsx, name="inspections_xlsx"),
    path("kiem-tra/ke-hoach/moi/", iv.plan_new, name="inspection_plan_new"),
    path("kiem-tra/moi/", iv.inspection_new, name="inspection_new"),
    path("kiem-tra/phat-hien/moi/", iv.finding_new, name="finding_new"),
    path("kiem-tra/phat-hien/tu/<str:kind>/<str:ref>/", iv.raise_finding, name="raise_finding"),
    path("kiem-tra/<str:code>/", iv.inspection_detail, name="inspection"),
    path("kiem-tra/<str:code>/ket-luan.pdf", iv.conclusion_pdf, name="conclusion_pdf"),
    path("kiem-tra/<str:code>/anh/<int:pk>/", iv.inspection_photo, name="inspection_photo"),
    path(
        "kiem-tra/<str:code>/tu-kiem-tra/tep/",
        iv.inspection_self_report,
        name="inspection_self_report",
    ),
    path("kiem-tra/<str:code>/<str:action>/", iv.inspection_action, name="inspection_action"),
]
