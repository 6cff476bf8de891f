output "topic_arn" {
  description = "ARN of the alarm topic: pass it as `alarm_topic_arn` to the building blocks, and subscribe to it (e-mail, chat, paging)."
  value       = aws_sns_topic.this.arn
}

output "topic_name" {
  description = "Name of the alarm topic."
  value       = aws_sns_topic.this.name
}

output "kms_key_arn" {
  description = "ARN of the KMS key that encrypts the topic (CloudWatch of this account may use it)."
  value       = aws_kms_key.this.arn
}

output "policy_json" {
  description = "The topic's policy (JSON), for review and tests."
  value       = aws_sns_topic_policy.this.policy
}

output "kms_key_policy_json" {
  description = "The key's policy (JSON), for review and tests."
  value       = aws_kms_key.this.policy
}
