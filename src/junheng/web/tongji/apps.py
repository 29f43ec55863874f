from django.apps import AppConfig


class TongjiConfig(AppConfig):
    name = "junheng.web.tongji"
    label = "junheng_tongji"
    verbose_name = "事业统计导入"
