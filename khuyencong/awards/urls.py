"""Staff pages of awards (namespace ``awards``)."""

from django.urls import path

from khuyencong.awards.pages import entries, rounds

app_name = "awards"
urlpatterns = [
    path("", rounds.round_list, name="round-list"),
    path("rounds/new/", rounds.round_create, name="round-create"),
    path("rounds/<int:pk>/", rounds.round_detail, name="round-detail"),
    path("rounds/<int:pk>/edit/", rounds.round_edit, name="round-edit"),
    path("rounds/<int:pk>/steps/<str:action>/", rounds.round_transition, name="round-transition"),
    path("rounds/<int:pk>/entries/new/", entries.entry_create, name="entry-create"),
    path("entries/<int:pk>/", entries.entry_detail, name="entry-detail"),
    path("entries/<int:pk>/scores/", entries.score_add, name="score-add"),
    path(
        "entries/<int:pk>/scores/<int:sheet_pk>/delete/",
        entries.score_delete,
        name="score-delete",
    ),
    path("entries/<int:pk>/withdraw/", entries.entry_withdraw, name="entry-withdraw"),
    path("entries/<int:pk>/complaints/", entries.complaint_add, name="complaint-add"),
    path("complaints/<int:pk>/resolve/", entries.complaint_resolve, name="complaint-resolve"),
    path(
        "history/establishments/<int:pk>/",
        entries.establishment_history,
        name="establishment-history",
    ),
    path("history/products/<int:pk>/", entries.product_history, name="product-history"),
]
