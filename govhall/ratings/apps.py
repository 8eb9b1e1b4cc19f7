from django.apps import AppConfig


class RatingsConfig(AppConfig):
    name = "govhall.ratings"
    verbose_name = "好差评"
