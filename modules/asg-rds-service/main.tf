# Microservices (architecture 173), service C: an internet-facing Application Load Balancer in front of an EC2 Auto
# Scaling group in private subnets, which talks to RDS for PostgreSQL.
#   - instances: launch template with IMDSv2 only (hop limit 1), encrypted gp3 root volume, no public IP, an instance
#     profile that may use Session Manager (AmazonSSMManagedInstanceCore) and read the database secret, nothing else
#     (plus the one S3 object that is the app);
#   - database: storage encrypted, private subnet group, not publicly accessible, automated backups, the master
#     password created and rotated by RDS in Secrets Manager (manage_master_user_password) so it is never in state;
#   - target tracking on CPU (and optionally requests per target).

data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  # Graviton families have a "g" after the generation digit (t4g, m7g, c8g, r6g, ...).
  architecture = can(regex("^[a-z]+[0-9]+[a-z]*g[a-z]*\\.", var.instances.instance_type)) ? "arm64" : "x86_64"
  ami_id       = var.instances.ami_id != null ? var.instances.ami_id : try(nonsensitive(data.aws_ssm_parameter.al2023[0].insecure_value), null)

  artifact_bucket = regex("^s3://([^/]+)/(.+)$", var.app.artifact_s3_uri)[0]
  artifact_key    = regex("^s3://([^/]+)/(.+)$", var.app.artifact_s3_uri)[1]
  artifact_arn    = "arn:${data.aws_partition.current.partition}:s3:::${local.artifact_bucket}/${local.artifact_key}"

  db_identifier = "${var.name}-db"
  db_secret_arn = var.manage_master_user_password ? try(aws_db_instance.this[0].master_user_secret[0].secret_arn, null) : aws_secretsmanager_secret.db[0].arn

  # What the app gets (systemd EnvironmentFile on the instances); the harness runs it with the same in the sandbox.
  app_environment = { for k, v in merge(var.app.environment, {
    PORT          = tostring(var.app.port)
    AWS_REGION    = data.aws_region.current.region
    SERVICE_NAME  = var.name
    DB_HOST       = try(aws_db_instance.this[0].address, null)
    DB_PORT       = try(tostring(aws_db_instance.this[0].port), null)
    DB_NAME       = var.database.db_name
    DB_SECRET_ARN = local.db_secret_arn
    DB_SSLMODE    = "require"
  }) : k => v if v != null }
}

# ---------------------------------------------------------------------------------------------------------------------
# Security groups: (load balancer, modules/alb) → instances → database
# ---------------------------------------------------------------------------------------------------------------------

# Inline rules: the sandbox's EC2 cannot read standalone rules (DescribeSecurityGroupRules), and inline rules are
# exactly the set each group should have.

# HTTPS egress to any address: AWS APIs are reached through the NAT gateway unless the VPC has endpoints for all of
# them. See README, scanner findings.
#trivy:ignore:AWS-0104
resource "aws_security_group" "app" {
  name_prefix = "${var.name}-app-"
  description = "${var.name} instances: load balancer in; HTTPS and the database out"
  vpc_id      = var.vpc_id

  ingress {
    description     = "App port from the load balancer"
    protocol        = "tcp"
    from_port       = var.app.port
    to_port         = var.app.port
    security_groups = var.security_group_references ? [module.alb.security_group_id] : null
    cidr_blocks     = var.security_group_references ? null : [var.vpc_cidr_block]
  }

  egress {
    description = "HTTPS to AWS APIs (Systems Manager, Secrets Manager, S3) through the NAT gateway or VPC endpoints"
    protocol    = "tcp"
    from_port   = 443
    to_port     = 443
    cidr_blocks = ["0.0.0.0/0"]
  }

  egress {
    description = "PostgreSQL inside the VPC"
    protocol    = "tcp"
    from_port   = 5432
    to_port     = 5432
    cidr_blocks = [var.vpc_cidr_block]
  }

  tags = merge(var.tags, { Name = "${var.name}-app" })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_security_group" "db" {
  name_prefix = "${var.name}-db-"
  description = "${var.name} database: PostgreSQL from the instances only"
  vpc_id      = var.vpc_id

  ingress {
    description     = "PostgreSQL from the instances"
    protocol        = "tcp"
    from_port       = 5432
    to_port         = 5432
    security_groups = var.security_group_references ? [aws_security_group.app.id] : null
    cidr_blocks     = var.security_group_references ? null : [var.vpc_cidr_block]
  }
  # No egress rules: the database starts no connections.

  tags = merge(var.tags, { Name = "${var.name}-db" })

  lifecycle {
    create_before_destroy = true
  }
}

