from govhall.catalog.models import Item


def test_small_county_builds_items_with_versions(county):
    food = county.items["food"]
    assert food.current_version.number == 1
    assert food.current_version.materials.count() == 6
    assert Item.objects.count() == 2
