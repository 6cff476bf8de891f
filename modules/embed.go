// Package modules embeds the OpenTofu/Terraform modules of this directory, so that Go code (pkg/refarch, the test
// harness, the CLI) deploys exactly the HCL that ships, without a checkout. Files starting with '.' or '_' (such as
// .terraform/ and lock files) are left out.
package modules

import "embed"

// FS holds every module directory (<name>/*.tf, tests, READMEs).
//
//go:embed *
var FS embed.FS