# ---------------------------------------------------------------------------------------------------------------------
# Load balancer
# ---------------------------------------------------------------------------------------------------------------------

# HTTPS with certificate_arn (port 80 only redirects); plain HTTP only with allow_plain_http. See modules/alb.
module "alb" {
  source = "../alb"

  name                     = var.name
  vpc_id                   = var.vpc_id
  vpc_cidr_block           = var.vpc_cidr_block
  subnet_ids               = var.public_subnet_ids
  internal                 = var.internal
  ingress_cidr_blocks      = var.ingress_cidr_blocks
  certificate_arn          = var.certificate_arn
  ssl_policy               = var.ssl_policy
  allow_plain_http         = var.allow_plain_http
  access_logs_bucket       = var.access_logs_bucket
  deletion_protection      = var.deletion_protection
  alarm_topic_arn          = var.alarm_topic_arn
  alarm_treat_missing_data = var.alarm_treat_missing_data
  target                   = { type = "instance", port = var.app.port, health_check_path = var.app.health_check_path }
  tags                     = var.tags
}

# The load balancer used to be this module's own: an existing state keeps every resource.
moved {
  from = aws_security_group.alb
  to   = module.alb.aws_security_group.this
}

moved {
  from = aws_lb.this
  to   = module.alb.aws_lb.this
}

moved {
  from = aws_lb_target_group.this
  to   = module.alb.aws_lb_target_group.this
}

moved {
  from = aws_lb_listener.https
  to   = module.alb.aws_lb_listener.https
}

moved {
  from = aws_lb_listener.http
  to   = module.alb.aws_lb_listener.http
}

# ---------------------------------------------------------------------------------------------------------------------
# Instance role: Session Manager, the database secret, the app's artifact — nothing else
# ---------------------------------------------------------------------------------------------------------------------

resource "aws_iam_role" "instance" {
  name_prefix = "${var.name}-instance-"
  description = "${var.name} EC2 instances"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "ec2.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
  tags = var.tags
}

resource "aws_iam_role_policy_attachment" "ssm" {
  count      = var.ssm_managed_policy ? 1 : 0
  role       = aws_iam_role.instance.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/AmazonSSMManagedInstanceCore"
}

locals {
  instance_policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      local.db_secret_arn == null ? [] : [{
        Sid      = "ReadDatabaseSecret"
        Effect   = "Allow"
        Action   = ["secretsmanager:GetSecretValue"]
        Resource = local.db_secret_arn
      }],
      [{
        Sid      = "ReadAppArtifact"
        Effect   = "Allow"
        Action   = ["s3:GetObject"]
        Resource = local.artifact_arn
      }],
      var.database.kms_key_arn == null ? [] : [{
        Sid       = "DecryptDatabaseSecret"
        Effect    = "Allow"
        Action    = ["kms:Decrypt"]
        Resource  = var.database.kms_key_arn
        Condition = { StringEquals = { "kms:ViaService" = "secretsmanager.${data.aws_region.current.region}.amazonaws.com" } }
      }],
    )
  })
}

resource "aws_iam_role_policy" "instance" {
  name   = "app"
  role   = aws_iam_role.instance.id
  policy = local.instance_policy
}

resource "aws_iam_instance_profile" "this" {
  name_prefix = "${var.name}-"
  role        = aws_iam_role.instance.name
  tags        = var.tags
}

