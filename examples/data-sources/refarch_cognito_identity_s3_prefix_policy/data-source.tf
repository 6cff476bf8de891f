# Every signed-in user of the identity pool may read, write and delete the
# objects under private/<their identity ID>/ of the bucket, and list that folder.
data "refarch_cognito_identity_s3_prefix_policy" "user_files" {
  bucket_arn = aws_s3_bucket.uploads.arn
  prefix     = "private/"                                                           # the default
  actions    = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket"] # the default
}

# Attach it to the identity pool's authenticated role.
resource "aws_iam_role_policy" "user_files" {
  name   = "user-files"
  role   = aws_iam_role.authenticated.id
  policy = data.refarch_cognito_identity_s3_prefix_policy.user_files.json
}

# The app names the folder after the identity ID that GetId returns
# ("us-east-1:1234abcd-12ab-34cd-56ef-1234567890ab"), NOT after the "sub" claim
# of the user pool token:
#   s3://<bucket>/private/<identity ID>/photo.jpg
