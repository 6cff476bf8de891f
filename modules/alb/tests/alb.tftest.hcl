# The load balancer against a mocked AWS provider: HTTPS by default (443 with the certificate and a TLS 1.2+ policy,
# port 80 only a 301 redirect), no plan without a certificate unless plain HTTP is explicitly allowed, deletion
# protection on by default, the security group's rules, the CloudFront-only origin (prefix list on the serving port,
# 403 without the secret header), the alarms (5xx answers, unhealthy targets → the alarm topic) and the input
# validation.
mock_provider "aws" {
  mock_resource "aws_security_group" {
    defaults = { id = "sg-0123456789abcdef0" }
  }
  mock_resource "aws_lb" {
    defaults = {
      arn        = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/svc-alb/50dc6c495c0c9188"
      arn_suffix = "app/svc-alb/50dc6c495c0c9188"
      dns_name   = "svc-alb-123.us-east-1.elb.amazonaws.com"
    }
  }
  mock_resource "aws_lb_target_group" {
    defaults = {
      arn        = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/svc-tg/73e2d6bc24d8a067"
      arn_suffix = "targetgroup/svc-tg/73e2d6bc24d8a067"
    }
  }
  mock_resource "aws_lb_listener" {
    defaults = { arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/svc-alb/50dc6c495c0c9188/f2f7dc8efc522ab2" }
  }
}

variables {
  name            = "svc"
  vpc_id          = "vpc-0123456789abcdef0"
  vpc_cidr_block  = "10.0.0.0/16"
  subnet_ids      = ["subnet-0a", "subnet-0b"]
  target          = { type = "ip", port = 8080 }
  certificate_arn = "arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-0000-4000-8000-000000000000"
}

run "secure_defaults" {
  command = apply

  assert {
    condition     = aws_lb_listener.https[0].port == 443 && aws_lb_listener.https[0].protocol == "HTTPS" && aws_lb_listener.https[0].certificate_arn == "arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-0000-4000-8000-000000000000" && aws_lb_listener.https[0].ssl_policy == "ELBSecurityPolicy-TLS13-1-2-2021-06"
    error_message = "443 serves HTTPS with the certificate and the TLS 1.3/1.2 policy"
  }
  assert {
    condition     = one(aws_lb_listener.https[0].default_action).type == "forward" && one(aws_lb_listener.https[0].default_action).target_group_arn == aws_lb_target_group.this.arn
    error_message = "443 forwards to the target group"
  }
  assert {
    condition     = aws_lb_listener.http.port == 80 && one(aws_lb_listener.http.default_action).type == "redirect" && one(aws_lb_listener.http.default_action).target_group_arn == null && one(one(aws_lb_listener.http.default_action).redirect).protocol == "HTTPS" && one(one(aws_lb_listener.http.default_action).redirect).port == "443" && one(one(aws_lb_listener.http.default_action).redirect).status_code == "HTTP_301"
    error_message = "port 80 only redirects to HTTPS (301) and forwards nothing"
  }
  assert {
    condition     = aws_lb.this.enable_deletion_protection && output.deletion_protection
    error_message = "deletion protection is on by default"
  }
  assert {
    condition     = aws_lb.this.drop_invalid_header_fields && aws_lb.this.desync_mitigation_mode == "strictest" && !aws_lb.this.internal && aws_lb.this.name == "svc-alb" && length(aws_lb.this.access_logs) == 0
    error_message = "invalid headers dropped, strictest desync mitigation, internet-facing <name>-alb, no access logs unless given"
  }
  assert {
    condition     = toset([for r in aws_security_group.this.ingress : r.from_port]) == toset([443, 80]) && alltrue([for r in aws_security_group.this.ingress : r.cidr_blocks == tolist(["0.0.0.0/0"]) && length(r.prefix_list_ids) == 0])
    error_message = "clients may reach 443 and the redirect on 80"
  }
  assert {
    condition     = one(aws_security_group.this.egress).from_port == 8080 && one(aws_security_group.this.egress).to_port == 8080 && one(aws_security_group.this.egress).cidr_blocks == tolist(["10.0.0.0/16"])
    error_message = "the load balancer reaches only the targets' port inside the VPC"
  }
  assert {
    condition     = aws_lb_target_group.this.name == "svc-tg" && aws_lb_target_group.this.target_type == "ip" && aws_lb_target_group.this.port == 8080 && one(aws_lb_target_group.this.health_check).path == "/healthz" && one(aws_lb_target_group.this.health_check).matcher == "200"
    error_message = "IP targets on their port, checked on /healthz"
  }
  assert {
    condition     = output.url == "https://svc-alb-123.us-east-1.elb.amazonaws.com" && output.listeners == { https = { ssl_policy = "ELBSecurityPolicy-TLS13-1-2-2021-06", certificate_arn = "arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-0000-4000-8000-000000000000" }, http = "redirect" } && output.https_listener_arn != null
    error_message = "the outputs say https:// and what each port does"
  }
  assert {
    condition     = length(aws_lb_listener_rule.origin_verify) == 0
    error_message = "no header rule unless asked for"
  }
  assert {
    condition     = { for k, a in output.alarms : k => a.name } == { target-5xx = "svc-alb-target-5xx", elb-5xx = "svc-alb-elb-5xx", unhealthy-targets = "svc-alb-unhealthy-targets" }
    error_message = "alarms on the targets' 5xx, the load balancer's own 5xx and unhealthy targets, by default"
  }
  assert {
    condition = alltrue([for k, a in aws_cloudwatch_metric_alarm.this :
      a.namespace == "AWS/ApplicationELB" && a.period == 60 && a.threshold == 0 && a.comparison_operator == "GreaterThanThreshold" &&
      a.treat_missing_data == "notBreaching" && a.alarm_actions == null && a.ok_actions == null &&
      a.dimensions.LoadBalancer == "app/svc-alb/50dc6c495c0c9188"
    ])
    error_message = "the alarms watch this load balancer each minute, fire on the first failure, no data is no failure, no actions without a topic"
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.this["target-5xx"].metric_name == "HTTPCode_Target_5XX_Count" && aws_cloudwatch_metric_alarm.this["elb-5xx"].metric_name == "HTTPCode_ELB_5XX_Count" && aws_cloudwatch_metric_alarm.this["target-5xx"].statistic == "Sum" && aws_cloudwatch_metric_alarm.this["target-5xx"].evaluation_periods == 1
    error_message = "5xx counts summed per minute"
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.this["unhealthy-targets"].metric_name == "UnHealthyHostCount" && aws_cloudwatch_metric_alarm.this["unhealthy-targets"].statistic == "Maximum" && aws_cloudwatch_metric_alarm.this["unhealthy-targets"].evaluation_periods == 2 && aws_cloudwatch_metric_alarm.this["unhealthy-targets"].dimensions == tomap({ LoadBalancer = "app/svc-alb/50dc6c495c0c9188", TargetGroup = "targetgroup/svc-tg/73e2d6bc24d8a067" })
    error_message = "unhealthy targets of this target group, two minutes in a row"
  }
}

run "alarms_notify_the_topic" {
  command = plan

  variables {
    alarm_topic_arn          = "arn:aws:sns:us-east-1:123456789012:svc-alarms"
    alarm_treat_missing_data = "missing"
  }

  assert {
    condition     = alltrue([for a in aws_cloudwatch_metric_alarm.this : a.alarm_actions == toset(["arn:aws:sns:us-east-1:123456789012:svc-alarms"]) && a.ok_actions == toset(["arn:aws:sns:us-east-1:123456789012:svc-alarms"]) && a.treat_missing_data == "missing"]) && length(output.alarms) == 3
    error_message = "every alarm notifies the topic when it fires and recovers"
  }
}

run "alarm_topic_not_an_sns_arn" {
  command = plan
  variables {
    alarm_topic_arn          = "svc-alarms"
    alarm_treat_missing_data = "ignored"
  }
  expect_failures = [var.alarm_topic_arn, var.alarm_treat_missing_data]
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
    access_logs_bucket  = { bucket = "alb-logs" }
  }

  assert {
    condition     = length(aws_lb_listener.https) == 0 && one(aws_lb_listener.http.default_action).type == "forward" && one(aws_lb_listener.http.default_action).target_group_arn == aws_lb_target_group.this.arn && length(one(aws_lb_listener.http.default_action).redirect) == 0
    error_message = "allow_plain_http without a certificate: port 80 forwards, no 443"
  }
  assert {
    condition     = [for r in aws_security_group.this.ingress : r.from_port] == [80] && one(aws_security_group.this.ingress).description == "HTTP from clients"
    error_message = "only port 80 open"
  }
  assert {
    condition     = !aws_lb.this.enable_deletion_protection && output.url == "http://svc-alb-123.us-east-1.elb.amazonaws.com" && output.listeners.https == null && output.listeners.http == "forward" && output.https_listener_arn == null
    error_message = "deletion protection off only when asked; the URL says http://"
  }
  assert {
    condition     = one(aws_lb.this.access_logs).enabled && one(aws_lb.this.access_logs).bucket == "alb-logs" && one(aws_lb.this.access_logs).prefix == "svc"
    error_message = "access logs under the name as prefix by default"
  }
}

