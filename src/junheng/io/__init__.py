"""Reading and writing the county's data: importer (read), template and export writers."""

from .errors import InputError, InputErrors
from .read import read_dataset, read_dataset_with_warnings

__all__ = ["InputError", "InputErrors", "read_dataset", "read_dataset_with_warnings"]
