terraform {
  required_providers {
    refarch = {
      source = "refarch/refarch"
    }
  }
}

# Region and credentials from the environment (AWS_REGION, AWS_PROFILE, ...),
# exactly like the AWS CLI and the hashicorp/aws provider.
provider "refarch" {}

# Everything explicit, against a local AWS emulator.
provider "refarch" {
  alias = "local"

  region     = "us-east-1"
  access_key = "test"
  secret_key = "test"

  endpoints {
    cloudfront     = "http://localhost:4566"
    dynamodb       = "http://localhost:4566"
    iam            = "http://localhost:4566"
    lambda         = "http://localhost:4566"
    s3             = "http://localhost:4566"
    scheduler      = "http://localhost:4566"
    secretsmanager = "http://localhost:4566"
    sts            = "http://localhost:4566"
    athena         = "http://localhost:4566"
  }
}
