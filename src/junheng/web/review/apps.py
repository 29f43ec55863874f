from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "junheng.web.review"
    label = "junheng_review"
    verbose_name = "市省复核"
