from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from khuyencong.accounts.pages import password

# A lost database answers 503 with a clear page, other errors the usual 500 (core/views.py).
handler500 = "khuyencong.core.views.server_error"
# Under /api/ the answers Django gives itself are JSON too (core/views.py).
handler404 = "khuyencong.core.views.page_not_found"
handler400 = "khuyencong.core.views.bad_request"
handler403 = "khuyencong.core.views.permission_denied"

urlpatterns = [
    path("", include("khuyencong.core.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", password.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("account/", include("khuyencong.accounts.urls")),
    path("password/reset/", password.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        password.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("places/", include("khuyencong.places.urls")),
    path("establishments/", include("khuyencong.registry.urls")),
    path("programmes/", include("khuyencong.programmes.urls")),
    path("network/", include("khuyencong.network.urls")),
    path("activities/", include("khuyencong.activities.urls")),
    path("awards/", include("khuyencong.awards.urls")),
    path("surveys/", include("khuyencong.surveys.urls")),
    path("reports/", include("khuyencong.reports.urls")),
    path("public/", include("khuyencong.portal.urls")),
    path("api/", include("khuyencong.api.urls")),
    path("admin/", admin.site.urls),
]

# No /media/ route, not even with DEBUG: uploads are served by the views that authorise them
# (core/files.py).
