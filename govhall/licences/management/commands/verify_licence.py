"""Offline check of an electronic licence file against the published seal keys (DATA-3):

    manage.py verify_licence licence.json --keys keys.json

Needs no database: the signature (SM2 with SM3) is checked with the public key named by the
file's key id in keys.json (saved from /licences/keys.json). Exits 0 when the signature is valid
and the licence is within its validity on the day of the check; non-zero with the reason
otherwise. Revocation is only known online (the verify page or the API): the command says so.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from govhall.licences import crypto

MESSAGES = {
    "not_a_licence": "文件不是电子证照文件 (not a licence file)",
    "fields_missing": "证照文件缺少必要项目 (licence fields missing)",
    "identifier_invalid": "证照标识格式或校验位错误 (identifier or its check character is wrong)",
    "key_unknown": "签章密钥不在公布的密钥中 (signing key not among the published keys)",
    "issuer_mismatch": "签章密钥不属于发证机关 (key does not belong to the issuer)",
    "digest_mismatch": "SM3 摘要不符：证照内容已被改动 (SM3 digest mismatch: content changed)",
    "signature_invalid": "SM2 签名无效：证照内容已被改动 (SM2 signature invalid: content changed)",
}


class Command(BaseCommand):
    help = "离线验证电子证照文件的 SM2 签名 (verify a licence file offline against published keys)"
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("licence", help="证照文件 (JSON, downloaded from the wallet)")
        parser.add_argument("--keys", required=True, help="公布的公钥文件 (/licences/keys.json)")
        parser.add_argument("--date", help="按此日期判断有效期 (YYYY-MM-DD)，默认今天")

    def handle(self, *args, **options):
        try:
            raw = Path(options["licence"]).read_bytes()
            document = json.loads(raw.decode("utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CommandError(f"无法读取证照文件：{exc}") from exc
        try:
            keys_document = json.loads(Path(options["keys"]).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CommandError(f"无法读取公钥文件：{exc}") from exc
        keys = {str(k.get("key_id")): k for k in keys_document.get("keys", []) if isinstance(k, dict)}
        ok, reason, fields = crypto.check_file(document, keys)
        if not ok:
            raise CommandError(f"验证失败：{MESSAGES.get(reason, reason)}")
        assert fields is not None
        today = dt.date.fromisoformat(options["date"]) if options.get("date") else dt.date.today()
        until = fields.get("valid_until")
        lines = [
            f"证照标识：{fields['identifier']}",
            f"证照类型：{fields['licence_type'].get('name', '')}",
            f"证号：{fields['number']}",
            f"持证主体：{fields['holder'].get('name', '')}",
            f"发证机关：{fields['issuer'].get('name', '')}（{fields['issuer'].get('uscc', '')}）",
            f"有效期：{fields['valid_from']} 至 {until or '长期'}",
            f"签章密钥：{fields['key_id']}",
        ]
        self.stdout.write("\n".join(lines))
        if until and today > dt.date.fromisoformat(until):
            raise CommandError(f"签名有效，但证照已过期（有效期至 {until}）")
        self.stdout.write(self.style.SUCCESS("签名有效，证照内容未被篡改。撤销状态请在线查询：" + str(document.get("verify_url", ""))))
