"""Applicants (DATA-1): persons by 公民身份号码, enterprises by 统一社会信用代码.

Numbers are validated by the services (`person_register`, `enterprise_register`) before a row is
written; the unique constraints are the backstop against two clerks registering the same person.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from govhall.core.identifiers import mask_phone, mask_ric
from govhall.org.models import Division


class Person(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="person", verbose_name="用户"
    )
    name = models.CharField("姓名", max_length=100)
    id_number = models.CharField("公民身份号码", max_length=18, unique=True)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    address = models.CharField("住址", max_length=200, blank=True)
    division = models.ForeignKey(Division, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="所在区划")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "自然人"
        verbose_name_plural = "自然人"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.name} {self.id_number_masked}"

    @property
    def id_number_masked(self) -> str:
        return mask_ric(self.id_number)

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)


class Enterprise(models.Model):
    name = models.CharField("名称", max_length=200)
    uscc = models.CharField("统一社会信用代码", max_length=18, unique=True)
    legal_representative_name = models.CharField("法定代表人", max_length=100)
    legal_representative = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="enterprises", verbose_name="法定代表人（自然人）"
    )
    address = models.CharField("住所", max_length=200, blank=True)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "法人"
        verbose_name_plural = "法人"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)
