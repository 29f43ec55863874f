"""事业统计 upload on the bureau's pages: exports in, the fill-in workbook out (``junheng import-tongji``).

Self-contained: one view, one template, no models. Nothing is stored: the bureau gets the workbook
to hand to its schools (or to fill and upload through the ordinary 上传全县数据 page).
"""
