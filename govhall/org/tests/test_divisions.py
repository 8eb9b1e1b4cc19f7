"""ORG-1: importing the national division files, and a village file in the same format."""

import pytest

from govhall.org.divisions import DivisionImportError, ImportStats, import_directory, import_file
from govhall.org.models import Division

pytestmark = pytest.mark.django_db


def test_real_files_give_the_demo_county_and_its_townships():
    county = Division.objects.get(code="150727")
    assert county.name == "新巴尔虎右旗" and county.level == Division.LEVEL_COUNTY
    assert county.parent.name == "呼伦贝尔市" and county.parent.parent.name == "内蒙古自治区"
    assert county.children.count() == 7


def test_importing_again_changes_nothing(settings):
    before = Division.objects.count()
    stats = import_directory(settings.SHARED_DATA_DIR / "divisions", prefix="150727")
    assert (stats.created, stats.renamed) == (0, 0)
    assert stats.unchanged == 8  # the county and its seven townships
    assert Division.objects.count() == before


def test_village_file_in_the_same_format(tmp_path):
    path = tmp_path / "villages.csv"
    path.write_text(
        "code,name,streetCode,provinceCode,cityCode,areaCode\n"
        '150727100001,"新宝力格东社区",150727100,15,1507,150727\n'
        '150727200201,"巴彦乌拉嘎查",150727200,15,1507,150727\n',
        encoding="utf-8",
    )
    stats = ImportStats()
    import_file(path, Division.LEVEL_VILLAGE, "streetCode", stats)
    assert stats.created == 2
    village = Division.objects.get(code="150727200201")
    assert village.level == Division.LEVEL_VILLAGE and village.parent.name == "贝尔苏木"


def test_row_with_unknown_parent_is_refused_with_its_row_number(tmp_path):
    path = tmp_path / "villages.csv"
    path.write_text('code,name,streetCode\n150727100001,"甲社区",150727100\n150727999001,"乙嘎查",150727999\n', encoding="utf-8")
    with pytest.raises(DivisionImportError) as exc:
        import_file(path, Division.LEVEL_VILLAGE, "streetCode", ImportStats())
    assert "第3行" in str(exc.value) and "150727999" in str(exc.value)


def test_wrong_code_length_is_refused(tmp_path):
    path = tmp_path / "villages.csv"
    path.write_text('code,name,streetCode\n1507271000,"甲",150727100\n', encoding="utf-8")
    with pytest.raises(DivisionImportError) as exc:
        import_file(path, Division.LEVEL_VILLAGE, "streetCode", ImportStats())
    assert "12位" in str(exc.value)


def test_renamed_division_is_updated(tmp_path):
    path = tmp_path / "streets.csv"
    path.write_text('code,name,areaCode\n150727100,"阿拉坦额莫勒镇（新名）",150727\n', encoding="utf-8")
    stats = ImportStats()
    import_file(path, Division.LEVEL_TOWNSHIP, "areaCode", stats)
    assert stats.renamed == 1
    assert Division.objects.get(code="150727100").name == "阿拉坦额莫勒镇（新名）"


def test_a_bad_row_keeps_nothing_of_the_file_even_rows_already_written(tmp_path, monkeypatch):
    monkeypatch.setattr("govhall.org.divisions.BATCH", 1)  # the good row is flushed before the bad one
    path = tmp_path / "villages.csv"
    path.write_text('code,name,streetCode\n150727100001,"甲社区",150727100\n150727999001,"乙嘎查",150727999\n', encoding="utf-8")
    with pytest.raises(DivisionImportError):
        import_file(path, Division.LEVEL_VILLAGE, "streetCode", ImportStats())
    assert not Division.objects.filter(code="150727100001").exists()
