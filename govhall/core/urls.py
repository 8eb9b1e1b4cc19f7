from django.contrib.auth import views as auth_views
from django.urls import include, path

from govhall.core import views
from govhall.core.auth import LockoutAuthenticationForm

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "login/", auth_views.LoginView.as_view(template_name="core/login.html", authentication_form=LockoutAuthenticationForm), name="login"
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("staff/", views.staff_home, name="staff-home"),
    path("staff/", include("govhall.core.urls_staff")),
]
