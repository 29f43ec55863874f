"""年度监测 on the web (issue 13): a new year starts from last year's accepted data, schools see
and explain year-on-year moves, the bureau reviews them, and early warnings on present trends
become problems. The checks and trends are the engine's (:mod:`junheng.monitoring`)."""