# ---------------------------------------------------------------------------------------------------------------------
# Launch template and Auto Scaling group
# ---------------------------------------------------------------------------------------------------------------------

data "aws_ssm_parameter" "al2023" {
  count = var.compute && var.instances.ami_id == null ? 1 : 0
  name  = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-${local.architecture}"
}

# The provider's default_tags (a team's cost tags, a real-AWS test run's refarch:test-run tag) reach neither the
# launch template's tag specifications nor the Auto Scaling group's tags: what the group launches gets them here.
# Read without a count (it makes no AWS call): with `count = var.compute ? 1 : 0`, Terraform 1.15's `terraform test`
# stopped before the first run with "Reference to uninitialized variable" in allow_plain_http's validation.
data "aws_default_tags" "current" {}

locals {
  launched_tags = merge(data.aws_default_tags.current.tags, var.tags, { Name = var.name })
}

resource "aws_launch_template" "this" {
  count                  = var.compute ? 1 : 0
  name_prefix            = "${var.name}-"
  description            = "${var.name} app instances"
  image_id               = local.ami_id
  instance_type          = var.instances.instance_type
  update_default_version = true
  ebs_optimized          = true

  iam_instance_profile {
    arn = aws_iam_instance_profile.this.arn
  }

  network_interfaces {
    associate_public_ip_address = false
    delete_on_termination       = true
    security_groups             = [aws_security_group.app.id]
  }

  # IMDSv2 only, and only for processes on the instance itself (hop limit 1: no container or proxy can reach it).
  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
    instance_metadata_tags      = "disabled"
  }

  block_device_mappings {
    device_name = "/dev/xvda"
    ebs {
      volume_size           = var.instances.root_volume_gb
      volume_type           = "gp3"
      encrypted             = true
      delete_on_termination = true
    }
  }

  monitoring {
    enabled = true
  }

  user_data = base64encode(templatefile("${path.module}/user_data.sh.tftpl", {
    artifact_s3_uri = var.app.artifact_s3_uri
    environment     = local.app_environment
  }))

  tag_specifications {
    resource_type = "instance"
    tags          = local.launched_tags
  }

  tag_specifications {
    resource_type = "volume"
    tags          = local.launched_tags
  }

  tags = var.tags
}

resource "aws_autoscaling_group" "this" {
  count                     = var.compute ? 1 : 0
  name_prefix               = "${var.name}-"
  vpc_zone_identifier       = var.private_subnet_ids
  min_size                  = var.instances.min_size
  max_size                  = var.instances.max_size
  health_check_type         = "ELB"
  health_check_grace_period = 180
  target_group_arns         = [module.alb.target_group_arn]
  default_instance_warmup   = 120
  enabled_metrics           = ["GroupDesiredCapacity", "GroupInServiceInstances", "GroupMinSize", "GroupMaxSize", "GroupTotalInstances"]

  launch_template {
    id      = aws_launch_template.this[0].id
    version = aws_launch_template.this[0].latest_version
  }

  # A new launch template version (new AMI, new app settings) replaces the instances gradually.
  instance_refresh {
    strategy = "Rolling"
    preferences {
      min_healthy_percentage = 50
    }
  }

  dynamic "tag" {
    for_each = local.launched_tags
    content {
      key                 = tag.key
      value               = tag.value
      propagate_at_launch = true
    }
  }

  # The instances need the database (and its secret) when they boot.
  depends_on = [aws_db_instance.this, aws_iam_role_policy.instance]
}

resource "aws_autoscaling_policy" "cpu" {
  count                  = var.compute ? 1 : 0
  name                   = "${var.name}-cpu"
  autoscaling_group_name = aws_autoscaling_group.this[0].name
  policy_type            = "TargetTrackingScaling"

  target_tracking_configuration {
    predefined_metric_specification {
      predefined_metric_type = "ASGAverageCPUUtilization"
    }
    target_value = var.instances.cpu_target_percent
  }
}

