variable "name" {
  description = "Name of the user pool and the identity pool; prefixes the client and the authenticated role (`<name>-authenticated`). 1-50 letters, digits, hyphens or underscores."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,50}$", var.name))
    error_message = "name must be 1-50 letters, digits, '-' or '_' (it prefixes the IAM role <name>-authenticated, which AWS limits to 64 characters)."
  }
}

variable "deletion_protection" {
  description = "Protect the user pool from deletion: deleting a pool deletes every user account in it (default true: `destroy` fails until it is set false and applied; false only for disposable deployments such as the examples and the sandbox)."
  type        = bool
  default     = true
}

variable "user_pool_tier" {
  description = "Feature plan of the user pool: `LITE`, `ESSENTIALS` (default; what AWS gives new pools, 10,000 MAU free per month) or `PLUS` (needed for `threat_protection`; billed for every MAU)."
  type        = string
  default     = "ESSENTIALS"

  validation {
    condition     = contains(["LITE", "ESSENTIALS", "PLUS"], var.user_pool_tier)
    error_message = "user_pool_tier must be \"LITE\", \"ESSENTIALS\" or \"PLUS\"."
  }
}

variable "threat_protection" {
  description = "Cognito threat protection (advanced security): `OFF` (default), `AUDIT` (log risky sign-ins) or `ENFORCED` (block them). Anything but `OFF` needs `user_pool_tier = \"PLUS\"`, which is billed per monthly active user with no free tier."
  type        = string
  default     = "OFF"

  validation {
    condition     = contains(["OFF", "AUDIT", "ENFORCED"], var.threat_protection)
    error_message = "threat_protection must be \"OFF\", \"AUDIT\" or \"ENFORCED\"."
  }
}

variable "password_minimum_length" {
  description = "Minimum password length, 8-99 (default 12). Passwords must also contain an upper-case letter, a lower-case letter, a number and a symbol."
  type        = number
  default     = 12

  validation {
    condition     = var.password_minimum_length >= 8 && var.password_minimum_length <= 99 && floor(var.password_minimum_length) == var.password_minimum_length
    error_message = "password_minimum_length must be a whole number from 8 to 99 (Cognito allows 6-99; below 8 is not offered)."
  }
}

variable "temporary_password_validity_days" {
  description = "Days an administrator-set temporary password stays valid, 1-365 (default 7)."
  type        = number
  default     = 7

  validation {
    condition     = var.temporary_password_validity_days >= 1 && var.temporary_password_validity_days <= 365
    error_message = "temporary_password_validity_days must be between 1 and 365."
  }
}

variable "mfa_configuration" {
  description = "Multi-factor authentication: `OPTIONAL` (default: each user may turn on a TOTP authenticator app), `ON` (required for every user) or `OFF`. Software tokens (TOTP) are the second factor; no SMS."
  type        = string
  default     = "OPTIONAL"

  validation {
    condition     = contains(["OFF", "OPTIONAL", "ON"], var.mfa_configuration)
    error_message = "mfa_configuration must be \"OFF\", \"OPTIONAL\" or \"ON\"."
  }
}

variable "self_sign_up" {
  description = "Let users sign themselves up from the app (default true). False: only administrators create users."
  type        = bool
  default     = true
}

variable "email" {
  description = "Send Cognito's e-mails (verification codes, password resets) through SES: `source_arn` (ARN of a verified SES identity) and `from_address` (e.g. `MyApp <no-reply@example.com>`). Null (default) uses Cognito's built-in sender, limited to 50 e-mails a day per account: enough for tests, not for production."
  type = object({
    source_arn   = string
    from_address = optional(string)
  })
  default = null

  validation {
    condition     = var.email == null || can(regex("^arn:aws[a-z-]*:ses:[a-z0-9-]+:[0-9]{12}:identity/.+$", var.email.source_arn))
    error_message = "email.source_arn must be the ARN of an SES identity, arn:<partition>:ses:<region>:<account>:identity/<address or domain>."
  }
}

