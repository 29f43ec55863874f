from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "junheng.web"
    label = "junheng"
    verbose_name = "优质均衡督导评估"
    default_auto_field = "django.db.models.BigAutoField"
