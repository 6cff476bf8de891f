# The import id is the key group id and the ARN of the secret holding the
# private key, separated by a comma: CloudFront keeps only public keys, so the
# private key cannot be recovered from the key group.
tofu import refarch_signed_url_keypair.media 8d3f6a57-0c21-4f2e-9d6a-3b8f0e5c1a42,arn:aws:secretsmanager:eu-west-1:123456789012:secret:refarch/signed-url-keypair/media-signing/4f2a9c1e-Ab12Cd
