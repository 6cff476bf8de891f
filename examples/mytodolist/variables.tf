variable "region" {
  description = "AWS region to deploy to."
  type        = string
  default     = "us-east-1"
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
