"""The registry of shared data sources (govhall.shareddata.registry.SOURCES)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from govhall.shareddata.registry import SOURCES

    DataSource = apps.get_model("shareddata", "DataSource")
    for spec in SOURCES:
        DataSource.objects.update_or_create(
            code=spec["code"],
            defaults={
                "name": spec["name"],
                "aliases": spec["aliases"],
                "owner_name": spec["owner"],
                "description": spec["description"],
                "subject_kinds": spec["subject_kinds"],
                "fields": spec["fields"],
            },
        )


class Migration(migrations.Migration):
    dependencies = [("shareddata", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
