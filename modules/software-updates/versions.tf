terraform {
  # 1.9: allow_plain_http's validation refers to another variable.
  required_version = ">= 1.9.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.0"
    }
  }
}
