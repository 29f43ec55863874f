"""Path converters the capability apps' URLs share."""

from django.urls import register_converter


class YearConverter:
    """A four-digit school year (anything else is 404, never a database overflow)."""

    regex = "(19|20|21)[0-9]{2}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


class IdConverter(YearConverter):
    regex = "[0-9]{1,15}"


register_converter(YearConverter, "year")
register_converter(IdConverter, "id")
