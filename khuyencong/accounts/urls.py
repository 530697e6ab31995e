from django.urls import path

from khuyencong.accounts import views

app_name = "accounts"
urlpatterns = [
    path("security/", views.security_page, name="security"),
    path("security/users/<int:pk>/", views.user_security, name="user-security"),
    path("security/tokens/", views.token_create, name="token-create"),
    path("security/tokens/<str:digest>/revoke/", views.token_revoke, name="token-revoke"),
    path("security/lockouts/<int:pk>/lift/", views.lockout_lift, name="lockout-lift"),
]
