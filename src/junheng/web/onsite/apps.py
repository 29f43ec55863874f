from django.apps import AppConfig


class OnsiteConfig(AppConfig):
    name = "junheng.web.onsite"
    label = "onsite"
    verbose_name = "实地督导"
    default_auto_field = "django.db.models.BigAutoField"
