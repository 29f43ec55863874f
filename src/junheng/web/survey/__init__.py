"""社会认可度 survey: the bureau plans the sample, prints QR codes, watches quotas and rates;
respondents answer anonymously on a phone (no login). Pure rules live in :mod:`junheng.survey`."""
