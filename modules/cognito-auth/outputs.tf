output "user_pool_id" {
  description = "ID of the user pool, e.g. `us-east-1_AbCdEf123`."
  value       = aws_cognito_user_pool.this.id
}

output "user_pool_arn" {
  description = "ARN of the user pool, for a COGNITO_USER_POOLS authorizer."
  value       = aws_cognito_user_pool.this.arn
}

output "user_pool_endpoint" {
  description = "Endpoint of the user pool without scheme, `cognito-idp.<region>.amazonaws.com/<pool id>` (the identity pool's provider name)."
  value       = aws_cognito_user_pool.this.endpoint
}

output "issuer_url" {
  description = "Issuer (`iss` claim) of the pool's tokens, `https://cognito-idp.<region>.amazonaws.com/<pool id>`; its keys are at `<issuer_url>/.well-known/jwks.json`."
  value       = "https://${aws_cognito_user_pool.this.endpoint}"
}

output "client_id" {
  description = "ID of the mobile app client (public: it has no secret)."
  value       = aws_cognito_user_pool_client.mobile.id
}

output "identity_pool_id" {
  description = "ID of the identity pool, `<region>:<uuid>`; null when `identity_pool` is false."
  value       = one(aws_cognito_identity_pool.this[*].id)
}

output "authenticated_role_arn" {
  description = "ARN of the identity pool's authenticated role; null without an identity pool."
  value       = one(aws_iam_role.authenticated[*].arn)
}

output "authenticated_role_name" {
  description = "Name of the identity pool's authenticated role, to attach more policies to; null without an identity pool."
  value       = one(aws_iam_role.authenticated[*].name)
}

output "authenticated_role_policies" {
  description = "The inline policies attached to the authenticated role (name => policy JSON); empty without an identity pool."
  value       = { for k, p in aws_iam_role_policy.authenticated : k => p.policy }
}
