"""达标规划 in the web app: the bureau runs the least-cost plan on the official data and turns its rows
into the 问题清单's 整改措施 with one click (issue 11). The plan itself is :mod:`junheng.plan`."""
