# The distribution's /videos/* behaviour trusts a key group holding this public
# key; the matching private key comes from a sensitive variable or a secret store.
resource "aws_cloudfront_public_key" "signing" {
  name        = "media-signing"
  encoded_key = var.signing_public_key_pem
}

# New links every week. (plantimestamp() would give new links on every plan.)
resource "time_rotating" "links" {
  rotation_days = 7
}

# Canned policy: this one URL, until eight days after the last rotation.
output "intro_video_url" {
  sensitive = true # the key is sensitive, and the URL is a credential until it expires
  value = provider::refarch::cloudfront_signed_url(
    "https://${aws_cloudfront_distribution.media.domain_name}/videos/intro.mp4",
    aws_cloudfront_public_key.signing.id,
    var.signing_private_key_pem,
    { expires_at = timeadd(time_rotating.links.rfc3339, "192h") }
  )
}

# Custom policy: the same Policy, Signature and Key-Pair-Id query parameters
# work for every file under /videos/ (the segments of a stream), only from the
# office network and not before the launch. After expires_at the URL is simply
# expired: the function never reads the clock, so this keeps planning.
output "launch_stream_url" {
  sensitive = true
  value = provider::refarch::cloudfront_signed_url(
    "https://${aws_cloudfront_distribution.media.domain_name}/videos/launch/index.m3u8",
    aws_cloudfront_public_key.signing.id,
    var.signing_private_key_pem,
    {
      resource   = "https://${aws_cloudfront_distribution.media.domain_name}/videos/launch/*"
      starts_at  = "2030-03-01T09:00:00Z"
      expires_at = "2030-03-08T09:00:00Z"
      ip_range   = "192.0.2.0/24"
    }
  )
}
