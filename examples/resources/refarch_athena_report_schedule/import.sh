# The import id is <schedule_group>/<name>. The schedule's role is imported as
# your own role: set role_arn in the configuration. The next apply creates the
# Athena named query.
tofu import refarch_athena_report_schedule.daily_sales default/daily-sales
