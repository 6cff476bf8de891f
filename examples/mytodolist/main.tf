# Deploys MyTodoList. Real AWS: `tofu init && tofu apply`. Local sandbox: `make demo` (the harness adds an override
# file pointing both providers at kumo and turns off what the sandbox lacks through the variables below).

terraform {
  required_version = ">= 1.6.0"

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

provider "aws" {
  region = var.region
}

provider "refarch" {
  region = var.region
}

module "mytodolist" {
  source = "../../modules/mytodolist"

  name                   = var.name
  point_in_time_recovery = var.point_in_time_recovery
  table_encryption       = var.table_encryption
  api = {
    access_logs     = var.access_logs
    method_settings = var.method_settings
  }
  log_retention_days = 30
  tags               = { project = "refarch", architecture = "mytodolist" }
}
