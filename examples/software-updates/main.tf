# Deploys Software updates (architecture 175) whole: the "existing" application that serves update files — a VPC
# (modules/vpc), a public ALB that only CloudFront can use, an Auto Scaling group of nginx instances in the private
# subnets, the files on EFS — and modules/software-updates in front of it.
#
# Real AWS: `tofu init && tofu apply`. Publish a release by copying files to the EFS access point (e.g. from an
# instance via Session Manager: /srv/updates/updates/<version>/…, then /srv/updates/manifest.json) and run the
# `invalidation_command` output to publish the manifest at once. Local sandbox: see the README (kumo cannot build
# this VPC; the sandbox test applies modules/software-updates in front of a local origin instead).

terraform {
  # 1.9 (OpenTofu 1.8): validations refer to other variables (origin_domain_name, allow_plain_http).
  required_version = ">= 1.9.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.0"
    }
    # Not used by this example; declared because the sandbox harness's override file configures both providers.
    refarch = {
      source  = "refarch/refarch"
      version = ">= 0.1.0, < 1.0.0"
    }
  }
}

provider "aws" {
  region = var.region

  # var.tags, and the caller's (the real-AWS tests put their refarch:test-run tag in default_tags; `make sweep-aws`
  # finds leftovers by it).
  default_tags {
    tags = merge(var.tags, var.default_tags)
  }
}

provider "refarch" {
  region = var.region

  # The same tags on what the refarch provider creates that AWS can tag (a signed-URL key pair's secret, a report
  # schedule's IAM role).
  default_tags {
    tags = merge(var.tags, var.default_tags)
  }
}

locals {
  app_port = 80
  https    = var.alb_certificate_arn != null
  # Where the instances serve the files from: the EFS access point's mount, or a local directory without EFS.
  docroot = "/srv/updates"
}

data "aws_partition" "current" {}

# ---------------------------------------------------------------------------------------------------------------------
# Network: public subnets for the ALB, private subnets for instances and EFS; S3 gateway endpoint for the AL2023
# package repositories (free, instead of NAT traffic).
# ---------------------------------------------------------------------------------------------------------------------

module "vpc" {
  source = "../../modules/vpc"

  name              = var.name
  cidr_block        = var.vpc_cidr_block
  az_count          = var.az_count
  nat_gateway       = var.nat_gateway
  gateway_endpoints = ["s3"]
}

# CloudFront's origin-facing address ranges: the only sources the ALB accepts.
data "aws_ec2_managed_prefix_list" "cloudfront" {
  name = "com.amazonaws.global.cloudfront.origin-facing"
}

# ---------------------------------------------------------------------------------------------------------------------
# Security groups: CloudFront → ALB (443, or 80 with allow_plain_http; modules/alb) → instances (80) → EFS (2049);
# nothing else in.
# ---------------------------------------------------------------------------------------------------------------------

