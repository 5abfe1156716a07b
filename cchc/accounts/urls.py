from django.urls import path

from cchc.accounts import staff_views, views

app_name = "accounts"
urlpatterns = [
    path("", views.account, name="me"),
    path("password/", views.PasswordChange.as_view(), name="password_change"),
    path("contacts/", views.contacts, name="contacts"),
    path("staff/", staff_views.staff_list, name="staff"),
    path("staff/new/", staff_views.staff_new, name="staff_new"),
    path("staff/import/", staff_views.staff_import, name="staff_import"),
    path("staff/import/staff.csv", staff_views.staff_import_template, name="staff_import_template"),
    path("staff/<int:pk>/", staff_views.staff_detail, name="staff_detail"),
    path("staff/<int:pk>/<str:action>/", staff_views.staff_action, name="staff_action"),
    path("login/", views.SignInView.as_view(), name="login"),
    path("login/code/", views.otp_verify, name="otp_verify"),
    path("two-step/", views.otp_setup, name="otp_setup"),
    path("two-step-off/", views.otp_remove, name="otp_remove"),
    path("confirm/", views.recheck, name="recheck"),
    path("logout/", views.SignOutView.as_view(), name="logout"),
]
