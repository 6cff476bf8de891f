# A key pair for signed URLs and cookies, rotated every 90 days. After each
# rotation the previous key keeps working for 48 hours, longer than the
# lifetime of the URLs the application signs (24 hours) plus the time its
# signer caches the secret.
resource "time_rotating" "signing_key" {
  rotation_days = 90
}

resource "refarch_signed_url_keypair" "media" {
  name                  = "media-signing"
  comment               = "Signed URLs for /videos/*"
  rotation              = time_rotating.signing_key.id
  rotation_grace_period = "48h"
  # kms_key_id                = aws_kms_key.secrets.arn
  # secret_recovery_window_days = 7
}

# A fragment for the docs: the distribution's WAF, viewer TLS and logging settings are elided with the rest (see
# modules/paid-content for a complete one).
#trivy:ignore:AWS-0010
#trivy:ignore:AWS-0011
#trivy:ignore:AWS-0013
resource "aws_cloudfront_distribution" "media" {
  # ... origins, default_cache_behavior, viewer_certificate, restrictions, web_acl_id ...

  ordered_cache_behavior {
    path_pattern       = "/videos/*"
    target_origin_id   = "media"
    trusted_key_groups = [refarch_signed_url_keypair.media.key_group_id]
    # ...
  }
}

# The signer (here a Lambda function) reads the secret at run time: a JSON
# document with key_pair_id and private_key_pem, always a matching pair.
data "aws_iam_policy_document" "signer" {
  statement {
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [refarch_signed_url_keypair.media.secret_arn]
  }
}

resource "aws_lambda_function" "signer" {
  # ...
  environment {
    variables = {
      SIGNING_KEY_SECRET_ARN = refarch_signed_url_keypair.media.secret_arn
    }
  }
}