resource "aws_security_group" "app" {
  name_prefix = "${var.name}-app-"
  description = "${var.name} web servers: HTTP from the ALB only"
  vpc_id      = module.vpc.vpc_id

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "app_from_alb" {
  security_group_id            = aws_security_group.app.id
  description                  = "HTTP from the ALB"
  ip_protocol                  = "tcp"
  from_port                    = local.app_port
  to_port                      = local.app_port
  referenced_security_group_id = module.alb.security_group_id
}

# HTTPS out: package repositories (S3 gateway endpoint or NAT) and Systems Manager (Session Manager instead of SSH),
# whose public endpoints have no fixed address ranges; inbound stays closed.
#trivy:ignore:AWS-0104
resource "aws_vpc_security_group_egress_rule" "app_https" {
  security_group_id = aws_security_group.app.id
  description       = "HTTPS to AWS APIs and package repositories"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_egress_rule" "app_to_efs" {
  count = var.efs ? 1 : 0

  security_group_id            = aws_security_group.app.id
  description                  = "NFS (TLS) to EFS"
  ip_protocol                  = "tcp"
  from_port                    = 2049
  to_port                      = 2049
  referenced_security_group_id = aws_security_group.efs[0].id
}

resource "aws_security_group" "efs" {
  count = var.efs ? 1 : 0

  name_prefix = "${var.name}-efs-"
  description = "${var.name} EFS: NFS from the web servers only"
  vpc_id      = module.vpc.vpc_id

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "efs_from_app" {
  count = var.efs ? 1 : 0

  security_group_id            = aws_security_group.efs[0].id
  description                  = "NFS from the web servers"
  ip_protocol                  = "tcp"
  from_port                    = 2049
  to_port                      = 2049
  referenced_security_group_id = aws_security_group.app.id
}

# ---------------------------------------------------------------------------------------------------------------------
# ALB: forwards only requests that carry CloudFront's secret header; everything else gets 403.
# ---------------------------------------------------------------------------------------------------------------------

# The origin secret is generated once and kept in the state (uuid() would change on every plan otherwise).
resource "terraform_data" "origin_secret" {
  input = "${uuid()}${uuid()}"

  lifecycle {
    ignore_changes = [input]
  }
}

locals {
  origin_secret = sensitive(replace(terraform_data.origin_secret.output, "-", ""))
}

# Public because CloudFront reaches custom origins over the internet; only CloudFront's origin-facing prefix list
# may connect (security group) and only requests with the secret header are forwarded (listener rule, 403 otherwise).
# HTTPS with alb_certificate_arn (CloudFront then reaches origin_domain_name over TLS 1.2); without a certificate the
# ALB's own *.elb.amazonaws.com name cannot carry one, so plain HTTP needs allow_plain_http — and the secret header
# then travels unencrypted between CloudFront and the ALB.
module "alb" {
  source = "../../modules/alb"

  name                      = var.name
  vpc_id                    = module.vpc.vpc_id
  vpc_cidr_block            = module.vpc.vpc_cidr_block
  subnet_ids                = module.vpc.public_subnet_ids
  ingress_cidr_blocks       = []
  ingress_prefix_list_ids   = [data.aws_ec2_managed_prefix_list.cloudfront.id]
  certificate_arn           = var.alb_certificate_arn
  allow_plain_http          = var.allow_plain_http
  origin_verify_header_name = module.updates.origin_verify_header_name
  origin_verify_secret      = local.origin_secret
  target                    = { type = "instance", port = local.app_port, name = "${var.name}-app" }
  # The bucket name comes from the policy so that the ALB is created after ELB may write there (it checks).
  access_logs_bucket       = var.alb_access_logs ? { bucket = aws_s3_bucket_policy.alb_logs[0].bucket, prefix = "alb" } : null
  deletion_protection      = var.deletion_protection
  alarm_topic_arn          = local.alarm_topic_arn
  alarm_treat_missing_data = var.alarm_treat_missing_data
}

# The ALB used to be built here: an existing state keeps the load balancer (and its DNS name, CloudFront's origin),
# the target group and the header rule. The old listener was port 80 (plain HTTP, the former default) or 443; it
# becomes the port-80 listener, updated in place. The old security group (standalone rules, CloudFront on one port)
# is replaced by the module's (create before destroy).
moved {
  from = aws_lb.app
  to   = module.alb.aws_lb.this
}

moved {
  from = aws_lb_target_group.app
  to   = module.alb.aws_lb_target_group.this
}

moved {
  from = aws_lb_listener.app
  to   = module.alb.aws_lb_listener.http
}

moved {
  from = aws_lb_listener_rule.from_cloudfront
  to   = module.alb.aws_lb_listener_rule.origin_verify[0]
}

# ALB access logs: SSE-S3 (the only encryption ALB log delivery supports), private, TLS-only, expiring.
data "aws_elb_service_account" "this" {
  count = var.alb_access_logs ? 1 : 0
}

resource "aws_s3_bucket" "alb_logs" {
  count = var.alb_access_logs ? 1 : 0

  bucket_prefix = "${var.name}-alb-logs-"
  force_destroy = var.access_logs_force_destroy # default true: an example is disposable
}

resource "aws_s3_bucket_public_access_block" "alb_logs" {
  count = var.alb_access_logs ? 1 : 0

  bucket                  = aws_s3_bucket.alb_logs[0].id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

# ALB access-log delivery supports SSE-S3 only, not SSE-KMS.
#trivy:ignore:AWS-0132
resource "aws_s3_bucket_server_side_encryption_configuration" "alb_logs" {
  count = var.alb_access_logs ? 1 : 0

  bucket = aws_s3_bucket.alb_logs[0].id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "alb_logs" {
  count = var.alb_access_logs && var.bucket_lifecycle_rules ? 1 : 0

  bucket = aws_s3_bucket.alb_logs[0].id
  rule {
    id     = "expire-alb-logs"
    status = "Enabled"
    filter {}
    expiration {
      days = 365
    }
  }
}

resource "aws_s3_bucket_policy" "alb_logs" {
  count = var.alb_access_logs ? 1 : 0

  bucket = aws_s3_bucket.alb_logs[0].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "ElbLogDelivery"
        Effect    = "Allow"
        Principal = { AWS = data.aws_elb_service_account.this[0].arn }
        Action    = "s3:PutObject"
        Resource  = "${aws_s3_bucket.alb_logs[0].arn}/alb/AWSLogs/*"
      },
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = [aws_s3_bucket.alb_logs[0].arn, "${aws_s3_bucket.alb_logs[0].arn}/*"]
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
    ]
  })

  depends_on = [aws_s3_bucket_public_access_block.alb_logs]
}

