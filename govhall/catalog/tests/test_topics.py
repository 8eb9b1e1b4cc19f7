from govhall.catalog.search import build_search_text
from govhall.catalog.selectors import topics_by_audience


def test_person_only_topic_is_on_the_person_side_and_enterprise_topic_on_both_when_it_has_enterprise_items(county):
    people, enterprises = topics_by_audience()
    assert ("户籍办理", 1) in [(t.name, n) for t, n in people]
    assert "户籍办理" not in [t.name for t, _ in enterprises]
    # 餐饮服务 (食品经营许可) serves both people and enterprises equally: listed for people.
    assert "餐饮服务" in [t.name for t, _ in people]


def test_initials_use_the_usual_reading_only():
    text = build_search_text("水域滩涂养殖证核发")
    assert "syttyzzhf" in text
    assert "yyzz" not in text  # no stray readings of polyphonic characters
    assert "yyzz" in build_search_text("营业执照遗失补领")


def test_result_name_is_searchable_but_ranks_after_name_matches(county, sysadmin):
    from govhall.catalog.selectors import ItemFilters, items_search
    from govhall.catalog.services import item_create
    from govhall.tests_support import item_payload

    item_create(
        actor=sysadmin,
        data=item_payload(code="000111011088", name="食品小作坊登记", result_name="小作坊登记证", licence_type="小作坊登记证"),
    )
    names = [i.name for i in items_search(filters=ItemFilters(q="spjy"))]
    assert names == ["食品经营许可证核发"]
    names = [i.name for i in items_search(filters=ItemFilters(q="djz"))]
    assert names == ["食品小作坊登记"]  # only its result, 小作坊登记证, matches
