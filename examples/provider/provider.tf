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

# A named profile, and a deployment role assumed with its credentials (as the
# hashicorp/aws provider's assume_role block does).
provider "refarch" {
  alias   = "deploy"
  region  = "eu-west-1"
  profile = "ci"

  assume_role {
    role_arn     = "arn:aws:iam::111122223333:role/refarch-deployer"
    session_name = "refarch-ci"
    external_id  = "refarch-7f3a"
  }

  # Tags on what the provider's resources create that AWS can tag (a key
  # pair's secret, a report schedule's IAM role), as in hashicorp/aws.
  default_tags {
    tags = {
      Environment = "production"
      Owner       = "platform-team"
    }
  }
}

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
