"""The public catalog on the website: search, the 十张清单, item guides and their PDFs (CAT-2, CAT-4, CAT-5)."""

from django.urls import path

from govhall.catalog import views_public

urlpatterns = [
    path("", views_public.catalog_list, name="catalog-list"),
    path("export/", views_public.catalog_export_xlsx, name="catalog-export"),
    path("lists/", views_public.catalog_lists, name="catalog-lists"),
    path("items/<int:item_id>/", views_public.catalog_item, name="catalog-item"),
    path("items/<int:item_id>/pdf/", views_public.catalog_item_pdf, name="catalog-item-pdf"),
]
