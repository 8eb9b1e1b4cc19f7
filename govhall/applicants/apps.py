from django.apps import AppConfig


class ApplicantsConfig(AppConfig):
    name = "govhall.applicants"
    verbose_name = "申请人"
