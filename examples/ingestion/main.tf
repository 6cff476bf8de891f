# Deploys Big-data ingestion (architecture 176). Real AWS: `tofu init && tofu apply`. Local sandbox: the test harness
# adds an override file pointing both providers at kumo and turns off what the sandbox lacks through the variables
# below (internal/sandbox/profile_ingestion.go).
#
# After apply: register devices as IoT things (name = device id) with certificates and the policy
# `iot_device_policy_name`, or try it with the simulator:
#   go run ./cmd/devicesim -target iot -iot-endpoint $(tofu output -raw iot_data_endpoint) \
#     -topic-prefix $(tofu output -raw iot_topic_prefix) -count 1000 -rate 50 -bad-ratio 0.05
# Within Firehose's buffering interval (5 minutes) the records are under s3://<ingestion_bucket_name>/data/dt=<today>/;
# query them in Athena (workgroup `athena_workgroup`, database `glue_database_name`).

terraform {
  required_version = ">= 1.6.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.0"
    }
    refarch = {
      source  = "refarch/refarch"
      version = ">= 0.1.0, < 1.0.0"
    }
  }
}

provider "aws" {
  region = var.region

  # Tags on every resource the provider creates, on top of each resource's own (the real-AWS tests put their
  # refarch:test-run tag here; `make sweep-aws` finds leftovers by it).
  default_tags {
    tags = var.default_tags
  }
}

provider "refarch" {
  region = var.region

  # The same tags on what the refarch provider creates that AWS can tag (a signed-URL key pair's secret, a report
  # schedule's IAM role).
  default_tags {
    tags = var.default_tags
  }
}

module "ingestion" {
  source = "../../modules/ingestion"

  name            = var.name
  devices         = var.devices
  glue_catalog_id = var.glue_catalog_id
  glue_table      = var.glue_table
  queue_sse       = var.queue_sse
  iot = {
    enabled = var.iot_rule
  }
  kinesis = {
    enabled = var.kinesis_stream
  }
  firehose = {
    source_backup = var.firehose_source_backup
    encryption    = var.firehose_encryption
  }
  partitions = {
    registration               = var.partition_registration
    report_batch_item_failures = var.report_batch_item_failures
    timeout                    = var.partitions_timeout
    visibility_timeout_seconds = var.queue_visibility_timeout_seconds
    max_receive_count          = var.queue_max_receive_count
  }
  athena = {
    workgroups = var.athena_workgroups
  }
  reports = {
    daily-devices = {
      query               = <<-SQL
        SELECT device_id, site, count(*) AS readings, avg(temperature) AS avg_temperature, min(battery) AS min_battery
        FROM {{table}}
        WHERE dt = cast(current_date - interval '1' day AS varchar)
        GROUP BY device_id, site
        ORDER BY device_id
      SQL
      schedule_expression = "cron(0 6 * * ? *)"
      schedule_timezone   = var.report_timezone
      run_on_create       = var.report_run_on_create
    }
  }
  # An example is disposable: var.bucket_force_destroy (default true) opts out of the module's data protection, so
  # `destroy` empties the buckets. Set it false to keep the data.
  bucket = {
    force_destroy      = var.bucket_force_destroy
    ownership_controls = var.bucket_ownership_controls
    lifecycle_rules    = var.bucket_lifecycle_rules
  }
  alarm_topic_arn          = var.alarm_topic_arn
  alarm_treat_missing_data = var.alarm_treat_missing_data
  kms_key_rotation         = var.kms_key_rotation
  log_retention_days       = 30
  tags                     = var.tags
}
