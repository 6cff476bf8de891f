terraform {
  # Ephemeral resources and write-only attributes keep the cache password out of the state.
  required_version = ">= 1.11.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.0"
    }
    refarch = {
      source  = "refarch/refarch"
      version = ">= 0.1.0, < 1.0.0"
    }
  }
}