run "certificate_wins_over_allow_plain_http" {
  command = plan

  variables {
    allow_plain_http = true
  }

  assert {
    condition     = length(aws_lb_listener.https) == 1 && one(aws_lb_listener.http.default_action).type == "redirect"
    error_message = "with a certificate port 80 redirects even when plain HTTP is allowed"
  }
}

run "cloudfront_only_origin" {
  command = apply

  variables {
    ingress_cidr_blocks       = []
    ingress_prefix_list_ids   = ["pl-4fa04526"]
    origin_verify_header_name = "X-Origin-Verify"
    origin_verify_secret      = "0123456789abcdef0123456789abcdef"
    target                    = { type = "instance", port = 80, name = "svc-app" }
  }

  assert {
    condition     = length(aws_security_group.this.ingress) == 1 && one(aws_security_group.this.ingress).from_port == 443 && toset(one(aws_security_group.this.ingress).prefix_list_ids) == toset(["pl-4fa04526"]) && length(one(aws_security_group.this.ingress).cidr_blocks) == 0
    error_message = "only CloudFront's prefix list, only on the serving port 443 (one reference: the rule quota)"
  }
  assert {
    condition     = one(aws_lb_listener.https[0].default_action).type == "fixed-response" && one(one(aws_lb_listener.https[0].default_action).fixed_response).status_code == "403" && one(aws_lb_listener.http.default_action).type == "redirect"
    error_message = "without the header 443 answers 403; 80 still only redirects"
  }
  assert {
    condition     = aws_lb_listener_rule.origin_verify[0].listener_arn == aws_lb_listener.https[0].arn && one(one(aws_lb_listener_rule.origin_verify[0].condition).http_header).http_header_name == "X-Origin-Verify" && nonsensitive(one(one(aws_lb_listener_rule.origin_verify[0].condition).http_header).values) == toset(["0123456789abcdef0123456789abcdef"]) && one(aws_lb_listener_rule.origin_verify[0].action).type == "forward" && one(aws_lb_listener_rule.origin_verify[0].action).target_group_arn == aws_lb_target_group.this.arn
    error_message = "only requests with the secret header are forwarded"
  }
  assert {
    condition     = aws_lb_target_group.this.name == "svc-app" && aws_lb_target_group.this.target_type == "instance"
    error_message = "the target group takes the given name and type"
  }
}

