# Microservices (architecture 173), service A: an Application Load Balancer in front of an ECS service on Fargate in
# private subnets, which keeps its data in a DynamoDB table.
#   - tasks: read-only root file system, non-root user, all Linux capabilities dropped, no public IP, awslogs with
#     retention; the task role may use only item actions on its own table, the execution role only pull its image and
#     write its log group;
#   - the table: on-demand, point-in-time recovery, KMS encryption;
#   - Application Auto Scaling target tracking on CPU (and optionally requests per target).

data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

locals {
  # An ECR image ("<account>.dkr.ecr.<region>.amazonaws.com/<repo>[:tag|@digest]") lets the execution role pull from
  # that one repository; images from elsewhere (public registries) need no ECR permissions.
  ecr            = regex("^(?:([0-9]{12})\\.dkr\\.ecr\\.([a-z0-9-]+)\\.amazonaws\\.com(?:\\.cn)?/([^:@]+))?", var.container.image)
  ecr_repository = local.ecr[0] == null ? null : "arn:${data.aws_partition.current.partition}:ecr:${local.ecr[1]}:${local.ecr[0]}:repository/${local.ecr[2]}"

  log_group_name = "/ecs/${var.name}"
  environment = merge(var.container.environment, {
    TABLE_NAME   = aws_dynamodb_table.this.name
    PORT         = tostring(var.container.port)
    AWS_REGION   = data.aws_region.current.region
    SERVICE_NAME = var.name
  })
}

# ---------------------------------------------------------------------------------------------------------------------
# Security group of the tasks (the load balancer's is modules/alb's)
# ---------------------------------------------------------------------------------------------------------------------

# HTTPS egress to any address: AWS APIs are reached through the NAT gateway unless the VPC has endpoints for all of
# them. See README, scanner findings.
#trivy:ignore:AWS-0104
resource "aws_security_group" "tasks" {
  name_prefix = "${var.name}-tasks-"
  description = "${var.name} tasks: load balancer in, HTTPS out"
  vpc_id      = var.vpc_id

  ingress {
    description     = "Container port from the load balancer"
    protocol        = "tcp"
    from_port       = var.container.port
    to_port         = var.container.port
    security_groups = var.security_group_references ? [module.alb.security_group_id] : null
    cidr_blocks     = var.security_group_references ? null : [var.vpc_cidr_block]
  }

  egress {
    description = "HTTPS to AWS APIs (ECR, CloudWatch Logs, DynamoDB) through the NAT gateway or VPC endpoints"
    protocol    = "tcp"
    from_port   = 443
    to_port     = 443
    cidr_blocks = ["0.0.0.0/0"]
  }

  tags = merge(var.tags, { Name = "${var.name}-tasks" })

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
  target                   = { type = "ip", port = var.container.port, health_check_path = var.container.health_check_path }
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
# Data: DynamoDB table (partition key `id`)
# ---------------------------------------------------------------------------------------------------------------------

resource "aws_dynamodb_table" "this" {
  name                        = "${var.name}-orders"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "id"
  deletion_protection_enabled = var.deletion_protection

  attribute {
    name = "id"
    type = "S"
  }

  dynamic "server_side_encryption" {
    for_each = var.kms_key_arn != null || var.table_encryption == "AWS_MANAGED" ? [1] : []
    content {
      enabled     = true
      kms_key_arn = var.kms_key_arn
    }
  }

  point_in_time_recovery {
    enabled = var.point_in_time_recovery
  }

  tags = var.tags
}

# ---------------------------------------------------------------------------------------------------------------------
# Cluster, logs, roles
# ---------------------------------------------------------------------------------------------------------------------

resource "aws_ecs_cluster" "this" {
  name = var.name

  dynamic "setting" {
    for_each = var.container_insights ? [1] : []
    content {
      name  = "containerInsights"
      value = "enabled"
    }
  }

  tags = var.tags
}

resource "aws_cloudwatch_log_group" "this" {
  name              = local.log_group_name
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
  tags              = var.tags
}

locals {
  # ECS may assume the roles only for tasks of this account (confused-deputy protection).
  ecs_tasks_trust = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "ecs-tasks.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = {
        ArnLike      = { "aws:SourceArn" = "arn:${data.aws_partition.current.partition}:ecs:${data.aws_region.current.region}:${data.aws_caller_identity.current.account_id}:*" }
        StringEquals = { "aws:SourceAccount" = data.aws_caller_identity.current.account_id }
      }
    }]
  })

  # The task's own permissions: item actions on its table, nothing else (no Scan, no table management).
  task_policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      [{
        Sid    = "TableItems"
        Effect = "Allow"
        Action = [
          "dynamodb:BatchGetItem",
          "dynamodb:BatchWriteItem",
          "dynamodb:ConditionCheckItem",
          "dynamodb:DeleteItem",
          "dynamodb:GetItem",
          "dynamodb:PutItem",
          "dynamodb:Query",
          "dynamodb:UpdateItem",
        ]
        Resource = [aws_dynamodb_table.this.arn, "${aws_dynamodb_table.this.arn}/index/*"]
      }],
      var.kms_key_arn == null ? [] : [{
        Sid       = "TableKey"
        Effect    = "Allow"
        Action    = ["kms:Decrypt", "kms:GenerateDataKey"]
        Resource  = var.kms_key_arn
        Condition = { StringEquals = { "kms:ViaService" = "dynamodb.${data.aws_region.current.region}.amazonaws.com" } }
      }],
    )
  })

  # What ECS needs to start a task: pull the image (ECR only) and write the log group. An inline policy instead of
  # AmazonECSTaskExecutionRolePolicy, which allows every repository and log group.
  execution_policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      [{
        Sid      = "WriteLogs"
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
        Resource = "${aws_cloudwatch_log_group.this.arn}:log-stream:*"
      }],
      local.ecr_repository == null ? [] : [
        {
          Sid      = "EcrToken"
          Effect   = "Allow"
          Action   = ["ecr:GetAuthorizationToken"]
          Resource = "*"
        },
        {
          Sid      = "PullImage"
          Effect   = "Allow"
          Action   = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
          Resource = local.ecr_repository
        },
      ],
    )
  })
}

