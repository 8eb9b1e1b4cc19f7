"""`manage.py verify_licence licence.json --keys keys.json`: the offline check of a licence file."""

import json

import pytest
from django.core.management import CommandError, call_command

from govhall.licences.selectors import licence_file, published_keys


@pytest.fixture
def files(tmp_path, food_licence):
    licence_path = tmp_path / "licence.json"
    keys_path = tmp_path / "keys.json"
    licence_path.write_text(json.dumps(licence_file(food_licence), ensure_ascii=False, indent=2), encoding="utf-8")
    keys_path.write_text(json.dumps(published_keys(), ensure_ascii=False), encoding="utf-8")
    return licence_path, keys_path


def _run(licence_path, keys_path, *extra):
    out = __import__("io").StringIO()
    call_command("verify_licence", str(licence_path), "--keys", str(keys_path), *extra, stdout=out)
    return out.getvalue()


def test_a_downloaded_licence_file_verifies_offline(files, django_assert_num_queries):
    licence_path, keys_path = files
    with django_assert_num_queries(0):
        out = _run(licence_path, keys_path, "--date", "2026-07-01")
    assert "签名有效，证照内容未被篡改" in out
    assert "证照类型：食品经营许可证" in out
    assert "持证主体：呼伦贝尔草原餐饮有限公司" in out


def test_one_changed_byte_in_the_licence_file_fails(files, tmp_path):
    licence_path, keys_path = files
    raw = licence_path.read_bytes()
    at = raw.index("宝格德乌拉街1号".encode()) + len("宝格德乌拉街".encode())
    tampered = bytearray(raw)
    tampered[at] = ord("2")  # 1号 → 2号
    bad = tmp_path / "tampered.json"
    bad.write_bytes(bytes(tampered))
    with pytest.raises(CommandError, match="已被改动"):
        _run(bad, keys_path, "--date", "2026-07-01")


def test_a_changed_signature_fails(files, tmp_path):
    licence_path, keys_path = files
    document = json.loads(licence_path.read_text(encoding="utf-8"))
    value = document["signature"]["value"]
    document["signature"]["value"] = value[:-1] + ("0" if value[-1] != "0" else "1")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(CommandError, match="SM2 签名无效"):
        _run(bad, keys_path, "--date", "2026-07-01")


def test_a_key_that_is_not_published_fails(files, tmp_path):
    licence_path, _ = files
    empty = tmp_path / "empty.json"
    empty.write_text(json.dumps({"keys": []}), encoding="utf-8")
    with pytest.raises(CommandError, match="签章密钥不在公布的密钥中"):
        _run(licence_path, empty)


def test_an_expired_licence_says_so_offline(files):
    licence_path, keys_path = files
    with pytest.raises(CommandError, match="证照已过期"):
        _run(licence_path, keys_path, "--date", "2031-06-15")


def test_a_file_that_is_not_a_licence_fails(tmp_path, files):
    _, keys_path = files
    junk = tmp_path / "junk.json"
    junk.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(CommandError, match="不是电子证照文件"):
        _run(junk, keys_path)