resource "aws_autoscaling_policy" "requests" {
  count                  = var.compute && var.instances.request_count_target != null ? 1 : 0
  name                   = "${var.name}-requests"
  autoscaling_group_name = aws_autoscaling_group.this[0].name
  policy_type            = "TargetTrackingScaling"

  target_tracking_configuration {
    predefined_metric_specification {
      predefined_metric_type = "ALBRequestCountPerTarget"
      resource_label         = "${module.alb.arn_suffix}/${module.alb.target_group_arn_suffix}"
    }
    target_value = var.instances.request_count_target
  }
}

# ---------------------------------------------------------------------------------------------------------------------
# Database: RDS for PostgreSQL
# ---------------------------------------------------------------------------------------------------------------------

resource "aws_db_subnet_group" "this" {
  count       = var.db_instance ? 1 : 0
  name        = local.db_identifier
  description = "${var.name} database: private subnets"
  subnet_ids  = var.private_subnet_ids
  tags        = var.tags
}

# RDS would create these without an expiry; created first, they get the retention.
resource "aws_cloudwatch_log_group" "db" {
  for_each          = var.db_instance ? toset(["postgresql", "upgrade"]) : toset([])
  name              = "/aws/rds/instance/${local.db_identifier}/${each.key}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.database.kms_key_arn
  tags              = var.tags
}

resource "aws_db_instance" "this" {
  count          = var.db_instance ? 1 : 0
  identifier     = local.db_identifier
  engine         = "postgres"
  engine_version = var.database.engine_version
  instance_class = var.database.instance_class
  db_name        = var.database.db_name
  username       = var.database.username

  # RDS creates the password, keeps it in Secrets Manager (rotating it every 7 days) and never returns it: it is not
  # in the state. The app reads the secret by ARN.
  manage_master_user_password   = var.manage_master_user_password ? true : null
  master_user_secret_kms_key_id = var.manage_master_user_password ? var.database.kms_key_arn : null

  allocated_storage     = var.database.allocated_storage_gb
  max_allocated_storage = var.database.max_allocated_storage_gb
  storage_type          = "gp3"
  storage_encrypted     = true
  kms_key_id            = var.database.kms_key_arn

  db_subnet_group_name   = aws_db_subnet_group.this[0].name
  vpc_security_group_ids = [aws_security_group.db.id]
  publicly_accessible    = false
  multi_az               = var.database.multi_az
  ca_cert_identifier     = "rds-ca-rsa2048-g1"

  backup_retention_period   = var.database.backup_retention_days
  backup_window             = "03:00-03:30"
  maintenance_window        = "sun:04:00-sun:04:30"
  copy_tags_to_snapshot     = true
  delete_automated_backups  = false
  deletion_protection       = var.deletion_protection
  skip_final_snapshot       = !var.database.final_snapshot
  final_snapshot_identifier = var.database.final_snapshot ? "${local.db_identifier}-final" : null

  auto_minor_version_upgrade            = true
  enabled_cloudwatch_logs_exports       = ["postgresql", "upgrade"]
  performance_insights_enabled          = var.database.performance_insights
  performance_insights_kms_key_id       = var.database.performance_insights ? var.database.kms_key_arn : null
  performance_insights_retention_period = var.database.performance_insights ? 7 : null

  tags       = var.tags
  depends_on = [aws_cloudwatch_log_group.db]
}

# Only without RDS-managed credentials (the local sandbox): an empty secret of the same shape, filled by the harness.
resource "aws_secretsmanager_secret" "db" {
  count                   = var.manage_master_user_password ? 0 : 1
  name_prefix             = "${var.name}-db-master-"
  description             = "${var.name} database master user ({\"username\", \"password\"})"
  kms_key_id              = var.database.kms_key_arn
  recovery_window_in_days = var.secret_recovery_window_days
  tags                    = var.tags
}

resource "aws_iam_role_policy" "additional" {
  for_each = var.additional_policies
  name     = each.key
  role     = aws_iam_role.instance.id
  policy   = each.value
}
