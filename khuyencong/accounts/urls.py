from django.urls import path

from khuyencong.accounts.pages import account, twofactor

app_name = "accounts"
urlpatterns = [
    path("security/", account.security_page, name="security"),
    path("security/users/<int:pk>/", account.user_security, name="user-security"),
    path("security/tokens/", account.token_create, name="token-create"),
    path("security/tokens/<str:digest>/revoke/", account.token_revoke, name="token-revoke"),
    path("security/lockouts/<int:pk>/lift/", account.lockout_lift, name="lockout-lift"),
    path("security/users/<int:pk>/2fa/reset/", twofactor.reset, name="2fa-reset"),
    path("2fa/setup/", twofactor.setup, name="2fa-setup"),
    path("2fa/verify/", twofactor.verify, name="2fa-verify"),
    path("2fa/recovery-codes/", twofactor.recovery_codes, name="2fa-recovery-codes"),
    path("2fa/disable/", twofactor.disable, name="2fa-disable"),
]