# ---------------------------------------------------------------------------------------------------------------------
# EFS: the update files, encrypted at rest and in transit, mounted through an access point by the instances' role.
# ---------------------------------------------------------------------------------------------------------------------

resource "aws_efs_file_system" "updates" {
  count = var.efs ? 1 : 0

  creation_token   = "${var.name}-updates"
  encrypted        = true
  kms_key_id       = var.kms_key_arn
  performance_mode = "generalPurpose"
  throughput_mode  = "elastic"

  lifecycle_policy {
    transition_to_ia = "AFTER_30_DAYS"
  }
  lifecycle_policy {
    transition_to_primary_storage_class = "AFTER_1_ACCESS"
  }

  tags = { Name = "${var.name}-updates" }
}

resource "aws_efs_backup_policy" "updates" {
  count = var.efs ? 1 : 0

  file_system_id = aws_efs_file_system.updates[0].id
  backup_policy {
    status = "ENABLED"
  }
}

resource "aws_efs_mount_target" "updates" {
  count = var.efs ? var.az_count : 0

  file_system_id  = aws_efs_file_system.updates[0].id
  subnet_id       = module.vpc.private_subnet_ids[count.index]
  security_groups = [aws_security_group.efs[0].id]
}

resource "aws_efs_access_point" "updates" {
  count = var.efs ? 1 : 0

  file_system_id = aws_efs_file_system.updates[0].id

  posix_user {
    uid = 1000
    gid = 1000
  }

  root_directory {
    path = "/updates"
    creation_info {
      owner_uid   = 1000
      owner_gid   = 1000
      permissions = "0755"
    }
  }

  tags = { Name = "${var.name}-updates" }
}

# Only TLS clients, only through the access point, never root, and only the web servers' role.
resource "aws_efs_file_system_policy" "updates" {
  count = var.efs && var.autoscaling ? 1 : 0

  file_system_id = aws_efs_file_system.updates[0].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = { AWS = "*" }
        Action    = "*"
        Resource  = aws_efs_file_system.updates[0].arn
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
      {
        Sid       = "WebServersThroughAccessPoint"
        Effect    = "Allow"
        Principal = { AWS = aws_iam_role.app[0].arn }
        Action    = ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"]
        Resource  = aws_efs_file_system.updates[0].arn
        Condition = { StringEquals = { "elasticfilesystem:AccessPointArn" = aws_efs_access_point.updates[0].arn } }
      },
    ]
  })
}

# ---------------------------------------------------------------------------------------------------------------------
# Web servers: Amazon Linux 2023 + nginx, IMDSv2 only, encrypted root volume, no SSH (Session Manager instead).
# ---------------------------------------------------------------------------------------------------------------------

data "aws_ssm_parameter" "al2023" {
  count = var.autoscaling ? 1 : 0
  name  = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-${var.architecture}"
}

