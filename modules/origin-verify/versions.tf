terraform {
  # Write-only attributes keep the secret's value out of the Secrets Manager version in the state.
  required_version = ">= 1.11.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.0"
    }
    refarch = {
      source  = "refarch/refarch"
      version = ">= 0.1.0"
    }
  }
}
