# Service C against mocked providers: IMDSv2 only with hop limit 1, encrypted root volumes, no public IPs, the
# instance role's exact policy, the database's protections (encrypted, private, RDS-managed password, backups),
# the scaling policies, the load balancer's HTTPS defaults (modules/alb), the sandbox switches and the input validation.
mock_provider "aws" {
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/svc-c-instance", name = "svc-c-instance", id = "svc-c-instance" }
  }
  mock_resource "aws_iam_instance_profile" {
    defaults = { arn = "arn:aws:iam::123456789012:instance-profile/svc-c" }
  }
  mock_resource "aws_security_group" {
    defaults = { id = "sg-0123456789abcdef0" }
  }
  mock_resource "aws_lb" {
    defaults = {
      arn        = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/svc-c-alb/50dc6c495c0c9188"
      arn_suffix = "app/svc-c-alb/50dc6c495c0c9188"
      dns_name   = "svc-c-alb-123.us-east-1.elb.amazonaws.com"
    }
  }
  mock_resource "aws_lb_target_group" {
    defaults = {
      arn        = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/svc-c-tg/73e2d6bc24d8a067"
      arn_suffix = "targetgroup/svc-c-tg/73e2d6bc24d8a067"
    }
  }
  mock_data "aws_default_tags" {
    defaults = { tags = { "refarch:test-run" = "r20261205t1600-abc", "cost-center" = "ops" } }
  }
  mock_resource "aws_launch_template" {
    defaults = { id = "lt-0123456789abcdef0", latest_version = 1 }
  }
  mock_resource "aws_db_instance" {
    defaults = {
      address = "svc-c-db.abc.us-east-1.rds.amazonaws.com"
      port    = 5432
      master_user_secret = [{
        secret_arn    = "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-0123-AbCdEf"
        kms_key_id    = "arn:aws:kms:us-east-1:123456789012:key/aws-secretsmanager"
        secret_status = "active"
      }]
    }
  }
  mock_resource "aws_secretsmanager_secret" {
    defaults = { arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:svc-c-db-master-AbCdEf" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_region" {
    defaults = { region = "us-east-1" }
  }
  mock_data "aws_ssm_parameter" {
    defaults = { insecure_value = "ami-0123456789abcdef0", value = "ami-0123456789abcdef0" }
  }
}

variables {
  name               = "svc-c"
  vpc_id             = "vpc-0123456789abcdef0"
  vpc_cidr_block     = "10.0.0.0/16"
  public_subnet_ids  = ["subnet-0a", "subnet-0b"]
  private_subnet_ids = ["subnet-1a", "subnet-1b"]
  app                = { artifact_s3_uri = "s3://artifacts-bucket/orders/orders-arm64" }
  certificate_arn    = "arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-0000-4000-8000-000000000000"
}

run "real_aws_defaults" {
  command = apply

  assert {
    condition     = alltrue([for ts in aws_launch_template.this[0].tag_specifications : ts.tags == tomap({ "refarch:test-run" = "r20261205t1600-abc", "cost-center" = "ops", Name = "svc-c" })]) && length(aws_launch_template.this[0].tag_specifications) == 2 && toset([for t in aws_autoscaling_group.this[0].tag : "${t.key}=${t.value}" if t.propagate_at_launch]) == toset(["refarch:test-run=r20261205t1600-abc", "cost-center=ops", "Name=svc-c"])
    error_message = "the provider's default_tags reach the instances and volumes the group launches (launch template and group tags)"
  }

  # Instances: IMDSv2 only, reachable only from the instance itself; encrypted root volume; no public IP.
  assert {
    condition     = one(aws_launch_template.this[0].metadata_options).http_tokens == "required" && one(aws_launch_template.this[0].metadata_options).http_put_response_hop_limit == 1 && one(aws_launch_template.this[0].metadata_options).http_endpoint == "enabled"
    error_message = "the launch template must require IMDSv2 with a hop limit of 1"
  }
  assert {
    condition     = one(aws_launch_template.this[0].network_interfaces).associate_public_ip_address == "false" && one(aws_launch_template.this[0].network_interfaces).security_groups == toset(["sg-0123456789abcdef0"])
    error_message = "instances get no public IP and only the app security group"
  }
  assert {
    condition     = one(one(aws_launch_template.this[0].block_device_mappings).ebs).encrypted == "true" && one(one(aws_launch_template.this[0].block_device_mappings).ebs).volume_type == "gp3"
    error_message = "the root volume must be encrypted gp3"
  }
  assert {
    condition     = aws_launch_template.this[0].image_id == "ami-0123456789abcdef0" && data.aws_ssm_parameter.al2023[0].name == "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64"
    error_message = "t4g.small takes the latest arm64 Amazon Linux 2023 AMI"
  }
  assert {
    condition     = strcontains(base64decode(aws_launch_template.this[0].user_data), "DB_SECRET_ARN=arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-0123-AbCdEf") && strcontains(base64decode(aws_launch_template.this[0].user_data), "User=orders") && !strcontains(lower(base64decode(aws_launch_template.this[0].user_data)), "password")
    error_message = "user data runs the app unprivileged with the secret's ARN and no password"
  }

  # Instance role: Session Manager plus exactly the database secret and the app artifact.
  assert {
    condition = jsondecode(local.instance_policy).Statement == [
      { Sid = "ReadDatabaseSecret", Effect = "Allow", Action = ["secretsmanager:GetSecretValue"], Resource = "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-0123-AbCdEf" },
      { Sid = "ReadAppArtifact", Effect = "Allow", Action = ["s3:GetObject"], Resource = "arn:aws:s3:::artifacts-bucket/orders/orders-arm64" },
    ]
    error_message = "the instances may read the database secret and their artifact, nothing else"
  }
  assert {
    condition     = aws_iam_role_policy_attachment.ssm[0].policy_arn == "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore" && jsondecode(aws_iam_role.instance.assume_role_policy).Statement[0].Principal.Service == "ec2.amazonaws.com"
    error_message = "EC2 assumes the role, which has AmazonSSMManagedInstanceCore"
  }

  # Auto Scaling: private subnets, ELB health checks, target tracking on CPU.
  assert {
    condition     = aws_autoscaling_group.this[0].vpc_zone_identifier == toset(["subnet-1a", "subnet-1b"]) && aws_autoscaling_group.this[0].health_check_type == "ELB" && aws_autoscaling_group.this[0].min_size == 2
    error_message = "the group spans the private subnets with ELB health checks and at least two instances"
  }
  assert {
    condition     = one(aws_autoscaling_policy.cpu[0].target_tracking_configuration).target_value == 50 && one(one(aws_autoscaling_policy.cpu[0].target_tracking_configuration).predefined_metric_specification).predefined_metric_type == "ASGAverageCPUUtilization" && length(aws_autoscaling_policy.requests) == 0
    error_message = "target tracking on average CPU (50 %) by default, no request-count policy"
  }

  # Database: encrypted, private, RDS-managed password, backups, logs.
  assert {
    condition     = aws_db_instance.this[0].storage_encrypted && !aws_db_instance.this[0].publicly_accessible && aws_db_instance.this[0].db_subnet_group_name == "svc-c-db"
    error_message = "the database is encrypted, private and in the private subnet group"
  }
  assert {
    condition     = aws_db_instance.this[0].manage_master_user_password == true && aws_db_instance.this[0].password == null && length(aws_secretsmanager_secret.db) == 0
    error_message = "RDS manages the master password in Secrets Manager; the module never sees it"
  }
  assert {
    condition     = aws_db_instance.this[0].backup_retention_period == 7 && aws_db_instance.this[0].copy_tags_to_snapshot && !aws_db_instance.this[0].skip_final_snapshot && aws_db_instance.this[0].final_snapshot_identifier == "svc-c-db-final"
    error_message = "7 days of backups and a final snapshot by default"
  }
  assert {
    condition     = aws_db_instance.this[0].engine == "postgres" && aws_db_instance.this[0].engine_version == "17" && aws_db_instance.this[0].instance_class == "db.t4g.micro" && !aws_db_instance.this[0].performance_insights_enabled && aws_db_instance.this[0].deletion_protection
    error_message = "PostgreSQL 17 on db.t4g.micro, Performance Insights off, deletion protection on by default"
  }
  assert {
    condition     = aws_db_subnet_group.this[0].subnet_ids == toset(["subnet-1a", "subnet-1b"]) && aws_cloudwatch_log_group.db["postgresql"].retention_in_days == 365
    error_message = "private subnets only; the database's log groups have a retention"
  }

  # Network path: internet → ALB :443 → instances → database.
  assert {
    condition     = one(aws_security_group.db.ingress).security_groups == toset(["sg-0123456789abcdef0"]) && try(length(one(aws_security_group.db.ingress).cidr_blocks), 0) == 0 && one(aws_security_group.db.ingress).from_port == 5432 && length(aws_security_group.db.egress) == 0
    error_message = "the database admits PostgreSQL from the instances' security group only and opens nothing outwards"
  }
  assert {
    condition     = one(aws_security_group.app.ingress).security_groups == toset(["sg-0123456789abcdef0"]) && one(aws_security_group.app.ingress).from_port == 8080
    error_message = "the instances admit the app port from the load balancer's security group only"
  }
  assert {
    condition     = module.alb.listeners == { https = { ssl_policy = "ELBSecurityPolicy-TLS13-1-2-2021-06", certificate_arn = "arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-0000-4000-8000-000000000000" }, http = "redirect" } && output.url == "https://svc-c-alb-123.us-east-1.elb.amazonaws.com"
    error_message = "HTTPS on 443 with the certificate and the TLS 1.3/1.2 policy; port 80 only redirects (modules/alb)"
  }
  assert {
    condition     = module.alb.deletion_protection
    error_message = "the load balancer is protected from deletion by default"
  }
  assert {
    condition     = aws_autoscaling_group.this[0].target_group_arns == toset(["arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/svc-c-tg/73e2d6bc24d8a067"]) && output.target_group_arn == "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/svc-c-tg/73e2d6bc24d8a067"
    error_message = "the Auto Scaling group registers its instances in the load balancer's target group"
  }
  assert {
    condition     = output.app_environment == { PORT = "8080", AWS_REGION = "us-east-1", SERVICE_NAME = "svc-c", DB_HOST = "svc-c-db.abc.us-east-1.rds.amazonaws.com", DB_PORT = "5432", DB_NAME = "orders", DB_SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-0123-AbCdEf", DB_SSLMODE = "require" }
    error_message = "the app's environment: endpoint, database, the secret's ARN, TLS required"
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
    condition     = module.alb.listeners.https == null && module.alb.listeners.http == "forward" && output.url == "http://svc-c-alb-123.us-east-1.elb.amazonaws.com"
    error_message = "allow_plain_http without a certificate: port 80 forwards, no HTTPS listener"
  }
  assert {
    condition     = !module.alb.deletion_protection && !aws_db_instance.this[0].deletion_protection
    error_message = "deletion_protection = false reaches the load balancer and the database"
  }
}

run "kms_insights_and_requests" {
  command = apply

  variables {
    access_logs_bucket = { bucket = "alb-logs" }
    instances          = { instance_type = "m7i.large", request_count_target = 500 }
    database           = { instance_class = "db.m7g.large", performance_insights = true, kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/abcd", multi_az = true, final_snapshot = false }
  }

  assert {
    condition     = aws_db_instance.this[0].performance_insights_enabled && aws_db_instance.this[0].performance_insights_retention_period == 7 && aws_db_instance.this[0].kms_key_id == "arn:aws:kms:us-east-1:123456789012:key/abcd" && aws_db_instance.this[0].master_user_secret_kms_key_id == "arn:aws:kms:us-east-1:123456789012:key/abcd" && aws_db_instance.this[0].multi_az
    error_message = "Performance Insights, the customer key for storage and the secret, Multi-AZ"
  }
  assert {
    condition     = jsondecode(local.instance_policy).Statement[2] == { Sid = "DecryptDatabaseSecret", Effect = "Allow", Action = ["kms:Decrypt"], Resource = "arn:aws:kms:us-east-1:123456789012:key/abcd", Condition = { StringEquals = { "kms:ViaService" = "secretsmanager.us-east-1.amazonaws.com" } } }
    error_message = "with a customer key the instances may decrypt the secret through Secrets Manager only"
  }
  assert {
    condition     = data.aws_ssm_parameter.al2023[0].name == "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64" && one(one(aws_autoscaling_policy.requests[0].target_tracking_configuration).predefined_metric_specification).resource_label == "app/svc-c-alb/50dc6c495c0c9188/targetgroup/svc-c-tg/73e2d6bc24d8a067"
    error_message = "m7i takes the x86_64 AMI; the request-count policy tracks this ALB's target group"
  }
}

run "disposable_database" {
  command = plan

  variables {
    deletion_protection = false
    database            = { final_snapshot = false }
  }

  assert {
    condition     = !aws_db_instance.this[0].deletion_protection && aws_db_instance.this[0].skip_final_snapshot && aws_db_instance.this[0].final_snapshot_identifier == null
    error_message = "a disposable deployment opts out of deletion protection and the final snapshot"
  }
}

run "sandbox_switches" {
  command = apply

  variables {
    compute                     = false
    db_instance                 = false
    manage_master_user_password = false
    security_group_references   = false
    ssm_managed_policy          = false
  }

  assert {
    condition     = length(aws_launch_template.this) == 0 && length(aws_autoscaling_group.this) == 0 && length(aws_autoscaling_policy.cpu) == 0 && length(aws_db_instance.this) == 0 && length(aws_db_subnet_group.this) == 0 && length(aws_iam_role_policy_attachment.ssm) == 0
    error_message = "the sandbox leaves out what kumo cannot apply"
  }
  assert {
    condition     = jsondecode(local.instance_policy).Statement[0].Resource == "arn:aws:secretsmanager:us-east-1:123456789012:secret:svc-c-db-master-AbCdEf" && output.db_secret_arn == aws_secretsmanager_secret.db[0].arn
    error_message = "without RDS-managed credentials the module's own secret is the one the app reads"
  }
  assert {
    condition     = one(aws_security_group.db.ingress).cidr_blocks == tolist(["10.0.0.0/16"]) && try(length(one(aws_security_group.db.ingress).security_groups), 0) == 0
    error_message = "without security-group references the VPC CIDR is the source"
  }
}

run "invalid_engine_version" {
  command = plan
  variables {
    database = { engine_version = "12.4" }
  }
  expect_failures = [var.database]
}

run "invalid_engine_version_format" {
  command = plan
  variables {
    database = { engine_version = "postgres17" }
  }
  expect_failures = [var.database]
}

run "invalid_db_instance_class" {
  command = plan
  variables {
    database = { instance_class = "t4g.micro" }
  }
  expect_failures = [var.database]
}

run "performance_insights_on_micro" {
  command = plan
  variables {
    database = { performance_insights = true }
  }
  expect_failures = [var.database]
}

run "invalid_instance_type" {
  command = plan
  variables {
    instances = { instance_type = "t2.micro" }
  }
  expect_failures = [var.instances]
}

run "instance_size_not_in_family" {
  command = plan
  variables {
    instances = { instance_type = "m7g.micro" }
  }
  expect_failures = [var.instances]
}

run "too_few_private_subnets" {
  command = plan
  variables {
    private_subnet_ids = ["subnet-1a"]
  }
  expect_failures = [var.private_subnet_ids]
}

run "too_few_public_subnets" {
  command = plan
  variables {
    public_subnet_ids = ["subnet-0a"]
  }
  expect_failures = [var.public_subnet_ids]
}

run "invalid_artifact" {
  command = plan
  variables {
    app = { artifact_s3_uri = "https://example.com/orders" }
  }
  expect_failures = [var.app]
}

run "invalid_backup_retention" {
  command = plan
  variables {
    database = { backup_retention_days = 0 }
  }
  expect_failures = [var.database]
}
