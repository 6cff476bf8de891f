# Cognito for a mobile app: a user pool (e-mail sign-in), an app client without a secret, and optionally an identity
# pool whose authenticated role hands signed-in users temporary AWS credentials (STS) for what the caller allows.

locals {
  explicit_auth_flows = distinct(concat(
    var.explicit_auth_flows,
    var.allow_user_password_auth ? ["ALLOW_USER_PASSWORD_AUTH"] : [],
  ))
}

# ---------------------------------------------------------------------------------------------------------------------
# User pool
# ---------------------------------------------------------------------------------------------------------------------

resource "aws_cognito_user_pool" "this" {
  name                = var.name
  deletion_protection = var.deletion_protection ? "ACTIVE" : "INACTIVE"
  user_pool_tier      = var.user_pool_tier

  # Users sign in with their e-mail address, which Cognito verifies (code by e-mail) before the account is usable.
  username_attributes      = ["email"]
  auto_verified_attributes = ["email"]

  # An e-mail change takes effect only once the new address is verified, so a stolen session cannot silently move
  # the account (and its password resets) to an attacker's address.
  dynamic "user_attribute_update_settings" {
    for_each = var.security_settings ? [1] : []
    content {
      attributes_require_verification_before_update = ["email"]
    }
  }

  password_policy {
    minimum_length                   = var.password_minimum_length
    require_uppercase                = true
    require_lowercase                = true
    require_numbers                  = true
    require_symbols                  = true
    temporary_password_validity_days = var.temporary_password_validity_days
  }

  mfa_configuration = var.mfa_configuration
  dynamic "software_token_mfa_configuration" {
    for_each = var.mfa_configuration == "OFF" ? [] : [1]
    content {
      enabled = true
    }
  }

  account_recovery_setting {
    recovery_mechanism {
      name     = "verified_email"
      priority = 1
    }
  }

  admin_create_user_config {
    allow_admin_create_user_only = !var.self_sign_up
  }

  dynamic "email_configuration" {
    for_each = var.email == null ? [] : [var.email]
    content {
      email_sending_account = "DEVELOPER"
      source_arn            = email_configuration.value.source_arn
      from_email_address    = email_configuration.value.from_address
    }
  }

  # Threat protection (formerly "advanced security") needs the Plus tier, billed per MAU with no free tier; it is
  # off unless asked for. Left out entirely when OFF so that the pool's read-back matches the configuration.
  dynamic "user_pool_add_ons" {
    for_each = var.threat_protection == "OFF" ? [] : [1]
    content {
      advanced_security_mode = var.threat_protection
    }
  }

  tags = var.tags

  lifecycle {
    precondition {
      condition     = var.threat_protection == "OFF" || var.user_pool_tier == "PLUS"
      error_message = "threat_protection (AUDIT or ENFORCED) needs user_pool_tier = \"PLUS\"."
    }
  }
}

# ---------------------------------------------------------------------------------------------------------------------
# App client (mobile: public client, no secret)
# ---------------------------------------------------------------------------------------------------------------------

resource "aws_cognito_user_pool_client" "mobile" {
  name         = coalesce(var.client_name, "${var.name}-mobile")
  user_pool_id = aws_cognito_user_pool.this.id

  # A secret cannot be kept in an app that ships to phones.
  generate_secret     = false
  explicit_auth_flows = local.explicit_auth_flows

  # Sign-in and password-reset errors do not reveal whether an e-mail address has an account; refresh tokens can be
  # revoked (sign-out). Left out only with security_settings = false (emulators that do not store them).
  prevent_user_existence_errors = var.security_settings ? "ENABLED" : null
  enable_token_revocation       = var.security_settings ? true : null

  # In minutes with the units below; without them Cognito reads ID and access token lifetimes as hours.
  id_token_validity      = var.security_settings ? var.id_token_validity_minutes : ceil(var.id_token_validity_minutes / 60)
  access_token_validity  = var.security_settings ? var.access_token_validity_minutes : ceil(var.access_token_validity_minutes / 60)
  refresh_token_validity = var.refresh_token_validity_days
  dynamic "token_validity_units" {
    for_each = var.security_settings ? [1] : []
    content {
      id_token      = "minutes"
      access_token  = "minutes"
      refresh_token = "days"
    }
  }
}

# ---------------------------------------------------------------------------------------------------------------------
# Identity pool: signed-in users exchange their ID token for temporary credentials of the authenticated role
# ---------------------------------------------------------------------------------------------------------------------

resource "aws_cognito_identity_pool" "this" {
  count              = var.identity_pool ? 1 : 0
  identity_pool_name = var.name

  # No guest access, and only the enhanced (simplified) flow: credentials come from the role attached below.
  allow_unauthenticated_identities = false
  allow_classic_flow               = false

  cognito_identity_providers {
    client_id     = aws_cognito_user_pool_client.mobile.id
    provider_name = aws_cognito_user_pool.this.endpoint
    # Ask the user pool whether the token is still valid (e.g. not revoked by a global sign-out).
    server_side_token_check = true
  }

  tags = var.tags
}

resource "aws_iam_role" "authenticated" {
  count       = var.identity_pool ? 1 : 0
  name        = "${var.name}-authenticated"
  description = "Assumed by signed-in users of the ${var.name} identity pool."
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Federated = "cognito-identity.amazonaws.com" }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = {
        StringEquals             = { "cognito-identity.amazonaws.com:aud" = aws_cognito_identity_pool.this[0].id }
        "ForAnyValue:StringLike" = { "cognito-identity.amazonaws.com:amr" = "authenticated" }
      }
    }]
  })
  max_session_duration = 3600
  tags                 = var.tags
}

resource "aws_iam_role_policy" "authenticated" {
  for_each = var.identity_pool ? var.authenticated_role_policies : {}
  name     = each.key
  role     = aws_iam_role.authenticated[0].id
  policy   = each.value
}

resource "aws_cognito_identity_pool_roles_attachment" "this" {
  count            = var.identity_pool ? 1 : 0
  identity_pool_id = aws_cognito_identity_pool.this[0].id
  roles = {
    authenticated = aws_iam_role.authenticated[0].arn
  }
}
