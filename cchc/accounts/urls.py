from django.contrib.auth import views as auth_views
from django.urls import path

from cchc.accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.account, name="me"),
    path("password/", views.PasswordChange.as_view(), name="password_change"),
    path("login/", views.SignInView.as_view(), name="login"),
    path("login/code/", views.otp_verify, name="otp_verify"),
    path("two-step/", views.otp_setup, name="otp_setup"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