variable "client_name" {
  description = "Name of the app client; null (default) names it `<name>-mobile`."
  type        = string
  default     = null
}

variable "explicit_auth_flows" {
  description = "Sign-in flows the app client allows. Default: `ALLOW_USER_SRP_AUTH` (the password never leaves the device) and `ALLOW_REFRESH_TOKEN_AUTH`, which must always be included."
  type        = list(string)
  default     = ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]

  validation {
    condition     = alltrue([for f in var.explicit_auth_flows : contains(["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_CUSTOM_AUTH", "ALLOW_USER_AUTH"], f)])
    error_message = "explicit_auth_flows may only contain ALLOW_USER_SRP_AUTH, ALLOW_REFRESH_TOKEN_AUTH, ALLOW_USER_PASSWORD_AUTH, ALLOW_ADMIN_USER_PASSWORD_AUTH, ALLOW_CUSTOM_AUTH or ALLOW_USER_AUTH."
  }
  validation {
    condition     = contains(var.explicit_auth_flows, "ALLOW_REFRESH_TOKEN_AUTH")
    error_message = "explicit_auth_flows must include ALLOW_REFRESH_TOKEN_AUTH, or signed-in users could never refresh their tokens."
  }
}

variable "allow_user_password_auth" {
  description = "Also allow `ALLOW_USER_PASSWORD_AUTH`, which sends the password itself (over TLS) to Cognito (default false). For test harnesses and emulators that do not speak SRP; leave it off for the app."
  type        = bool
  default     = false
}

variable "security_settings" {
  description = "Apply the hardening that is not Cognito's API default (default true): on the user pool, an e-mail change takes effect only once the new address is verified; on the app client, `prevent_user_existence_errors = \"ENABLED\"`, `enable_token_revocation = true` and token lifetimes in minutes (`token_validity_units`). False leaves all of them out, only for emulators that do not return them (the local sandbox); the ID and access token lifetimes are then sent in Cognito's default unit, hours, rounded up. Not for AWS."
  type        = bool
  default     = true
}

variable "id_token_validity_minutes" {
  description = "Lifetime of ID tokens in minutes, 5-1440 (default 60)."
  type        = number
  default     = 60

  validation {
    condition     = var.id_token_validity_minutes >= 5 && var.id_token_validity_minutes <= 1440
    error_message = "id_token_validity_minutes must be between 5 and 1440 (1 day)."
  }
}

variable "access_token_validity_minutes" {
  description = "Lifetime of access tokens in minutes, 5-1440 (default 60)."
  type        = number
  default     = 60

  validation {
    condition     = var.access_token_validity_minutes >= 5 && var.access_token_validity_minutes <= 1440
    error_message = "access_token_validity_minutes must be between 5 and 1440 (1 day)."
  }
}

variable "refresh_token_validity_days" {
  description = "Lifetime of refresh tokens in days, 1-3650 (default 30): how long a user stays signed in without entering the password again."
  type        = number
  default     = 30

  validation {
    condition     = var.refresh_token_validity_days >= 1 && var.refresh_token_validity_days <= 3650
    error_message = "refresh_token_validity_days must be between 1 and 3650 (10 years)."
  }
}

variable "identity_pool" {
  description = "Create an identity pool (default true) whose authenticated role gives signed-in users temporary AWS credentials. Unauthenticated (guest) identities are never allowed."
  type        = bool
  default     = true
}

variable "authenticated_role_policies" {
  description = "Inline IAM policies (name => policy JSON) of the identity pool's authenticated role, e.g. a per-user S3 folder policy from the `refarch_cognito_identity_s3_prefix_policy` data source. Empty (default): the role can do nothing. Ignored without an identity pool."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for k in keys(var.authenticated_role_policies) : can(regex("^[A-Za-z0-9+=,.@_-]{1,128}$", k))])
    error_message = "Each key of authenticated_role_policies is an IAM policy name: 1-128 letters, digits or +=,.@_-."
  }
}

variable "tags" {
  description = "Tags for every resource that takes tags."
  type        = map(string)
  default     = {}
}
