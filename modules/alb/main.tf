# An Application Load Balancer in front of one target group, HTTPS by default: a certificate gives a 443 listener
# with a TLS 1.2+ policy and port 80 only redirects to it (301); plain HTTP forwarding needs an explicit
# `allow_plain_http` (demos, the local sandbox). Invalid headers dropped, strictest desync mitigation, access logs,
# deletion protection on by default; its own security group admits clients on the listener ports and lets the load
# balancer reach only the targets' port inside the VPC; alarms on 5xx answers and unhealthy targets notify
# `alarm_topic_arn`. Used by modules/ecs-service, modules/asg-rds-service and
# examples/software-updates (a CloudFront-only origin: prefix list and secret header).

locals {
  https = var.certificate_arn != null
  # Plain HTTP is served only when asked for and there is no certificate. Otherwise port 80 redirects — also in the
  # refused case (no certificate, not allowed), which the plan never reaches (see allow_plain_http's validation).
  plain_http   = !local.https && var.allow_plain_http
  serving_port = local.https ? 443 : 80
  verify       = var.origin_verify_header_name != null

  # What the alarms watch (AWS/ApplicationELB, one-minute periods; the first failure in a minute fires, as the
  # functions' error alarms do): clients that got a 5xx from the application or from the load balancer itself, and
  # targets failing their health check (for two minutes in a row, so a deployment's draining target does not page).
  alarms = {
    target-5xx = {
      metric      = "HTTPCode_Target_5XX_Count"
      statistic   = "Sum"
      periods     = 1
      target      = false
      description = "Targets of ${var.name}-alb answered with 5xx: the application failed requests."
    }
    elb-5xx = {
      metric      = "HTTPCode_ELB_5XX_Count"
      statistic   = "Sum"
      periods     = 1
      target      = false
      description = "The load balancer ${var.name}-alb answered with 5xx itself: no healthy target (503), or a target closed, reset or timed out (502, 504)."
    }
    unhealthy-targets = {
      metric      = "UnHealthyHostCount"
      statistic   = "Maximum"
      periods     = 2
      target      = true
      description = "Targets of ${var.name}-alb failed their health check (${var.target.health_check_path}) for two minutes: see the targets' logs."
    }
  }

  # Inline rules: the sandbox's EC2 cannot read standalone rules (DescribeSecurityGroupRules), and inline rules are
  # exactly the set the group should have. Prefix lists only on the serving port (a prefix list counts as its maximum
  # size against the group's rule quota; CloudFront's origin-facing list alone takes 55 of the default 60).
  ingress = [for port in(local.https ? [443, 80] : [80]) : {
    port            = port
    description     = port == 443 ? "HTTPS from clients" : (local.https ? "HTTP from clients (redirected to HTTPS)" : "HTTP from clients")
    prefix_list_ids = port == local.serving_port ? var.ingress_prefix_list_ids : []
  } if length(var.ingress_cidr_blocks) > 0 || port == local.serving_port]
}

resource "aws_security_group" "this" {
  name_prefix = "${var.name}-alb-"
  description = "${var.name} load balancer: clients in, targets out"
  vpc_id      = var.vpc_id

  dynamic "ingress" {
    for_each = local.ingress
    content {
      description     = ingress.value.description
      protocol        = "tcp"
      from_port       = ingress.value.port
      to_port         = ingress.value.port
      cidr_blocks     = var.ingress_cidr_blocks
      prefix_list_ids = ingress.value.prefix_list_ids
    }
  }

  egress {
    description = "To the targets (and their health checks)"
    protocol    = "tcp"
    from_port   = var.target.port
    to_port     = var.target.port
    cidr_blocks = [var.vpc_cidr_block]
  }

  tags = merge(var.tags, { Name = "${var.name}-alb" })

  lifecycle {
    create_before_destroy = true
  }
}

