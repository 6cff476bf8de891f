variable "region" {
  description = "AWS region to deploy to."
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
  default     = "paid-content"
}

variable "url_ttl_minutes" {
  description = "Lifetime of a signed URL in minutes (1-720)."
  type        = number
  default     = 5
}

variable "price_class" {
  description = "CloudFront price class: PriceClass_All (default, global audience), PriceClass_200 or PriceClass_100."
  type        = string
  default     = "PriceClass_All"
}

variable "signing_key_rotation" {
  description = "Rotation trigger of the signing key pair (any string, e.g. a month); changing it rotates the key."
  type        = string
  default     = null
}

variable "secret_recovery_window_days" {
  description = "Days Secrets Manager keeps the signing key's secret recoverable after destroy: 0 or 7-30."
  type        = number
  default     = 7
}

variable "point_in_time_recovery" {
  description = "Point-in-time recovery of the premium users table (the local sandbox has no UpdateContinuousBackups and sets false)."
  type        = bool
  default     = true
}

variable "table_encryption" {
  description = "Key for the premium users table's encryption at rest: AWS_MANAGED (aws/dynamodb KMS key) or AWS_OWNED (the local sandbox, which does not report KMS encryption, sets AWS_OWNED)."
  type        = string
  default     = "AWS_MANAGED"
}

variable "access_logs" {
  description = "API Gateway access logs (need the account's API Gateway CloudWatch role on AWS; the local sandbox has no UpdateStage and sets false)."
  type        = bool
  default     = true
}

variable "method_settings" {
  description = "Stage-wide throttling and metrics (the local sandbox has no UpdateStage and sets false)."
  type        = bool
  default     = true
}

variable "cognito_authorizer" {
  description = "Put the route behind the Cognito user-pool authorizer. Keep true on AWS (the local sandbox's GetAuthorizer returns no providerARNs, so the authorizer would drift forever; kumo does not enforce authorizers anyway, and sets false). The function verifies the token either way."
  type        = bool
  default     = true
}

variable "allow_user_password_auth" {
  description = "Allow the USER_PASSWORD_AUTH sign-in flow on the app client, for test harnesses that do not speak SRP (the local sandbox sets true). Leave false for a real app."
  type        = bool
  default     = false
}

variable "cognito_security_settings" {
  description = "Cognito hardening beyond the API defaults (the local sandbox's DescribeUserPool/DescribeUserPoolClient return none of it and it sets false)."
  type        = bool
  default     = true
}

variable "token_validity_minutes" {
  description = "Lifetime of the ID and access tokens in minutes, 5-1440 (the local sandbox sets 1440: without cognito_security_settings the lifetime is sent in hours, which kumo reads as minutes)."
  type        = number
  default     = 60
}

variable "deletion_protection" {
  description = "Protect the premium users table and the user pool from deletion. Default false: an example is disposable, so `destroy` removes them with their data (the module's own default is true; set true to keep them)."
  type        = bool
  default     = false
}

variable "bucket_force_destroy" {
  description = "Let `destroy` delete the video bucket with its videos. Default true: an example is disposable (the module's own default is false; set false to keep the videos)."
  type        = bool
  default     = true
}

variable "bucket_ownership_controls" {
  description = "Set BucketOwnerEnforced object ownership explicitly; AWS's default for new buckets anyway (the local sandbox has no PutBucketOwnershipControls and sets false)."
  type        = bool
  default     = true
}

variable "bucket_lifecycle_rules" {
  description = "Lifecycle rules of the video bucket (the local sandbox never returns the transition-default-minimum-object-size setting, so the provider's wait never ends, and sets false)."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags for every resource (the local sandbox's DescribeUserPool returns no tags, so it sets {})."
  type        = map(string)
  default     = { project = "refarch", architecture = "paid-content" }
}

variable "tracing" {
  description = "X-Ray tracing of the API's function and stage (default true; the local sandbox's Lambda and API Gateway do not keep the setting and it sets false)."
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
