"""实地督导 (on-site inspection): the draw, the phone checklist, findings → problems, 整改通知 and 整改报告."""
