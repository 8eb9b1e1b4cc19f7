"""Applicants' accounts: sign up (person or enterprise), sign in, add an enterprise."""

from django.urls import path

from govhall.applicants import views

app_name = "applicants"
urlpatterns = [
    path("account/", views.account_home, name="home"),
    path("account/signup/", views.signup, name="signup"),
    path("account/login/", views.ApplicantLoginView.as_view(), name="login"),
    path("account/enterprise/", views.enterprise_add, name="enterprise-add"),
]
