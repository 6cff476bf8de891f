# Every weekday at 06:00 Paris time, Athena runs the sales report and writes
# the results under s3://example-reports/daily-sales/. The provider creates a
# least-privilege role for EventBridge Scheduler: start queries in the
# workgroup, read the Glue tables of the database and s3://example-datalake/orders/,
# write the report prefix.
resource "refarch_athena_report_schedule" "daily_sales" {
  name      = "daily-sales"
  workgroup = "primary"
  database  = "sales"
  query     = <<-SQL
    SELECT region, date_trunc('day', ordered_at) AS day, sum(amount) AS revenue
    FROM orders
    WHERE ordered_at >= current_date - interval '1' day
    GROUP BY 1, 2
  SQL

  schedule_expression = "cron(0 6 ? * MON-FRI *)"
  schedule_timezone   = "Europe/Paris"

  report_s3_uri  = "s3://example-reports/daily-sales/"
  source_s3_uris = ["s3://example-datalake/orders/"]

  retry_policy = {
    maximum_retry_attempts       = 2
    maximum_event_age_in_seconds = 3600
  }
  # dead_letter_arn = aws_sqs_queue.report_dlq.arn
  # role_arn        = aws_iam_role.reports.arn  # bring your own role instead

  run_on_create = false # true: run it once right after creation
}

output "daily_sales_named_query" {
  value = refarch_athena_report_schedule.daily_sales.named_query_id
}
