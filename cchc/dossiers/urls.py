from django.urls import path

from cchc.dossiers import views

app_name = "dossiers"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("intake/", views.intake, name="intake"),
    path("my-work/", views.my_work, name="my_work"),
    path("dossiers/<str:code>/", views.detail, name="detail"),
    path("dossiers/<str:code>/receipt/", views.receipt, name="receipt"),
    path("dossiers/<str:code>/documents/<int:pk>/", views.document, name="document"),
    path("dossiers/<str:code>/actions/<str:action>/", views.action, name="action"),
]
