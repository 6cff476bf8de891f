// Package examples embeds the runnable roots of this directory (they refer to ../../modules), so that Go code
// deploys exactly the examples that ship, without a checkout.
package examples

import "embed"

// FS holds every example directory.
//
//go:embed *
var FS embed.FS