run "cloudfront_only_origin_plain_http" {
  command = apply

  variables {
    certificate_arn           = null
    allow_plain_http          = true
    ingress_cidr_blocks       = []
    ingress_prefix_list_ids   = ["pl-4fa04526"]
    origin_verify_header_name = "X-Origin-Verify"
    origin_verify_secret      = "0123456789abcdef0123456789abcdef"
  }

  assert {
    condition     = one(aws_security_group.this.ingress).from_port == 80 && one(aws_lb_listener.http.default_action).type == "fixed-response" && one(one(aws_lb_listener.http.default_action).fixed_response).status_code == "403" && aws_lb_listener_rule.origin_verify[0].listener_arn == aws_lb_listener.http.arn
    error_message = "plain HTTP origin: port 80 from the prefix list, 403 without the header, the rule on port 80"
  }
}

run "weak_tls_policy" {
  command = plan
  variables {
    ssl_policy = "ELBSecurityPolicy-2016-08"
  }
  expect_failures = [var.ssl_policy]
}

run "tls13_policy_allowing_tls10" {
  command = plan
  variables {
    ssl_policy = "ELBSecurityPolicy-TLS13-1-0-2021-06"
  }
  expect_failures = [var.ssl_policy]
}

run "not_an_acm_certificate" {
  command = plan
  variables {
    certificate_arn = "arn:aws:iam::123456789012:server-certificate/x"
  }
  expect_failures = [var.certificate_arn]
}

run "no_ingress_at_all" {
  command = plan
  variables {
    ingress_cidr_blocks = []
  }
  expect_failures = [var.ingress_prefix_list_ids]
}

run "header_without_secret" {
  command = plan
  variables {
    origin_verify_header_name = "X-Origin-Verify"
  }
  expect_failures = [var.origin_verify_secret]
}

run "short_secret" {
  command = plan
  variables {
    origin_verify_header_name = "X-Origin-Verify"
    origin_verify_secret      = "too-short"
  }
  expect_failures = [var.origin_verify_secret]
}

run "one_subnet" {
  command = plan
  variables {
    subnet_ids = ["subnet-0a"]
  }
  expect_failures = [var.subnet_ids]
}

run "name_too_long" {
  command = plan
  variables {
    name = "a-load-balancer-name-of-29-ch"
  }
  expect_failures = [var.name]
}

run "invalid_target" {
  command = plan
  variables {
    target = { type = "lambda", port = 0 }
  }
  expect_failures = [var.target, var.target]
}