# Internet-facing by design (clients, or CloudFront, call it); `internal = true` makes it VPC-only. See README,
# scanner findings.
#trivy:ignore:AWS-0053
resource "aws_lb" "this" {
  name                       = "${var.name}-alb"
  load_balancer_type         = "application"
  internal                   = var.internal
  subnets                    = var.subnet_ids
  security_groups            = [aws_security_group.this.id]
  drop_invalid_header_fields = true
  desync_mitigation_mode     = "strictest"
  enable_deletion_protection = var.deletion_protection
  idle_timeout               = 60

  dynamic "access_logs" {
    for_each = var.access_logs_bucket == null ? [] : [var.access_logs_bucket]
    content {
      enabled = true
      bucket  = access_logs.value.bucket
      prefix  = coalesce(access_logs.value.prefix, var.name)
    }
  }

  tags = var.tags
}

resource "aws_lb_target_group" "this" {
  name                 = coalesce(var.target.name, "${var.name}-tg")
  target_type          = var.target.type
  port                 = var.target.port
  protocol             = "HTTP"
  vpc_id               = var.vpc_id
  deregistration_delay = 30

  health_check {
    path                = var.target.health_check_path
    matcher             = "200"
    interval            = 15
    timeout             = 5
    healthy_threshold   = 2
    unhealthy_threshold = 3
  }

  tags = var.tags
}

resource "aws_lb_listener" "https" {
  count             = local.https ? 1 : 0
  load_balancer_arn = aws_lb.this.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = var.ssl_policy
  certificate_arn   = var.certificate_arn

  # Forward, or with an origin header answer 403 (the rule below forwards requests that carry it).
  default_action {
    type             = local.verify ? "fixed-response" : "forward"
    target_group_arn = local.verify ? null : aws_lb_target_group.this.arn

    dynamic "fixed_response" {
      for_each = local.verify ? [1] : []
      content {
        content_type = "text/plain"
        message_body = "direct access is not allowed"
        status_code  = "403"
      }
    }
  }

  tags = var.tags
}

# Port 80 redirects to HTTPS; it serves (forwards, or answers 403 without the origin header) only with
# allow_plain_http and no certificate.
resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.this.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = local.plain_http ? (local.verify ? "fixed-response" : "forward") : "redirect"
    target_group_arn = local.plain_http && !local.verify ? aws_lb_target_group.this.arn : null

    dynamic "redirect" {
      for_each = local.plain_http ? [] : [1]
      content {
        protocol    = "HTTPS"
        port        = "443"
        status_code = "HTTP_301"
      }
    }

    dynamic "fixed_response" {
      for_each = local.plain_http && local.verify ? [1] : []
      content {
        content_type = "text/plain"
        message_body = "direct access is not allowed"
        status_code  = "403"
      }
    }
  }

  tags = var.tags
}

# Only requests with the origin header reach the targets (on the serving listener).
resource "aws_lb_listener_rule" "origin_verify" {
  count        = local.verify ? 1 : 0
  listener_arn = local.https ? aws_lb_listener.https[0].arn : aws_lb_listener.http.arn
  priority     = 1

  condition {
    http_header {
      http_header_name = var.origin_verify_header_name
      values           = [var.origin_verify_secret]
    }
  }

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.this.arn
  }

  tags = var.tags
}

# Failures page someone: every alarm notifies alarm_topic_arn (alarm and OK).
resource "aws_cloudwatch_metric_alarm" "this" {
  for_each = local.alarms

  alarm_name          = "${var.name}-alb-${each.key}"
  alarm_description   = each.value.description
  namespace           = "AWS/ApplicationELB"
  metric_name         = each.value.metric
  dimensions          = merge({ LoadBalancer = aws_lb.this.arn_suffix }, each.value.target ? { TargetGroup = aws_lb_target_group.this.arn_suffix } : {})
  statistic           = each.value.statistic
  period              = 60
  evaluation_periods  = each.value.periods
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = var.alarm_treat_missing_data
  # Null without a topic: AWS reads an alarm without actions back as null, not as an empty set.
  alarm_actions = var.alarm_topic_arn == null ? null : [var.alarm_topic_arn]
  ok_actions    = var.alarm_topic_arn == null ? null : [var.alarm_topic_arn]
  tags          = var.tags
}
