# Cookies that open everything under /videos/ of the distribution (custom
# policy, because of the wildcard) for a week after the last rotation, e.g.
# for a staging site whose server sends them as Set-Cookie headers.
resource "time_rotating" "cookies" {
  rotation_days = 7
}

locals {
  video_cookies = provider::refarch::cloudfront_signed_cookies(
    "https://${aws_cloudfront_distribution.media.domain_name}/videos/*",
    aws_cloudfront_public_key.signing.id,
    var.signing_private_key_pem, # sensitive: the result is sensitive too
    { expires_at = timeadd(time_rotating.cookies.rfc3339, "192h") }
  )
  # => { "CloudFront-Policy" = "...", "CloudFront-Signature" = "...", "CloudFront-Key-Pair-Id" = "K2JCJMDEHXQW5F" }
}

resource "aws_secretsmanager_secret_version" "staging_cookies" {
  secret_id = aws_secretsmanager_secret.staging_cookies.id
  secret_string = jsonencode([
    for name, value in local.video_cookies :
    "${name}=${value}; Domain=${aws_cloudfront_distribution.media.domain_name}; Path=/; Secure; HttpOnly"
  ])
}

# One exact URL and only an expiry: canned policy, with the cookies
# CloudFront-Expires, CloudFront-Signature and CloudFront-Key-Pair-Id.
output "manual_cookies" {
  sensitive = true
  value = provider::refarch::cloudfront_signed_cookies(
    "https://${aws_cloudfront_distribution.media.domain_name}/docs/manual.pdf",
    aws_cloudfront_public_key.signing.id,
    var.signing_private_key_pem,
    { expires_at = "2030-01-01T00:00:00Z" }
  )
}
