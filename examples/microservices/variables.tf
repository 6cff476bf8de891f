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
  description = "Name prefix of every resource (1-20 characters); make it unique per deployment in an account."
  type        = string
  default     = "microservices"
}

variable "service_a_image" {
  description = "Image of service A's container: apps/orders built with apps/orders/Dockerfile (linux/arm64) and pushed to ECR."
  type        = string
}

variable "service_c_artifact_s3_uri" {
  description = "s3:// URI of service C's program: apps/orders built with GOOS=linux GOARCH=arm64 and uploaded to a bucket of this account."
  type        = string
}

variable "certificate_arn" {
  description = "ACM certificate for HTTPS on both load balancers (443; port 80 only redirects). Required unless `allow_plain_http` is true."
  type        = string
  default     = null
}

variable "allow_plain_http" {
  description = "Serve plain HTTP on port 80 without a certificate (default false). True only for a throwaway demo or the local sandbox (its ELBv2 keeps no listener certificate), never for real clients."
  type        = bool
  default     = false
}

variable "network" {
  description = "An existing network to deploy into (`vpc_id`, `vpc_cidr_block`, `public_subnet_ids`, `private_subnet_ids`); null (default) creates the VPC."
  type = object({
    vpc_id             = string
    vpc_cidr_block     = string
    public_subnet_ids  = list(string)
    private_subnet_ids = list(string)
  })
  default = null
}

variable "availability_zones" {
  description = "Availability Zones of the VPC (null: the region's first two)."
  type        = list(string)
  default     = null
}

variable "nat_gateway" {
  description = "NAT for the private subnets: single (default), per_az or none."
  type        = string
  default     = "single"
}

variable "flow_logs" {
  description = "VPC flow logs (default true)."
  type        = bool
  default     = true
}

variable "final_snapshot" {
  description = "Keep a final snapshot of service C's database on destroy (default true; the tests set false)."
  type        = bool
  default     = true
}

# The modules protect load balancers, tables and the database by default; this example, applied and destroyed by the
# tests and demos, opts out. Set true for anything you keep.
variable "deletion_protection" {
  description = "Protect the load balancers, tables and the database from deletion. Default false: an example is disposable, so `destroy` removes them with their data (the module's own default is true; set true to keep them)."
  type        = bool
  default     = false
}

variable "access_logs_force_destroy" {
  description = "Let `destroy` delete the load balancers' access-log bucket with its logs. Default true: an example is disposable (the module's own default is false; set false to keep the logs)."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = { project = "refarch", architecture = "microservices" }
}

# ---------------------------------------------------------------------------------------------------------------------
# Local sandbox switches (internal/sandbox/profile_microservices.go); keep the defaults on AWS.
# ---------------------------------------------------------------------------------------------------------------------

variable "point_in_time_recovery" {
  description = "Point-in-time recovery of the tables (the local sandbox has no UpdateContinuousBackups and sets false)."
  type        = bool
  default     = true
}

variable "table_encryption" {
  description = "Table encryption key when none is given: AWS_MANAGED (default) or AWS_OWNED (the local sandbox, which does not report KMS encryption)."
  type        = string
  default     = "AWS_MANAGED"
}

variable "container_insights" {
  description = "Container Insights on service A's cluster (the local sandbox ignores cluster settings and sets false)."
  type        = bool
  default     = true
}

variable "ecs_tasks" {
  description = "Service A's task definition, ECS service and Application Auto Scaling (the local sandbox has none of DescribeTaskDefinition, DescribeServices, Application Auto Scaling and sets false)."
  type        = bool
  default     = true
}

variable "ec2_compute" {
  description = "Service C's launch template and Auto Scaling group (the local sandbox has neither and sets false)."
  type        = bool
  default     = true
}

variable "rds_instance" {
  description = "Service C's RDS instance (the local sandbox's RDS returns no DbiResourceId and sets false)."
  type        = bool
  default     = true
}

variable "manage_master_user_password" {
  description = "RDS-managed master password in Secrets Manager (the local sandbox has no managed secret and sets false)."
  type        = bool
  default     = true
}

variable "security_group_references" {
  description = "Security-group-to-security-group rules (the local sandbox keeps only CIDR rules and sets false)."
  type        = bool
  default     = true
}

variable "ssm_managed_policy" {
  description = "AmazonSSMManagedInstanceCore on service C's instances (the local sandbox has no AWS managed policies and sets false)."
  type        = bool
  default     = true
}

variable "bucket_ownership_controls" {
  description = "BucketOwnerEnforced on the access-log bucket (the local sandbox has no PutBucketOwnershipControls and sets false)."
  type        = bool
  default     = true
}

variable "bucket_lifecycle_rules" {
  description = "Expiry of access logs (the local sandbox never settles lifecycle rules and sets false)."
  type        = bool
  default     = true
}

variable "lambda_in_vpc" {
  description = "Put service B's function into the VPC (the local sandbox's subnet ids fail the provider's checks and it sets false)."
  type        = bool
  default     = true
}

variable "api_stage_settings" {
  description = "Service B's API stage access logs and method settings (the local sandbox has no UpdateStage and sets false)."
  type        = bool
  default     = true
}

variable "cache_endpoint_override" {
  description = "Use this Redis instead of creating ElastiCache for service B (the local sandbox runs a redis-server)."
  type = object({
    address = string
    port    = optional(number, 6379)
    tls     = optional(bool, true)
  })
  default = null
}

variable "queue_sse" {
  description = "Encrypt the event queues at rest (the local sandbox's GetQueueAttributes reports no encryption and it sets false)."
  type        = bool
  default     = true
}

variable "kms_key_rotation" {
  description = "Yearly rotation of the events KMS key (the local sandbox has no EnableKeyRotation and sets false)."
  type        = bool
  default     = true
}

variable "events_table_encryption" {
  description = "Encryption of the events table: KMS (default), AWS_MANAGED or AWS_OWNED."
  type        = string
  default     = "KMS"
}

variable "dlq_alarms" {
  description = "CloudWatch alarms on the dead-letter queues (default true)."
  type        = bool
  default     = true
}

variable "alarm_treat_missing_data" {
  description = "How the alarms treat missing data: notBreaching (default); the local sandbox's alarms do not keep the setting and it sets missing."
  type        = string
  default     = "notBreaching"
}

variable "report_batch_item_failures" {
  description = "The events consumer reports partial batch failures (default true; the local sandbox's event source mappings drop FunctionResponseTypes and it sets false — its poller honours them anyway)."
  type        = bool
  default     = true
}

variable "tracing" {
  description = "X-Ray tracing of service B's function and stage (default true; the local sandbox's Lambda and API Gateway do not keep the setting and it sets false)."
  type        = bool
  default     = true
}

variable "alarm_topic_arn" {
  description = "SNS topic for every alarm of the deployment; null (default) creates <name>-alarms (output alarm_topic_arn)."
  type        = string
  default     = null
}
