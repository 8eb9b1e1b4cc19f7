from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "govhall.complaints"
    verbose_name = "投诉、热线与知识库"
