terraform {
  # 1.9 (OpenTofu 1.8): the validations of availability_zones and avoid_cidr_blocks refer to other variables.
  required_version = ">= 1.9.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.0"
    }
  }
}
