"""Staff pages of activities (namespace ``activities``): the index, for each kind
(``pages.kinds.KINDS``) a list, a form and a page, the rows some kinds keep, and an
establishment's activities."""

from django.urls import path

from khuyencong.activities.pages import generic, overview, rows, staff
from khuyencong.activities.pages.kinds import KINDS

app_name = "activities"
urlpatterns = [
    path("", overview.index, name="index"),
    path("establishments/<int:pk>/", overview.establishment, name="establishment"),
    path("establishment-search/", rows.establishment_search, name="establishment-search"),
    path("staff/", staff.staff_counts, name="staff-counts"),
    path("fairs/<int:pk>/participations/", rows.participation_add, name="participation-add"),
    path(
        "fairs/<int:pk>/participations/<int:row>/remove/",
        rows.participation_remove,
        name="participation-remove",
    ),
    path("trainings/<int:pk>/trainees/", rows.trainee_add, name="trainee-add"),
    path(
        "trainings/<int:pk>/trainees/<int:row>/remove/",
        rows.trainee_remove,
        name="trainee-remove",
    ),
    path("trainings/<int:pk>/trainees/import/", rows.trainee_import, name="trainee-import"),
    path("consulting/<int:pk>/receipts/", rows.receipt_add, name="receipt-add"),
    path(
        "consulting/<int:pk>/receipts/<int:row>/remove/",
        rows.receipt_remove,
        name="receipt-remove",
    ),
]
for kind in KINDS:
    urlpatterns += [
        path(f"{kind.slug}/", generic.list_view, {"kind": kind}, name=f"{kind.slug}-list"),
        path(f"{kind.slug}/new/", generic.create_view, {"kind": kind}, name=f"{kind.slug}-create"),
        path(
            f"{kind.slug}/<int:pk>/",
            generic.detail_view,
            {"kind": kind},
            name=f"{kind.slug}-detail",
        ),
        path(
            f"{kind.slug}/<int:pk>/edit/",
            generic.edit_view,
            {"kind": kind},
            name=f"{kind.slug}-edit",
        ),
    ]
