# alarm-topic against a mocked provider: the topic is encrypted with its own rotating key, CloudWatch alarms of this
# account (and only they, besides the account) may publish and use the key, nothing without TLS; input validation.
mock_provider "aws" {
  mock_resource "aws_kms_key" {
    defaults = {
      arn    = "arn:aws:kms:us-east-1:123456789012:key/0b1e8e5c-0000-4000-8000-000000000001"
      key_id = "0b1e8e5c-0000-4000-8000-000000000001"
    }
  }
  mock_resource "aws_sns_topic" {
    defaults = { arn = "arn:aws:sns:us-east-1:123456789012:shop-alarms" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_region" {
    defaults = { region = "us-east-1", name = "us-east-1" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
}

variables {
  name = "shop-alarms"
}

run "secure_defaults" {
  command = apply

  assert {
    condition     = aws_sns_topic.this.kms_master_key_id == aws_kms_key.this.arn && aws_kms_key.this.enable_key_rotation && aws_kms_key.this.deletion_window_in_days == 30
    error_message = "the topic must be encrypted with its own customer-managed key, rotated yearly, 30-day deletion window"
  }
  assert {
    condition     = aws_kms_alias.this.name == "alias/shop-alarms" && output.topic_arn == aws_sns_topic.this.arn && output.kms_key_arn == aws_kms_key.this.arn
    error_message = "the key's alias and the outputs must name the topic and its key"
  }
  assert {
    condition = anytrue([
      for s in jsondecode(output.kms_key_policy_json).Statement : s.Effect == "Allow" && try(s.Principal.Service, "") == "cloudwatch.amazonaws.com" && toset(s.Action) == toset(["kms:Decrypt", "kms:GenerateDataKey*"]) && s.Condition.StringEquals["aws:SourceAccount"] == "123456789012" && s.Condition.ArnLike["aws:SourceArn"] == "arn:aws:cloudwatch:us-east-1:123456789012:alarm:*"
    ])
    error_message = "CloudWatch (of this account only) must be able to use the key, or alarms cannot publish to the encrypted topic"
  }
  assert {
    condition = anytrue([
      for s in jsondecode(output.policy_json).Statement : s.Effect == "Allow" && try(s.Principal.Service, "") == "cloudwatch.amazonaws.com" && s.Action == "sns:Publish" && s.Condition.ArnLike["aws:SourceArn"] == "arn:aws:cloudwatch:us-east-1:123456789012:alarm:*" && s.Condition.StringEquals["aws:SourceAccount"] == "123456789012"
    ])
    error_message = "only this account's CloudWatch alarms may publish as the CloudWatch service"
  }
  assert {
    condition     = length([for s in jsondecode(output.policy_json).Statement : s if s.Effect == "Allow" && try(s.Principal.AWS, "") != "arn:aws:iam::123456789012:root" && try(s.Principal.Service, "") != "cloudwatch.amazonaws.com"]) == 0
    error_message = "no principal besides the account and CloudWatch may be allowed"
  }
  assert {
    condition     = length([for s in jsondecode(output.policy_json).Statement : s if s.Effect == "Deny" && s.Principal == "*" && contains(s.Action, "sns:Publish") && s.Condition.Bool["aws:SecureTransport"] == "false"]) == 1
    error_message = "publishing without TLS must be denied"
  }
}

run "sandbox_switch" {
  command = plan

  variables {
    kms_key_rotation             = false
    kms_key_deletion_window_days = 7
  }

  assert {
    condition     = !aws_kms_key.this.enable_key_rotation && aws_kms_key.this.deletion_window_in_days == 7 && aws_sns_topic.this.kms_master_key_id != null
    error_message = "kms_key_rotation = false turns off rotation only; the topic stays encrypted"
  }
}

run "rejects_bad_name" {
  command = plan

  variables {
    name = "shop alarms"
  }

  expect_failures = [var.name]
}

run "rejects_short_deletion_window" {
  command = plan

  variables {
    kms_key_deletion_window_days = 3
  }

  expect_failures = [var.kms_key_deletion_window_days]
}
