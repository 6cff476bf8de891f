terraform {
  required_version = ">= 1.11.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.0"
    }
    # Used by services B and the events (refarch_lambda_package); declared here so that callers and tests map it.
    # tflint-ignore: terraform_unused_required_providers
    refarch = {
      source  = "refarch/refarch"
      version = ">= 0.1.0, < 1.0.0"
    }
  }
}
