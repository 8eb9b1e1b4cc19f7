from django.db import migrations


def seed(apps, schema_editor):
    from govhall.licences.registry import type_rows

    LicenceType = apps.get_model("licences", "LicenceType")
    known = {f.name for f in LicenceType._meta.get_fields()}
    for row in type_rows():
        row = {k: v for k, v in row.items() if k in known}  # later fields are set by later migrations
        LicenceType.objects.update_or_create(name=row["name"], defaults=row)


class Migration(migrations.Migration):
    dependencies = [("licences", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
