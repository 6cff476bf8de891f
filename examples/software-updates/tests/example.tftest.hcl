# The Software updates example against mocked providers: the parts kumo cannot apply (Auto Scaling, launch
# template, EFS, the VPC) and the wiring that makes the ALB a CloudFront-only origin. Real behaviour: the -tags aws
# tier (TestSoftwareUpdatesExample).
mock_provider "aws" {
  mock_data "aws_region" {
    defaults = { region = "eu-west-1", name = "eu-west-1" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
  mock_data "aws_availability_zones" {
    defaults = { names = ["eu-west-1a", "eu-west-1b", "eu-west-1c"] }
  }
  mock_data "aws_ec2_managed_prefix_list" {
    defaults = { id = "pl-4fa04526" }
  }
  mock_data "aws_ssm_parameter" {
    defaults = { insecure_value = "ami-0123456789abcdef0", value = "ami-0123456789abcdef0" }
  }
  mock_data "aws_elb_service_account" {
    defaults = { arn = "arn:aws:iam::156460612806:root" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/sw-updates-app-mock" }
  }
  mock_resource "aws_iam_instance_profile" {
    defaults = { arn = "arn:aws:iam::123456789012:instance-profile/sw-updates-app-mock" }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/vpc/sw-updates/flow-logs" }
  }
  mock_resource "aws_lb" {
    defaults = {
      arn      = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/sw-updates-alb/50dc6c495c0c9188"
      dns_name = "sw-updates-alb-1234567890.eu-west-1.elb.amazonaws.com"
    }
  }
  mock_resource "aws_lb_target_group" {
    defaults = { arn = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/sw-updates-app/73e2d6bc24d8a067" }
  }
  mock_resource "aws_lb_listener" {
    defaults = { arn = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/sw-updates-alb/50dc6c495c0c9188/f2f7dc8efc522ab2" }
  }
  mock_resource "aws_efs_file_system" {
    defaults = { id = "fs-0123456789abcdef0", arn = "arn:aws:elasticfilesystem:eu-west-1:123456789012:file-system/fs-0123456789abcdef0" }
  }
  mock_resource "aws_efs_access_point" {
    defaults = { id = "fsap-0123456789abcdef0", arn = "arn:aws:elasticfilesystem:eu-west-1:123456789012:access-point/fsap-0123456789abcdef0" }
  }
  mock_resource "aws_launch_template" {
    defaults = { id = "lt-0123456789abcdef0", latest_version = 1 }
  }
  mock_resource "aws_sns_topic" {
    defaults = { arn = "arn:aws:sns:us-east-1:123456789012:updates-alarms" }
  }
  mock_resource "aws_kms_key" {
    defaults = { arn = "arn:aws:kms:us-east-1:123456789012:key/0b1e8e5c-0000-4000-8000-000000000001" }
  }
  mock_resource "aws_s3_bucket" {
    defaults = { id = "sw-updates-logs-mock", arn = "arn:aws:s3:::sw-updates-logs-mock", bucket_domain_name = "sw-updates-logs-mock.s3.amazonaws.com" }
  }
  mock_resource "aws_cloudfront_distribution" {
    defaults = {
      id          = "EDFDVBD6EXAMPLE"
      arn         = "arn:aws:cloudfront::123456789012:distribution/EDFDVBD6EXAMPLE"
      domain_name = "d111111abcdef8.cloudfront.net"
    }
  }
}

mock_provider "refarch" {}

# Real AWS wants a certificate for the ALB (or an explicit allow_plain_http).
variables {
  alb_certificate_arn = "arn:aws:acm:eu-west-1:123456789012:certificate/abcd"
  origin_domain_name  = "origin.updates.example.com"
}

run "real_aws_defaults" {
  command = apply

  override_resource {
    target = module.alb.aws_security_group.this
    values = { id = "sg-0a1b0a1b0a1b0a1b0" }
  }
  override_resource {
    target = aws_security_group.app
    values = { id = "sg-0a2b0a2b0a2b0a2b0" }
  }
  override_resource {
    target = aws_security_group.efs
    values = { id = "sg-0a3b0a3b0a3b0a3b0" }
  }

  assert {
    condition     = one(aws_launch_template.app[0].metadata_options).http_tokens == "required" && one(aws_launch_template.app[0].metadata_options).http_put_response_hop_limit == 1
    error_message = "instances require IMDSv2 (hop limit 1: containers cannot reach it)"
  }
  assert {
    condition     = one(one(aws_launch_template.app[0].block_device_mappings).ebs).encrypted == "true" && one(one(aws_launch_template.app[0].block_device_mappings).ebs).volume_type == "gp3"
    error_message = "the root volume is encrypted gp3"
  }
  assert {
    condition     = aws_launch_template.app[0].image_id == "ami-0123456789abcdef0" && aws_launch_template.app[0].instance_type == "t4g.small" && aws_launch_template.app[0].key_name == null
    error_message = "AL2023 arm64 on t4g.small, no SSH key (Session Manager)"
  }
  assert {
    condition     = toset(aws_launch_template.app[0].vpc_security_group_ids) == toset(["sg-0a2b0a2b0a2b0a2b0"])
    error_message = "instances are in the app security group only"
  }
  assert {
    condition     = strcontains(base64decode(aws_launch_template.app[0].user_data), "tls,iam,accesspoint=fsap-0123456789abcdef0") && strcontains(base64decode(aws_launch_template.app[0].user_data), "max-age=31536000, immutable")
    error_message = "instances mount EFS over TLS with IAM through the access point and mark versioned files immutable"
  }
  assert {
    condition     = toset(aws_autoscaling_group.app[0].vpc_zone_identifier) == toset(module.vpc.private_subnet_ids) && aws_autoscaling_group.app[0].health_check_type == "ELB" && toset(aws_autoscaling_group.app[0].target_group_arns) == toset([module.alb.target_group_arn])
    error_message = "the ASG spans the private subnets behind the target group, replacing instances the ALB finds unhealthy"
  }
  assert {
    condition     = aws_autoscaling_group.app[0].min_size == 2 && aws_autoscaling_group.app[0].max_size == 4 && aws_autoscaling_group.app[0].desired_capacity == 2
    error_message = "2-4 instances, 2 at rest"
  }
  assert {
    condition     = alltrue([for ts in aws_launch_template.app[0].tag_specifications : ts.tags["refarch:example"] == "software-updates" && ts.tags.Name == "sw-updates-app"]) && contains([for t in aws_autoscaling_group.app[0].tag : t.key], "refarch:example")
    error_message = "the tags (default_tags do not reach them) are on the launched instances and volumes and on the group"
  }
  assert {
    condition     = aws_efs_file_system.updates[0].encrypted && aws_efs_file_system.updates[0].throughput_mode == "elastic" && aws_efs_backup_policy.updates[0].backup_policy[0].status == "ENABLED"
    error_message = "EFS is encrypted at rest and backed up"
  }
  assert {
    condition     = length(aws_efs_mount_target.updates) == 2 && [for m in aws_efs_mount_target.updates : m.subnet_id] == module.vpc.private_subnet_ids && alltrue([for m in aws_efs_mount_target.updates : toset(m.security_groups) == toset(["sg-0a3b0a3b0a3b0a3b0"])])
    error_message = "one mount target per private subnet, in the EFS security group"
  }
  assert {
    condition     = aws_efs_access_point.updates[0].root_directory[0].path == "/updates" && aws_efs_access_point.updates[0].posix_user[0].uid == 1000
    error_message = "the access point confines clients to /updates as a non-root user"
  }
  assert {
    condition     = [for s in jsondecode(aws_efs_file_system_policy.updates[0].policy).Statement : s.Sid] == ["DenyInsecureTransport", "WebServersThroughAccessPoint"] && jsondecode(aws_efs_file_system_policy.updates[0].policy).Statement[1].Principal.AWS == "arn:aws:iam::123456789012:role/sw-updates-app-mock" && jsondecode(aws_efs_file_system_policy.updates[0].policy).Statement[1].Condition.StringEquals["elasticfilesystem:AccessPointArn"] == "arn:aws:elasticfilesystem:eu-west-1:123456789012:access-point/fsap-0123456789abcdef0"
    error_message = "EFS: TLS only, and only the web servers' role through the access point"
  }
  assert {
    condition     = aws_vpc_security_group_ingress_rule.app_from_alb.referenced_security_group_id == "sg-0a1b0a1b0a1b0a1b0" && aws_vpc_security_group_ingress_rule.efs_from_app[0].referenced_security_group_id == "sg-0a2b0a2b0a2b0a2b0" && aws_vpc_security_group_ingress_rule.efs_from_app[0].from_port == 2049
    error_message = "instances admit only the ALB, EFS only the instances"
  }
  assert {
    condition     = module.alb.listeners == { https = { ssl_policy = "ELBSecurityPolicy-TLS13-1-2-2021-06", certificate_arn = "arn:aws:acm:eu-west-1:123456789012:certificate/abcd" }, http = "redirect" } && output.alb_dns_name == "sw-updates-alb-1234567890.eu-west-1.elb.amazonaws.com"
    error_message = "the ALB (modules/alb; its tests cover the prefix list, the 403 default and the header rule) serves HTTPS with a TLS 1.3/1.2 policy; port 80 only redirects"
  }
  assert {
    condition     = length(nonsensitive(local.origin_secret)) == 64 && module.alb.https_listener_arn != null
    error_message = "a 64-character origin secret for the ALB's header rule"
  }
  assert {
    condition     = !module.alb.deletion_protection
    error_message = "the example opts out of the ALB's deletion protection (it is meant to be destroyed)"
  }
  assert {
    condition     = module.updates.origin_verify_header_name == "X-Origin-Verify" && module.updates.invalidation_command == "aws cloudfront create-invalidation --distribution-id EDFDVBD6EXAMPLE --paths '/manifest.json'"
    error_message = "CloudFront sends the header the ALB checks; the invalidation hint"
  }
  assert {
    condition     = [for s in jsondecode(aws_s3_bucket_policy.alb_logs[0].policy).Statement : s.Sid] == ["ElbLogDelivery", "DenyInsecureTransport"] && aws_s3_bucket_public_access_block.alb_logs[0].restrict_public_buckets
    error_message = "ALB logs bucket: ELB delivery only, TLS only, private"
  }
  assert {
    condition     = aws_s3_bucket.alb_logs[0].force_destroy
    error_message = "the example is disposable: destroy empties its log buckets (the module's default keeps them)"
  }
  assert {
    condition     = length(module.alarm_topic) == 1 && output.alarm_topic_arn == module.alarm_topic[0].topic_arn && module.updates.alarm_topic_arn == output.alarm_topic_arn
    error_message = "one alarm topic for the deployment, created by the example, also outside us-east-1 (the ALB's alarms need it)"
  }
  assert {
    condition     = alltrue([for a in values(module.alb.alarms) : a.alarm_actions == toset([output.alarm_topic_arn]) && a.ok_actions == toset([output.alarm_topic_arn])]) && length(module.alb.alarms) == 3
    error_message = "the ALB's alarms (5xx answers, unhealthy instances) notify the alarm topic"
  }
}

run "no_certificate_refused" {
  command = plan

  variables {
    alb_certificate_arn = null
    origin_domain_name  = null
  }

  expect_failures = [var.allow_plain_http]
}

run "plain_http_origin_when_allowed" {
  command = plan

  variables {
    alb_certificate_arn = null
    origin_domain_name  = null
    allow_plain_http    = true
  }

  assert {
    condition     = module.alb.listeners.https == null && module.alb.listeners.http == "fixed-response"
    error_message = "plain HTTP only when allowed: port 80 answers 403 unless the secret header is there"
  }
}

run "sandbox_switches" {
  command = apply

  variables {
    autoscaling               = false
    efs                       = false
    bucket_ownership_controls = false
    bucket_lifecycle_rules    = false
    alb_certificate_arn       = null
    origin_domain_name        = null
    allow_plain_http          = true
  }

  assert {
    condition     = length(aws_autoscaling_group.app) == 0 && length(aws_launch_template.app) == 0 && length(aws_iam_role.app) == 0 && output.autoscaling_group_name == null
    error_message = "autoscaling=false removes the launch template, the ASG and the instance role"
  }
  assert {
    condition     = length(aws_efs_file_system.updates) == 0 && length(aws_efs_mount_target.updates) == 0 && length(aws_security_group.efs) == 0 && output.efs_access_point_id == null
    error_message = "efs=false removes the file system, its mount targets and security group"
  }
  assert {
    condition     = module.alb.listeners.http == "fixed-response" && module.alb.target_group_arn != null
    error_message = "the ALB and its CloudFront-only rule stay"
  }
}

run "instance_type_for_other_architecture" {
  command = plan
  variables {
    instance_type = "m7i.large"
  }
  expect_failures = [var.instance_type]
}

run "graviton_type_for_x86" {
  command = plan
  variables {
    architecture  = "x86_64"
    instance_type = "t4g.small"
  }
  expect_failures = [var.instance_type]
}

run "not_an_instance_type" {
  command = plan
  variables {
    instance_type = "small"
  }
  expect_failures = [var.instance_type]
}

run "asg_sizes" {
  command = plan
  variables {
    asg = { min = 3, desired = 2, max = 4 }
  }
  expect_failures = [var.asg]
}

run "root_volume_too_small" {
  command = plan
  variables {
    root_volume_size = 4
  }
  expect_failures = [var.root_volume_size]
}

run "certificate_without_domain" {
  command = plan
  variables {
    origin_domain_name = null
  }
  expect_failures = [var.origin_domain_name]
}
