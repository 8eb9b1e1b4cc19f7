"""The catalog as an Excel workbook (CAT-4): the one place other code imports it from.

The format (sheets, columns, labels and codes) is in `excel_format`, the export in `excel_export`
and the import in `excel_import`; the format is documented in docs/catalog-excel-format.md.
"""

from govhall.catalog.excel_export import catalog_export, current_data
from govhall.catalog.excel_import import ImportIssue, ImportReport, catalog_import

__all__ = ["ImportIssue", "ImportReport", "catalog_export", "catalog_import", "current_data"]