resource "aws_iam_role" "app" {
  count = var.autoscaling ? 1 : 0

  name_prefix = "${var.name}-app-"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "ec2.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

# Session Manager instead of SSH keys and open port 22.
resource "aws_iam_role_policy_attachment" "app_ssm" {
  count = var.autoscaling ? 1 : 0

  role       = aws_iam_role.app[0].name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/AmazonSSMManagedInstanceCore"
}

resource "aws_iam_instance_profile" "app" {
  count = var.autoscaling ? 1 : 0

  name_prefix = "${var.name}-app-"
  role        = aws_iam_role.app[0].name
}

resource "aws_launch_template" "app" {
  count = var.autoscaling ? 1 : 0

  name_prefix            = "${var.name}-app-"
  image_id               = data.aws_ssm_parameter.al2023[0].insecure_value
  instance_type          = var.instance_type
  vpc_security_group_ids = [aws_security_group.app.id]
  update_default_version = true

  iam_instance_profile {
    arn = aws_iam_instance_profile.app[0].arn
  }

  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required" # IMDSv2 only
    http_put_response_hop_limit = 1
    instance_metadata_tags      = "disabled"
  }

  block_device_mappings {
    device_name = "/dev/xvda"
    ebs {
      volume_type           = "gp3"
      volume_size           = var.root_volume_size
      encrypted             = true
      kms_key_id            = var.kms_key_arn
      delete_on_termination = true
    }
  }

  monitoring {
    enabled = false
  }

  user_data = base64encode(templatefile("${path.module}/user_data.sh.tftpl", {
    docroot         = local.docroot
    file_system_id  = var.efs ? aws_efs_file_system.updates[0].id : ""
    access_point_id = var.efs ? aws_efs_access_point.updates[0].id : ""
    manifest_ttl    = var.manifest_ttl_seconds
  }))

  # default_tags do not reach tag specifications: the instances and volumes get them here (a test run's
  # refarch:test-run tag, so that make sweep-aws finds them).
  tag_specifications {
    resource_type = "instance"
    tags          = merge(var.tags, var.default_tags, { Name = "${var.name}-app" })
  }
  tag_specifications {
    resource_type = "volume"
    tags          = merge(var.tags, var.default_tags, { Name = "${var.name}-app" })
  }
}

resource "aws_autoscaling_group" "app" {
  count = var.autoscaling ? 1 : 0

  name_prefix               = "${var.name}-app-"
  vpc_zone_identifier       = module.vpc.private_subnet_ids
  min_size                  = var.asg.min
  max_size                  = var.asg.max
  desired_capacity          = var.asg.desired
  health_check_type         = "ELB"
  health_check_grace_period = 180
  target_group_arns         = [module.alb.target_group_arn]

  launch_template {
    id      = aws_launch_template.app[0].id
    version = aws_launch_template.app[0].latest_version
  }

  instance_refresh {
    strategy = "Rolling"
    preferences {
      min_healthy_percentage = 50
    }
  }

  # Nor do they reach the group itself (its instances are tagged by the launch template above).
  dynamic "tag" {
    for_each = merge(var.tags, var.default_tags, { Name = "${var.name}-app" })
    content {
      key                 = tag.key
      value               = tag.value
      propagate_at_launch = false
    }
  }

  # Instances mount EFS at boot: the mount targets must exist first.
  depends_on = [aws_efs_mount_target.updates, aws_efs_file_system_policy.updates]
}

# ---------------------------------------------------------------------------------------------------------------------
# CloudFront in front of the ALB
# ---------------------------------------------------------------------------------------------------------------------

module "updates" {
  source = "../../modules/software-updates"

  name                      = var.name
  origin_domain_name        = local.https ? var.origin_domain_name : module.alb.dns_name
  origin_protocol_policy    = local.https ? "https-only" : "http-only"
  allow_plain_http          = var.allow_plain_http
  origin_verify_secret      = local.origin_secret
  origin_shield_region      = var.region
  manifest_ttl_seconds      = var.manifest_ttl_seconds
  price_class               = var.price_class
  web_acl_arn               = var.web_acl_arn
  access_logs_force_destroy = var.access_logs_force_destroy # default true: an example is disposable
  bucket_ownership_controls = var.bucket_ownership_controls
  bucket_lifecycle_rules    = var.bucket_lifecycle_rules
  alarm_topic_arn           = local.alarm_topic_arn
  alarm_treat_missing_data  = var.alarm_treat_missing_data
  kms_key_rotation          = var.kms_key_rotation
}

# One alarm topic for the deployment: the ALB's alarms (5xx answers, unhealthy instances) in `region`, and the CDN's
# 5xx error rate, which exists only when `region` is us-east-1 (CloudFront's metrics are there). alarm_topic_arn
# brings your own.
module "alarm_topic" {
  source = "../../modules/alarm-topic"
  count  = var.alarm_topic_arn == null ? 1 : 0

  name             = "${var.name}-alarms"
  kms_key_rotation = var.kms_key_rotation
}

locals {
  alarm_topic_arn = var.alarm_topic_arn != null ? var.alarm_topic_arn : one(module.alarm_topic[*].topic_arn)
}

# modules/software-updates created the topic (in us-east-1) before the ALB had alarms: a state from then keeps it,
# with its subscriptions.
moved {
  from = module.updates.module.alarm_topic[0]
  to   = module.alarm_topic[0]
}
