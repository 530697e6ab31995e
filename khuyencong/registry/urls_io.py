"""Import and export of establishments; included by registry/urls.py (namespace "registry")."""

from django.urls import path

from khuyencong.registry import views_io

urlpatterns = [
    path("import/", views_io.import_establishments, name="import"),
    path("import/template.xlsx", views_io.import_template, name="import-template"),
    path("import/example.xlsx", views_io.import_example, name="import-example"),
    path("export/", views_io.export_establishments, name="export"),
]