resource "aws_iam_role" "task" {
  name_prefix        = "${var.name}-task-"
  description        = "${var.name} tasks: the app's own permissions"
  assume_role_policy = local.ecs_tasks_trust
  tags               = var.tags
}

resource "aws_iam_role_policy" "task" {
  name   = "table"
  role   = aws_iam_role.task.id
  policy = local.task_policy
}

resource "aws_iam_role" "execution" {
  name_prefix        = "${var.name}-exec-"
  description        = "${var.name}: ECS pulls the image and writes logs"
  assume_role_policy = local.ecs_tasks_trust
  tags               = var.tags
}

resource "aws_iam_role_policy" "execution" {
  name   = "pull-and-log"
  role   = aws_iam_role.execution.id
  policy = local.execution_policy
}

# ---------------------------------------------------------------------------------------------------------------------
# Task definition and service
# ---------------------------------------------------------------------------------------------------------------------

resource "aws_ecs_task_definition" "this" {
  count                    = var.tasks ? 1 : 0
  family                   = var.name
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.container.cpu
  memory                   = var.container.memory
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.task.arn

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = var.container.architecture
  }

  container_definitions = jsonencode([{
    name                   = "app"
    image                  = var.container.image
    essential              = true
    user                   = var.container.user
    readonlyRootFilesystem = true
    privileged             = false
    portMappings           = [{ containerPort = var.container.port, protocol = "tcp" }]
    environment            = [for k in sort(keys(local.environment)) : { name = k, value = local.environment[k] }]
    linuxParameters = {
      initProcessEnabled = true
      capabilities       = { drop = ["ALL"] }
    }
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        "awslogs-group"         = aws_cloudwatch_log_group.this.name
        "awslogs-region"        = data.aws_region.current.region
        "awslogs-stream-prefix" = "app"
      }
    }
  }])

  tags = var.tags
}

resource "aws_ecs_service" "this" {
  count                             = var.tasks ? 1 : 0
  name                              = var.name
  cluster                           = aws_ecs_cluster.this.id
  task_definition                   = aws_ecs_task_definition.this[0].arn
  desired_count                     = var.scaling.min_tasks
  launch_type                       = "FARGATE"
  platform_version                  = "LATEST"
  health_check_grace_period_seconds = 60
  enable_execute_command            = false
  propagate_tags                    = "SERVICE"

  network_configuration {
    subnets          = var.private_subnet_ids
    security_groups  = [aws_security_group.tasks.id]
    assign_public_ip = false
  }

  load_balancer {
    target_group_arn = module.alb.target_group_arn
    container_name   = "app"
    container_port   = var.container.port
  }

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  tags = var.tags

  # Application Auto Scaling owns the task count after the first deployment.
  lifecycle {
    ignore_changes = [desired_count]
  }

  depends_on = [module.alb, aws_iam_role_policy.task, aws_iam_role_policy.execution]
}

resource "aws_appautoscaling_target" "this" {
  count              = var.tasks ? 1 : 0
  service_namespace  = "ecs"
  scalable_dimension = "ecs:service:DesiredCount"
  resource_id        = "service/${aws_ecs_cluster.this.name}/${aws_ecs_service.this[0].name}"
  min_capacity       = var.scaling.min_tasks
  max_capacity       = var.scaling.max_tasks
  tags               = var.tags
}

resource "aws_appautoscaling_policy" "cpu" {
  count              = var.tasks ? 1 : 0
  name               = "${var.name}-cpu"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.this[0].service_namespace
  scalable_dimension = aws_appautoscaling_target.this[0].scalable_dimension
  resource_id        = aws_appautoscaling_target.this[0].resource_id

  target_tracking_scaling_policy_configuration {
    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageCPUUtilization"
    }
    target_value       = var.scaling.cpu_target_percent
    scale_in_cooldown  = 120
    scale_out_cooldown = 60
  }
}

resource "aws_appautoscaling_policy" "requests" {
  count              = var.tasks && var.scaling.request_count_target != null ? 1 : 0
  name               = "${var.name}-requests"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.this[0].service_namespace
  scalable_dimension = aws_appautoscaling_target.this[0].scalable_dimension
  resource_id        = aws_appautoscaling_target.this[0].resource_id

  target_tracking_scaling_policy_configuration {
    predefined_metric_specification {
      predefined_metric_type = "ALBRequestCountPerTarget"
      resource_label         = "${module.alb.arn_suffix}/${module.alb.target_group_arn_suffix}"
    }
    target_value       = var.scaling.request_count_target
    scale_in_cooldown  = 120
    scale_out_cooldown = 60
  }
}

resource "aws_iam_role_policy" "additional" {
  for_each = var.additional_policies
  name     = each.key
  role     = aws_iam_role.task.id
  policy   = each.value
}
