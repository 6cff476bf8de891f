# cognito-auth against a mocked AWS provider: the user pool's and app client's secure defaults, the identity pool's
# authenticated-only role and its trust policy, and input validation.
mock_provider "aws" {
  # Mocked computed values must still pass the provider's own validation (ARNs are parsed, client ids checked).
  mock_resource "aws_cognito_user_pool" {
    defaults = {
      id       = "us-east-1_Mock12345"
      arn      = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_Mock12345"
      endpoint = "cognito-idp.us-east-1.amazonaws.com/us-east-1_Mock12345"
    }
  }
  mock_resource "aws_cognito_user_pool_client" {
    defaults = { id = "4mockclientid1234567890abc" }
  }
  mock_resource "aws_cognito_identity_pool" {
    defaults = {
      id  = "us-east-1:1234abcd-12ab-34cd-56ef-1234567890ab"
      arn = "arn:aws:cognito-identity:us-east-1:123456789012:identitypool/us-east-1:1234abcd-12ab-34cd-56ef-1234567890ab"
    }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/mock-authenticated" }
  }
}

variables {
  name = "unit"
}

run "user_pool_secure_defaults" {
  command = apply

  assert {
    condition     = aws_cognito_user_pool.this.username_attributes == toset(["email"]) && aws_cognito_user_pool.this.auto_verified_attributes == toset(["email"])
    error_message = "users sign in with a verified e-mail address"
  }
  assert {
    condition = aws_cognito_user_pool.this.password_policy[0].minimum_length == 12 && alltrue([
      aws_cognito_user_pool.this.password_policy[0].require_uppercase,
      aws_cognito_user_pool.this.password_policy[0].require_lowercase,
      aws_cognito_user_pool.this.password_policy[0].require_numbers,
      aws_cognito_user_pool.this.password_policy[0].require_symbols,
    ])
    error_message = "passwords: at least 12 characters with upper, lower, number and symbol"
  }
  assert {
    condition     = aws_cognito_user_pool.this.mfa_configuration == "OPTIONAL" && aws_cognito_user_pool.this.software_token_mfa_configuration[0].enabled
    error_message = "MFA is optional by default, with TOTP apps"
  }
  assert {
    condition     = aws_cognito_user_pool.this.deletion_protection == "ACTIVE"
    error_message = "deletion protection is on by default: deleting a pool deletes every user account in it"
  }
  assert {
    condition     = [for m in aws_cognito_user_pool.this.account_recovery_setting[0].recovery_mechanism : m.name] == ["verified_email"]
    error_message = "accounts are recovered only through the verified e-mail"
  }
  assert {
    condition     = aws_cognito_user_pool.this.user_attribute_update_settings[0].attributes_require_verification_before_update == toset(["email"])
    error_message = "an e-mail change needs the new address verified first"
  }
  assert {
    condition     = length(aws_cognito_user_pool.this.user_pool_add_ons) == 0 && aws_cognito_user_pool.this.user_pool_tier == "ESSENTIALS"
    error_message = "threat protection (Plus tier, billed per MAU) is off by default"
  }
  assert {
    condition     = !aws_cognito_user_pool.this.admin_create_user_config[0].allow_admin_create_user_only
    error_message = "the app's users sign themselves up by default"
  }
}

