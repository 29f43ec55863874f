from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "junheng.planning"
    label = "planning"
    verbose_name = "达标规划"
    default_auto_field = "django.db.models.BigAutoField"
