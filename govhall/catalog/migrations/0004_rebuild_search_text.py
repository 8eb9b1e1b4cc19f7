from django.db import migrations


def rebuild(apps, schema_editor):
    from govhall.catalog.search import build_search_text

    Item = apps.get_model("catalog", "Item")
    for item in Item.objects.all().only("id", "name", "code").iterator():
        Item.objects.filter(pk=item.pk).update(search_text=build_search_text(item.name, item.code))


class Migration(migrations.Migration):
    dependencies = [("catalog", "0003_topic_audience_both")]
    operations = [migrations.RunPython(rebuild, migrations.RunPython.noop)]
