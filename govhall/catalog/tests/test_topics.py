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
