from django.urls import path

from cchc.feedback.views import staff as views

app_name = "feedback"
urlpatterns = [
    path("new/", views.submit, name="submit"),
    path("p/<str:token>/", views.track, name="track"),
    path("lookup/", views.lookup, name="lookup"),
    path("answers/", views.answers, name="answers"),
    path("answers/<str:code>/", views.answer_detail, name="answer"),
    path("answers/<str:code>/vote/", views.vote, name="vote"),
    path("reception/", views.reception, name="reception"),
    path("reception/new/", views.reception_new, name="reception_new"),
    path("staff/", views.queue, name="queue"),
    path("staff/my-work/", views.my_work, name="my_work"),
    path("staff/new/", views.log_petition, name="log"),
    path("staff/dashboard/", views.dashboard, name="dashboard"),
    path("staff/attachment/<int:pk>/", views.attachment, name="attachment"),
    path("staff/<str:code>/", views.detail, name="detail"),
    path("staff/<str:code>/<str:action>/", views.act, name="act"),
    path("complaints/", views.complaints, name="complaints"),
    path("complaints/new/", views.complaint_new, name="complaint_new"),
    path("complaints/<str:code>/", views.complaint_detail, name="complaint"),
]
