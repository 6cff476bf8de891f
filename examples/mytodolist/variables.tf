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
  default     = "mytodolist"
}

variable "point_in_time_recovery" {
  description = "Point-in-time recovery of the todos table (the local sandbox has no such API and sets false)."
  type        = bool
  default     = true
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

variable "table_encryption" {
  description = "Key for the todos table's encryption at rest: AWS_MANAGED (aws/dynamodb KMS key) or AWS_OWNED (the local sandbox, which does not report KMS encryption, sets AWS_OWNED)."
  type        = string
  default     = "AWS_MANAGED"
}

variable "identity_pool" {
  description = "Cognito identity pool giving signed-in users credentials for their S3 folder (the local sandbox has no Cognito Identity service and sets false)."
  type        = bool
  default     = true
}

variable "allow_user_password_auth" {
  description = "Allow the USER_PASSWORD_AUTH sign-in flow on the app client, for test harnesses that do not speak SRP (the local sandbox sets true). Leave false for a real app."
  type        = bool
  default     = false
}

variable "stage_cache" {
  description = "API Gateway stage cache (0.5 GB, per user, 300 s) for the GET routes; billed per hour. Off by default, as in the module: a cached GET keeps answering with the old todo or list for up to 300 s after the same user changed or deleted it (the local sandbox never reports a cache cluster AVAILABLE and sets false)."
  type        = bool
  default     = false
}

variable "dax" {
  description = "DAX in front of the todos table, in a VPC this example creates (the local sandbox has no DAX and sets false). Billed per node-hour: 3 x dax.t3.small."
  type        = bool
  default     = true
}

variable "vpc_cidr_block" {
  description = "CIDR block of the VPC created for DAX (a /16 to /24 split into per-AZ subnets)."
  type        = string
  default     = "10.42.0.0/16"

  validation {
    condition     = can(cidrsubnet(var.vpc_cidr_block, 4, 2))
    error_message = "vpc_cidr_block must be an IPv4 CIDR block with room for 3 subnets (e.g. 10.42.0.0/16)."
  }
}

variable "deletion_protection" {
  description = "Protect the todos table and the user pool from deletion. Default false: an example is disposable, so `destroy` removes them with their data (the module's own default is true; set true to keep them)."
  type        = bool
  default     = false
}

variable "bucket_force_destroy" {
  description = "Let `destroy` delete the users' file bucket with its files. Default true: an example is disposable (the module's own default is false; set false to keep the files)."
  type        = bool
  default     = true
}

variable "cognito_security_settings" {
  description = "Cognito hardening beyond the API defaults: verified e-mail changes on the pool; user-existence errors hidden, token revocation and token lifetimes in minutes on the app client (the local sandbox's DescribeUserPool/DescribeUserPoolClient return none of them and it sets false)."
  type        = bool
  default     = true
}

variable "bucket_ownership_controls" {
  description = "Set BucketOwnerEnforced object ownership explicitly; AWS's default for new buckets anyway (the local sandbox has no PutBucketOwnershipControls and sets false)."
  type        = bool
  default     = true
}

variable "bucket_lifecycle_rules" {
  description = "Lifecycle rules of the users' file bucket (the local sandbox never returns the transition-default-minimum-object-size setting, so the provider's wait never ends, and sets false)."
  type        = bool
  default     = true
}

variable "token_validity_minutes" {
  description = "Lifetime of the ID and access tokens in minutes, 5-1440 (the local sandbox sets 1440: without cognito_security_settings the lifetime is sent in hours, 24, which kumo reads as minutes)."
  type        = number
  default     = 60
}

variable "cognito_authorizer" {
  description = "Put every route behind the Cognito user-pool authorizer. Keep true on AWS: false leaves the API open (the local sandbox's GetAuthorizer returns no providerARNs, so the authorizer would drift forever; kumo does not enforce authorizers anyway, and sets false)."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags for every resource (the local sandbox's DescribeUserPool returns no tags, so it sets {})."
  type        = map(string)
  default     = { project = "refarch", architecture = "mytodolist" }
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
