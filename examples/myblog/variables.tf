variable "region" {
  description = "AWS region to deploy to (the primary region of the tables)."
  type        = string
  default     = "us-east-1"
}

variable "default_tags" {
  description = "Tags the AWS and refarch providers add to every resource they create (their default_tags), e.g. the real-AWS tests' refarch:test-run tag."
  type        = map(string)
  default     = {}
}

variable "name" {
  description = "Name prefix of every resource; make it unique per deployment in an account."
  type        = string
  default     = "myblog"
}

variable "sender_address" {
  description = "E-mail address the welcome e-mails come from; SES sends it a verification link after apply."
  type        = string
}

variable "posts_api" {
  description = "Build the public posts API (served by the distribution at /api/*); default true."
  type        = bool
  default     = true
}

variable "posts_replica_regions" {
  description = "Regions with a replica of the posts table (global table); default none."
  type        = list(string)
  default     = []
}

variable "price_class" {
  description = "CloudFront price class: PriceClass_All (default, global audience), PriceClass_200 or PriceClass_100."
  type        = string
  default     = "PriceClass_All"
}

variable "point_in_time_recovery" {
  description = "Point-in-time recovery of the tables (the local sandbox has no UpdateContinuousBackups and sets false)."
  type        = bool
  default     = true
}

variable "table_encryption" {
  description = "Key for the tables' encryption at rest: AWS_MANAGED (aws/dynamodb KMS key) or AWS_OWNED (the local sandbox, which does not report KMS encryption, sets AWS_OWNED)."
  type        = string
  default     = "AWS_MANAGED"
}

variable "access_logs" {
  description = "API Gateway access logs of the posts API (need the account's API Gateway CloudWatch role on AWS; the local sandbox has no UpdateStage and sets false)."
  type        = bool
  default     = true
}

variable "method_settings" {
  description = "Stage-wide throttling and metrics of the posts API (the local sandbox has no UpdateStage and sets false)."
  type        = bool
  default     = true
}

variable "deletion_protection" {
  description = "Protect the users and posts tables from deletion. Default false: an example is disposable, so `destroy` removes them with their data (the module's own default is true; set true to keep them)."
  type        = bool
  default     = false
}

variable "bucket_force_destroy" {
  description = "Let `destroy` delete the site and uploads buckets with their objects. Default true: an example is disposable (the module's own default is false; set false to keep the objects)."
  type        = bool
  default     = true
}

variable "bucket_ownership_controls" {
  description = "BucketOwnerEnforced ownership controls on the buckets (the local sandbox has no PutBucketOwnershipControls and sets false)."
  type        = bool
  default     = true
}

variable "bucket_lifecycle_rules" {
  description = "Lifecycle rules on the buckets (the local sandbox's lifecycle API never settles and it sets false)."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags for every resource that takes them."
  type        = map(string)
  default     = {}
}

variable "queue_sse" {
  description = "Encryption at rest of the welcome and thumbnail dead-letter queues (default true; the local sandbox has no SQS encryption and sets false)."
  type        = bool
  default     = true
}

variable "event_source_mappings" {
  description = "Let Lambda poll the users table's stream (default true; the local sandbox runs no event source mappings and sets false, its harness polls instead)."
  type        = bool
  default     = true
}

variable "origin_verify_secret_version" {
  description = "Rotation counter of the posts API's origin secret (default 1): raise it by one to rotate (see modules/origin-verify)."
  type        = number
  default     = 1
}

variable "origin_verify_accept_previous" {
  description = "Whether the posts API still accepts the origin secret of the version before (default true; set false once the distribution is deployed after a rotation that answers a leak)."
  type        = bool
  default     = true
}

variable "event_invoke_configs" {
  description = "Retry limits and the dead-letter queue as on-failure destination for the thumbnail function's asynchronous invocations (default true; the local sandbox has no PutFunctionEventInvokeConfig and sets false)."
  type        = bool
  default     = true
}

variable "tracing" {
  description = "X-Ray tracing of the posts API's function and stage (default true; the local sandbox's Lambda and API Gateway do not keep the setting and it sets false)."
  type        = bool
  default     = true
}

variable "alarm_topic_arn" {
  description = "SNS topic for every alarm of the deployment; null (default) creates <name>-alarms (output alarm_topic_arn)."
  type        = string
  default     = null
}

variable "alarm_treat_missing_data" {
  description = "Missing-data treatment of the alarms (default notBreaching; the local sandbox's alarms do not keep it and it sets missing)."
  type        = string
  default     = "notBreaching"
}

variable "kms_key_rotation" {
  description = "Rotation of the alarm topic's KMS key (default true; the local sandbox's KMS has no EnableKeyRotation and it sets false)."
  type        = bool
  default     = true
}
