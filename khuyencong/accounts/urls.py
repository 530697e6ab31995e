from django.urls import path

from khuyencong.accounts import twofactor_views, views

app_name = "accounts"
urlpatterns = [
    path("security/", views.security_page, name="security"),
    path("security/users/<int:pk>/", views.user_security, name="user-security"),
    path("security/tokens/", views.token_create, name="token-create"),
    path("security/tokens/<str:digest>/revoke/", views.token_revoke, name="token-revoke"),
    path("security/lockouts/<int:pk>/lift/", views.lockout_lift, name="lockout-lift"),
    path("security/users/<int:pk>/2fa/reset/", twofactor_views.reset, name="2fa-reset"),
    path("2fa/setup/", twofactor_views.setup, name="2fa-setup"),
    path("2fa/verify/", twofactor_views.verify, name="2fa-verify"),
    path("2fa/recovery-codes/", twofactor_views.recovery_codes, name="2fa-recovery-codes"),
    path("2fa/disable/", twofactor_views.disable, name="2fa-disable"),
]