run "mobile_client_secure_defaults" {
  command = apply

  assert {
    condition     = !aws_cognito_user_pool_client.mobile.generate_secret
    error_message = "a mobile app client has no secret"
  }
  assert {
    condition     = aws_cognito_user_pool_client.mobile.explicit_auth_flows == toset(["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])
    error_message = "only SRP and refresh-token sign-in by default: ${jsonencode(aws_cognito_user_pool_client.mobile.explicit_auth_flows)}"
  }
  assert {
    condition     = aws_cognito_user_pool_client.mobile.prevent_user_existence_errors == "ENABLED" && aws_cognito_user_pool_client.mobile.enable_token_revocation
    error_message = "user-existence errors hidden, refresh tokens revocable"
  }
  assert {
    condition = (
      aws_cognito_user_pool_client.mobile.id_token_validity == 60 &&
      aws_cognito_user_pool_client.mobile.access_token_validity == 60 &&
      aws_cognito_user_pool_client.mobile.refresh_token_validity == 30 &&
      aws_cognito_user_pool_client.mobile.token_validity_units[0].id_token == "minutes" &&
      aws_cognito_user_pool_client.mobile.token_validity_units[0].access_token == "minutes" &&
      aws_cognito_user_pool_client.mobile.token_validity_units[0].refresh_token == "days"
    )
    error_message = "ID and access tokens live 60 minutes, refresh tokens 30 days"
  }
  assert {
    condition     = output.issuer_url == "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Mock12345"
    error_message = "issuer URL is https:// + the pool's endpoint"
  }
}

run "identity_pool_only_for_signed_in_users" {
  command = apply

  assert {
    condition     = !aws_cognito_identity_pool.this[0].allow_unauthenticated_identities && !aws_cognito_identity_pool.this[0].allow_classic_flow
    error_message = "no guest identities and no classic flow"
  }
  assert {
    condition     = one(aws_cognito_identity_pool.this[0].cognito_identity_providers).provider_name == aws_cognito_user_pool.this.endpoint && one(aws_cognito_identity_pool.this[0].cognito_identity_providers).client_id == aws_cognito_user_pool_client.mobile.id && one(aws_cognito_identity_pool.this[0].cognito_identity_providers).server_side_token_check
    error_message = "the identity pool trusts this user pool's client, with server-side token checks"
  }
  assert {
    condition     = keys(aws_cognito_identity_pool_roles_attachment.this[0].roles) == tolist(["authenticated"]) && aws_cognito_identity_pool_roles_attachment.this[0].roles.authenticated == aws_iam_role.authenticated[0].arn
    error_message = "only an authenticated role is attached, no unauthenticated one"
  }
  assert {
    condition = jsondecode(aws_iam_role.authenticated[0].assume_role_policy).Statement == [{
      Effect    = "Allow"
      Principal = { Federated = "cognito-identity.amazonaws.com" }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = {
        StringEquals             = { "cognito-identity.amazonaws.com:aud" = "us-east-1:1234abcd-12ab-34cd-56ef-1234567890ab" }
        "ForAnyValue:StringLike" = { "cognito-identity.amazonaws.com:amr" = "authenticated" }
      }
    }]
    error_message = "the role trusts only authenticated identities of this identity pool: ${aws_iam_role.authenticated[0].assume_role_policy}"
  }
  assert {
    condition     = length(aws_iam_role_policy.authenticated) == 0
    error_message = "without caller policies the authenticated role can do nothing"
  }
  assert {
    condition     = output.identity_pool_id == "us-east-1:1234abcd-12ab-34cd-56ef-1234567890ab" && output.authenticated_role_arn == aws_iam_role.authenticated[0].arn
    error_message = "identity pool outputs"
  }
}

run "caller_policy_is_attached_to_the_authenticated_role" {
  command = apply

  variables {
    authenticated_role_policies = {
      "user-files" = jsonencode({
        Version   = "2012-10-17"
        Statement = [{ Effect = "Allow", Action = ["s3:GetObject"], Resource = "arn:aws:s3:::b/private/$${cognito-identity.amazonaws.com:sub}/*" }]
      })
    }
  }

  assert {
    condition     = aws_iam_role_policy.authenticated["user-files"].role == aws_iam_role.authenticated[0].id && aws_iam_role_policy.authenticated["user-files"].policy == var.authenticated_role_policies["user-files"]
    error_message = "the caller's policy is attached, unchanged, to the authenticated role"
  }
  assert {
    condition     = strcontains(jsondecode(aws_iam_role_policy.authenticated["user-files"].policy).Statement[0].Resource, "$${cognito-identity.amazonaws.com:sub}")
    error_message = "the IAM policy variable reaches AWS as it is, not as a template"
  }
}

run "password_auth_only_when_asked" {
  command = plan

  variables {
    allow_user_password_auth = true
  }

  assert {
    condition     = aws_cognito_user_pool_client.mobile.explicit_auth_flows == toset(["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_PASSWORD_AUTH"])
    error_message = "allow_user_password_auth adds ALLOW_USER_PASSWORD_AUTH to the defaults"
  }
}

run "without_identity_pool" {
  command = apply

  variables {
    identity_pool               = false
    authenticated_role_policies = { "ignored" = "{}" }
  }

  assert {
    condition     = length(aws_cognito_identity_pool.this) == 0 && length(aws_iam_role.authenticated) == 0 && length(aws_iam_role_policy.authenticated) == 0
    error_message = "no identity pool, role or policies"
  }
  assert {
    condition     = output.identity_pool_id == null && output.authenticated_role_arn == null && output.authenticated_role_name == null
    error_message = "identity outputs are null without an identity pool"
  }
}

run "sandbox_profile_leaves_out_hardening_only" {
  command = apply

  variables {
    security_settings         = false
    id_token_validity_minutes = 1440
    deletion_protection       = false
  }

  assert {
    condition     = length(aws_cognito_user_pool_client.mobile.token_validity_units) == 0 && aws_cognito_user_pool_client.mobile.id_token_validity == 24 && aws_cognito_user_pool_client.mobile.access_token_validity == 1
    error_message = "without units the lifetimes are sent in hours, rounded up"
  }
  assert {
    condition     = length(aws_cognito_user_pool.this.user_attribute_update_settings) == 0
    error_message = "the verified-update setting is left out"
  }
  assert {
    condition     = aws_cognito_user_pool.this.deletion_protection == "INACTIVE"
    error_message = "a disposable pool opts out of deletion protection"
  }
  assert {
    condition     = !aws_cognito_user_pool_client.mobile.generate_secret && aws_cognito_user_pool.this.password_policy[0].minimum_length == 12 && aws_cognito_user_pool.this.mfa_configuration == "OPTIONAL"
    error_message = "the rest of the hardening stays"
  }
}

run "threat_protection_on_plus_tier" {
  command = plan

  variables {
    user_pool_tier    = "PLUS"
    threat_protection = "AUDIT"
  }

  assert {
    condition     = aws_cognito_user_pool.this.user_pool_add_ons[0].advanced_security_mode == "AUDIT"
    error_message = "threat protection in audit mode"
  }
}

run "rejects_threat_protection_without_plus_tier" {
  command = plan
  variables {
    threat_protection = "ENFORCED"
  }
  expect_failures = [aws_cognito_user_pool.this]
}

run "rejects_short_password_policy" {
  command = plan
  variables {
    password_minimum_length = 6
  }
  expect_failures = [var.password_minimum_length]
}

run "rejects_flows_without_refresh" {
  command = plan
  variables {
    explicit_auth_flows = ["ALLOW_USER_SRP_AUTH"]
  }
  expect_failures = [var.explicit_auth_flows]
}

run "rejects_unknown_mfa_mode" {
  command = plan
  variables {
    mfa_configuration = "SMS"
  }
  expect_failures = [var.mfa_configuration]
}

run "rejects_token_lifetime_beyond_a_day" {
  command = plan
  variables {
    access_token_validity_minutes = 1441
  }
  expect_failures = [var.access_token_validity_minutes]
}

run "rejects_long_name" {
  command = plan
  variables {
    name = "a-name-that-is-much-too-long-for-the-authenticated-role"
  }
  expect_failures = [var.name]
}
