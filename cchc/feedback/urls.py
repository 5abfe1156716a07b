from django.urls import path

from cchc.feedback.views import complaints, public, reception, staff

app_name = "feedback"
urlpatterns = [
    path("new/", public.submit, name="submit"),
    path("p/<str:token>/", public.track, name="track"),
    path("lookup/", public.lookup, name="lookup"),
    path("mine/", public.mine, name="mine"),
    path("answers/", public.answers, name="answers"),
    path("answers/<str:code>/", public.answer_detail, name="answer"),
    path("answers/<str:code>/vote/", public.vote, name="vote"),
    path("reception/", reception.reception, name="reception"),
    path("reception/new/", reception.reception_new, name="reception_new"),
    path("staff/", staff.queue, name="queue"),
    path("staff/my-work/", staff.my_work, name="my_work"),
    path("staff/new/", staff.log_petition, name="log"),
    path("staff/dashboard/", staff.dashboard, name="dashboard"),
    path("staff/attachment/<int:pk>/", staff.attachment, name="attachment"),
    path("staff/<str:code>/", staff.detail, name="detail"),
    path("staff/<str:code>/<str:action>/", staff.act, name="act"),
    path("complaints/", complaints.complaints, name="complaints"),
    path("complaints/new/", complaints.complaint_new, name="complaint_new"),
    path("complaints/<str:code>/", complaints.complaint_detail, name="complaint"),
]
