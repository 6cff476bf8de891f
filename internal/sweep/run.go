package sweep

import (
	"crypto/rand"
	"encoding/hex"
	"strings"
	"time"
)

// TagKey is the tag every resource of a real-AWS test run carries (through the AWS provider's default_tags in the
// examples and fixtures, and on what the tests create with the SDK); its value names the run.
const TagKey = "refarch:test-run"

// RunEnv names the environment variable that overrides a test process's generated run id.
const RunEnv = "REFARCH_TEST_RUN"

// runTimeLayout is the start time at the front of a generated run id: UTC, to the second.
const runTimeLayout = "20060102T150405Z"

// NewRun returns a new run id: the start time and 8 random hex digits, e.g. "20261201T101500Z-1a2b3c4d". Tag values
// allow letters, digits, spaces and _.:/=+-@, up to 256 characters; this stays within them. RunStarted reads the
// start time back, which is how the sweep tells a run that may still be going from a leftover.
func NewRun(now time.Time) string {
	b := make([]byte, 4)
	_, _ = rand.Read(b) // never fails (crypto/rand panics rather than return an error since Go 1.24)
	return now.UTC().Format(runTimeLayout) + "-" + hex.EncodeToString(b)
}

// RunStarted is the start time in a run id made by NewRun; false for any other value (e.g. one set by hand with
// REFARCH_TEST_RUN), whose age the sweep cannot tell.
func RunStarted(run string) (time.Time, bool) {
	stamp, _, _ := strings.Cut(run, "-")
	t, err := time.Parse(runTimeLayout, stamp)
	return t, err == nil
}
