"""The web face of junheng: data collection, dashboard, problems and rectification, reports, JSON API."""
