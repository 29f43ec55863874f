from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "junheng.web.monitoring"
    label = "junheng_monitoring"
    verbose_name = "年度监测"
    default_auto_field = "django.db.models.BigAutoField"
