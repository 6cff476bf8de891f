# Service A against mocked providers: the task definition's hardening (read-only root, non-root, no capabilities,
# awslogs with retention), private tasks without public IPs, the task and execution roles' exact policies, the table's
# protections, the autoscaling policies, the load balancer's HTTPS defaults (modules/alb), the sandbox switches and the
# input validation.
mock_provider "aws" {
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/svc-a-role", id = "svc-a-role", name = "svc-a-role" }
  }
  mock_resource "aws_security_group" {
    defaults = { id = "sg-0123456789abcdef0" }
  }
  mock_resource "aws_lb" {
    defaults = {
      arn        = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/svc-a-alb/50dc6c495c0c9188"
      arn_suffix = "app/svc-a-alb/50dc6c495c0c9188"
      dns_name   = "svc-a-alb-123.us-east-1.elb.amazonaws.com"
    }
  }
  mock_resource "aws_lb_target_group" {
    defaults = {
      arn        = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/svc-a-tg/73e2d6bc24d8a067"
      arn_suffix = "targetgroup/svc-a-tg/73e2d6bc24d8a067"
    }
  }
  mock_resource "aws_dynamodb_table" {
    defaults = { arn = "arn:aws:dynamodb:us-east-1:123456789012:table/svc-a-orders" }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:us-east-1:123456789012:log-group:/ecs/svc-a" }
  }
  mock_resource "aws_ecs_cluster" {
    defaults = { id = "arn:aws:ecs:us-east-1:123456789012:cluster/svc-a" }
  }
  mock_resource "aws_ecs_task_definition" {
    defaults = { arn = "arn:aws:ecs:us-east-1:123456789012:task-definition/svc-a:1" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_region" {
    defaults = { region = "us-east-1" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
}

variables {
  name               = "svc-a"
  vpc_id             = "vpc-0123456789abcdef0"
  vpc_cidr_block     = "10.0.0.0/16"
  public_subnet_ids  = ["subnet-0a", "subnet-0b"]
  private_subnet_ids = ["subnet-1a", "subnet-1b"]
  container          = { image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/orders:1.0" }
  certificate_arn    = "arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-0000-4000-8000-000000000000"
}

run "real_aws_defaults" {
  command = apply

  assert {
    condition     = jsondecode(aws_ecs_task_definition.this[0].container_definitions)[0].readonlyRootFilesystem == true && jsondecode(aws_ecs_task_definition.this[0].container_definitions)[0].user == "65532:65532" && jsondecode(aws_ecs_task_definition.this[0].container_definitions)[0].privileged == false && jsondecode(aws_ecs_task_definition.this[0].container_definitions)[0].linuxParameters.capabilities.drop == ["ALL"]
    error_message = "the container runs non-root on a read-only root file system without capabilities"
  }
  assert {
    condition     = jsondecode(aws_ecs_task_definition.this[0].container_definitions)[0].logConfiguration == { logDriver = "awslogs", options = { "awslogs-group" = "/ecs/svc-a", "awslogs-region" = "us-east-1", "awslogs-stream-prefix" = "app" } } && aws_cloudwatch_log_group.this.retention_in_days == 365
    error_message = "awslogs into the service's log group, which has a retention"
  }
  assert {
    condition     = jsondecode(aws_ecs_task_definition.this[0].container_definitions)[0].environment == [{ name = "AWS_REGION", value = "us-east-1" }, { name = "PORT", value = "8080" }, { name = "SERVICE_NAME", value = "svc-a" }, { name = "TABLE_NAME", value = "svc-a-orders" }]
    error_message = "the container gets its table, port and region"
  }
  assert {
    condition     = aws_ecs_task_definition.this[0].requires_compatibilities == toset(["FARGATE"]) && aws_ecs_task_definition.this[0].network_mode == "awsvpc" && one(aws_ecs_task_definition.this[0].runtime_platform).cpu_architecture == "ARM64" && aws_ecs_task_definition.this[0].task_role_arn == "arn:aws:iam::123456789012:role/svc-a-role"
    error_message = "a Fargate ARM64 task with its own task role"
  }
  assert {
    condition     = one(aws_ecs_service.this[0].network_configuration).assign_public_ip == false && one(aws_ecs_service.this[0].network_configuration).subnets == toset(["subnet-1a", "subnet-1b"]) && aws_ecs_service.this[0].launch_type == "FARGATE" && one(aws_ecs_service.this[0].deployment_circuit_breaker).rollback
    error_message = "tasks run in the private subnets without public IPs; failed deployments roll back"
  }
  assert {
    condition = jsondecode(local.task_policy).Statement == [{
      Sid      = "TableItems"
      Effect   = "Allow"
      Action   = ["dynamodb:BatchGetItem", "dynamodb:BatchWriteItem", "dynamodb:ConditionCheckItem", "dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem"]
      Resource = ["arn:aws:dynamodb:us-east-1:123456789012:table/svc-a-orders", "arn:aws:dynamodb:us-east-1:123456789012:table/svc-a-orders/index/*"]
    }]
    error_message = "the task role may use item actions on its own table and nothing else (no Scan, no table management)"
  }
  assert {
    condition = jsondecode(local.execution_policy).Statement == [
      { Sid = "WriteLogs", Effect = "Allow", Action = ["logs:CreateLogStream", "logs:PutLogEvents"], Resource = "arn:aws:logs:us-east-1:123456789012:log-group:/ecs/svc-a:log-stream:*" },
      { Sid = "EcrToken", Effect = "Allow", Action = ["ecr:GetAuthorizationToken"], Resource = "*" },
      { Sid = "PullImage", Effect = "Allow", Action = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"], Resource = "arn:aws:ecr:us-east-1:123456789012:repository/orders" },
    ]
    error_message = "the execution role may pull from the image's repository and write the log group, nothing else"
  }
  assert {
    condition     = jsondecode(aws_iam_role.task.assume_role_policy).Statement[0].Condition.StringEquals["aws:SourceAccount"] == "123456789012" && jsondecode(aws_iam_role.task.assume_role_policy).Statement[0].Principal.Service == "ecs-tasks.amazonaws.com"
    error_message = "only ECS tasks of this account assume the roles"
  }
  assert {
    condition     = aws_dynamodb_table.this.point_in_time_recovery[0].enabled && aws_dynamodb_table.this.server_side_encryption[0].enabled && aws_dynamodb_table.this.billing_mode == "PAY_PER_REQUEST" && aws_dynamodb_table.this.hash_key == "id"
    error_message = "the table has PITR and KMS encryption, on demand"
  }
  assert {
    condition     = aws_dynamodb_table.this.deletion_protection_enabled
    error_message = "the table is protected from deletion by default"
  }
  assert {
    condition     = one(aws_ecs_cluster.this.setting).name == "containerInsights" && one(aws_ecs_cluster.this.setting).value == "enabled"
    error_message = "Container Insights on the cluster"
  }
  assert {
    condition     = aws_appautoscaling_target.this[0].min_capacity == 2 && aws_appautoscaling_target.this[0].max_capacity == 10 && aws_appautoscaling_target.this[0].resource_id == "service/svc-a/svc-a" && one(aws_appautoscaling_policy.cpu[0].target_tracking_scaling_policy_configuration).target_value == 50 && one(one(aws_appautoscaling_policy.cpu[0].target_tracking_scaling_policy_configuration).predefined_metric_specification).predefined_metric_type == "ECSServiceAverageCPUUtilization" && length(aws_appautoscaling_policy.requests) == 0
    error_message = "2-10 tasks, target tracking on CPU (50 %), no request-count policy by default"
  }
  assert {
    condition     = one(aws_security_group.tasks.ingress).security_groups == toset(["sg-0123456789abcdef0"]) && one(aws_security_group.tasks.ingress).from_port == 8080
    error_message = "the tasks admit the container port from the load balancer's security group only"
  }
  assert {
    condition     = module.alb.listeners == { https = { ssl_policy = "ELBSecurityPolicy-TLS13-1-2-2021-06", certificate_arn = "arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-0000-4000-8000-000000000000" }, http = "redirect" } && output.url == "https://svc-a-alb-123.us-east-1.elb.amazonaws.com"
    error_message = "HTTPS on 443 with the certificate and the TLS 1.3/1.2 policy; port 80 only redirects (modules/alb)"
  }
  assert {
    condition     = module.alb.deletion_protection && aws_dynamodb_table.this.deletion_protection_enabled
    error_message = "deletion protection on the load balancer and the table by default"
  }
  assert {
    condition     = output.target_group_arn == "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/svc-a-tg/73e2d6bc24d8a067" && one(aws_ecs_service.this[0].load_balancer).target_group_arn == output.target_group_arn && one(aws_ecs_service.this[0].load_balancer).container_port == 8080
    error_message = "the service registers its tasks in the load balancer's target group"
  }
}

run "no_certificate_refused" {
  command = plan

  variables {
    certificate_arn = null
  }

  expect_failures = [var.allow_plain_http]
}

run "plain_http_only_when_allowed" {
  command = apply

  variables {
    certificate_arn     = null
    allow_plain_http    = true
    deletion_protection = false
  }

  assert {
    condition     = module.alb.listeners.https == null && module.alb.listeners.http == "forward" && output.url == "http://svc-a-alb-123.us-east-1.elb.amazonaws.com"
    error_message = "allow_plain_http without a certificate: port 80 forwards, no HTTPS listener"
  }
  assert {
    condition     = !module.alb.deletion_protection && !aws_dynamodb_table.this.deletion_protection_enabled
    error_message = "deletion_protection = false reaches the load balancer and the table"
  }
}

run "requests_and_public_image" {
  command = apply

  variables {
    container           = { image = "public.ecr.aws/docker/library/busybox:stable", architecture = "X86_64", cpu = 512, memory = 1024 }
    scaling             = { request_count_target = 1000 }
    additional_policies = { publish = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sns:Publish", Resource = "arn:aws:sns:us-east-1:123456789012:events" }] }) }
  }

  assert {
    condition     = length(jsondecode(local.execution_policy).Statement) == 1
    error_message = "an image outside ECR needs no ECR permissions"
  }
  assert {
    condition     = one(one(aws_appautoscaling_policy.requests[0].target_tracking_scaling_policy_configuration).predefined_metric_specification).resource_label == "app/svc-a-alb/50dc6c495c0c9188/targetgroup/svc-a-tg/73e2d6bc24d8a067"
    error_message = "the request-count policy tracks this ALB's target group"
  }
  assert {
    condition     = aws_iam_role_policy.additional["publish"].role == "svc-a-role"
    error_message = "additional policies go to the task role"
  }
}

run "sandbox_switches" {
  command = apply

  variables {
    tasks                     = false
    container_insights        = false
    security_group_references = false
    point_in_time_recovery    = false
    table_encryption          = "AWS_OWNED"
    deletion_protection       = false
  }

  assert {
    condition     = length(aws_ecs_task_definition.this) == 0 && length(aws_ecs_service.this) == 0 && length(aws_appautoscaling_target.this) == 0 && length(aws_ecs_cluster.this.setting) == 0 && length(aws_dynamodb_table.this.server_side_encryption) == 0
    error_message = "the sandbox leaves out what kumo cannot apply"
  }
  assert {
    condition     = !aws_dynamodb_table.this.deletion_protection_enabled
    error_message = "a disposable deployment opts out of the table's deletion protection"
  }
  assert {
    condition     = one(aws_security_group.tasks.ingress).cidr_blocks == tolist(["10.0.0.0/16"])
    error_message = "without security-group references the VPC CIDR is the source"
  }
}

run "invalid_fargate_size" {
  command = plan
  variables {
    container = { image = "orders:1", cpu = 256, memory = 4096 }
  }
  expect_failures = [var.container]
}

run "root_user_refused" {
  command = plan
  variables {
    container = { image = "orders:1", user = "0:0" }
  }
  expect_failures = [var.container]
}

run "too_few_private_subnets" {
  command = plan
  variables {
    private_subnet_ids = ["subnet-1a"]
  }
  expect_failures = [var.private_subnet_ids]
}

run "invalid_scaling" {
  command = plan
  variables {
    scaling = { min_tasks = 5, max_tasks = 2 }
  }
  expect_failures = [var.scaling]
}

run "invalid_vpc_cidr" {
  command = plan
  variables {
    vpc_cidr_block = "10.0.0.0/33"
  }
  expect_failures = [var.vpc_cidr_block]
}
