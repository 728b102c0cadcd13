"""The monitor (issue 14): polling feeds and pages, analyst review, alert rules and delivery."""
