package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/refarch/terraform-provider-refarch/pkg/refarch"
)

// TestExitCodes: bad input gives one clear error and the documented exit code, before anything starts.
func TestExitCodes(t *testing.T) {
	t.Setenv("REFARCH_CACHE", t.TempDir())
	dir := filepath.Join(t.TempDir(), "state")
	for _, tc := range []struct {
		args []string
		want int
	}{
		{nil, exitUsage},
		{[]string{"frobnicate"}, exitUsage},
		{[]string{"sandbox"}, exitUsage},
		{[]string{"sandbox", "up"}, exitUsage},
		{[]string{"sandbox", "up", "mytodolist", "--port", "http"}, exitUsage},
		{[]string{"sandbox", "up", "todolist"}, exitUsage},
		{[]string{"sandbox", "up", "mytodolist", "--var", "nickname=x"}, exitUsage},
		{[]string{"sandbox", "demo", "myblog"}, exitUsage},
		{[]string{"apply", "mytodolist", "--var", "name=x"}, exitUsage}, // no --dir
		{[]string{"apply", "mytodolist", "--dir", dir, "--var", "name=Bad"}, exitUsage},
		{[]string{"plan", "myblog", "--dir", dir, "--var", "name=b", "--var", "sender_address=nobody"}, exitUsage},
		{[]string{"destroy", "paid-content", "--dir", dir, "--var", "url_ttl_minutes=0"}, exitUsage},
		{[]string{"sandbox", "down", "myblog"}, exitFailed}, // not up
		{[]string{"sandbox", "status"}, exitOK},
		{[]string{"architectures", "--json"}, exitOK},
		{[]string{"help"}, exitOK},
		{[]string{"architectures", "-h"}, exitOK},
		{[]string{"sandbox", "up", "--help"}, exitOK},
		{[]string{"sweep", "-h"}, exitOK},
		{[]string{"architectures", "--bogus"}, exitUsage},
	} {
		if got := run(context.Background(), tc.args); got != tc.want {
			t.Errorf("refarch %v: exit %d, want %d", tc.args, got, tc.want)
		}
	}
	if _, err := os.Stat(dir); err == nil {
		t.Errorf("an invalid configuration created its working directory")
	}
}

// TestJSONErrors: with --json an error is one JSON object on stdout (event "error", the message, the exit code), not
// text on stderr; without it, text on stderr and nothing on stdout; -h prints the usage on stdout.
func TestJSONErrors(t *testing.T) {
	for _, tc := range []struct {
		err      error
		jsonOut  bool
		want     int
		wantJSON string // the "error" field; "" when no JSON is expected
	}{
		{usageError{"unknown option --bogus"}, true, exitUsage, "unknown option --bogus"},
		{fmt.Errorf("%w: unknown architecture \"x\"", refarch.ErrInvalid), true, exitUsage, "invalid configuration: unknown architecture \"x\""},
		{errors.New("refarch: kumo died"), true, exitFailed, "kumo died"},
		{usageError{"unknown option --bogus"}, false, exitUsage, ""},
		{errHelp, true, exitOK, ""},
	} {
		var stdout, stderr bytes.Buffer
		if got := exitCode(tc.err, tc.jsonOut, &stdout, &stderr); got != tc.want {
			t.Errorf("%v (json %v): exit %d, want %d", tc.err, tc.jsonOut, got, tc.want)
		}
		switch {
		case tc.wantJSON != "":
			var v struct {
				Event, Error string
				Exit         int
			}
			if err := json.Unmarshal(stdout.Bytes(), &v); err != nil || v.Event != "error" || v.Error != tc.wantJSON || v.Exit != tc.want || stderr.Len() != 0 {
				t.Errorf("%v: stdout %q (%v), stderr %q; want one JSON error object on stdout only", tc.err, stdout.String(), err, stderr.String())
			}
		case errors.Is(tc.err, errHelp):
			if !strings.Contains(stdout.String(), "usage:") || stderr.Len() != 0 {
				t.Errorf("help: stdout %q, stderr %q; want the usage on stdout", stdout.String(), stderr.String())
			}
		default:
			if stdout.Len() != 0 || !strings.Contains(stderr.String(), "refarch: unknown option --bogus") {
				t.Errorf("%v: stdout %q, stderr %q; want text on stderr only", tc.err, stdout.String(), stderr.String())
			}
		}
	}
}

// TestStatusAndDownClearStaleRecords: a record whose process is gone shows as stale and `down` removes it.
func TestStatusAndDownClearStaleRecords(t *testing.T) {
	t.Setenv("REFARCH_CACHE", t.TempDir())
	rec := upRecord{Architecture: "mytodolist", PID: 1 << 30, Endpoint: "http://127.0.0.1:1", Started: time.Now()}
	b, _ := json.Marshal(rec)
	if err := os.MkdirAll(filepath.Dir(recordPath("mytodolist")), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(recordPath("mytodolist"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	if alive(rec.PID) {
		t.Skip("pid " + strconv.Itoa(rec.PID) + " exists here")
	}
	if got := run(context.Background(), []string{"sandbox", "status"}); got != exitOK {
		t.Fatalf("status: exit %d", got)
	}
	if got := run(context.Background(), []string{"sandbox", "down"}); got != exitOK {
		t.Fatalf("down: exit %d", got)
	}
	if _, err := os.Stat(recordPath("mytodolist")); !os.IsNotExist(err) {
		t.Fatalf("the stale record is still there: %v", err)
	}
}

// TestSandboxDefaultsValidate: every architecture `sandbox up` can deploy is valid with only the defaults, and the
// command line's values win over them.
func TestSandboxDefaultsValidate(t *testing.T) {
	for _, name := range refarch.Architectures() {
		arch, err := refarch.New(name, withDefaultName(name, nil))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := arch.Validate(); err != nil {
			t.Errorf("%s with the sandbox defaults: %v", name, err)
		}
	}
	got := withDefaultName("myblog", map[string]string{"name": "mine", "sender_address": "me@example.org"})
	if got["name"] != "mine" || got["sender_address"] != "me@example.org" {
		t.Errorf("command-line values lost: %v", got)
	}
	if got := withDefaultName("myblog", map[string]string{"name": "mine"}); got["sender_address"] != "blog@example.com" {
		t.Errorf("setting the name dropped the other defaults: %v", got)
	}
}

// TestMissingCLIFails: with no tofu or terraform to run, a valid command fails (exit 1) before writing anything.
func TestMissingCLIFails(t *testing.T) {
	t.Setenv("REFARCH_CACHE", t.TempDir())
	t.Setenv("REFARCH_TOFU", "/nonexistent/tofu")
	dir := filepath.Join(t.TempDir(), "state")
	if got := run(context.Background(), []string{"plan", "mytodolist", "--dir", dir, "--region", "eu-west-1", "--var", "name=todos"}); got != exitFailed {
		t.Errorf("exit %d, want %d", got, exitFailed)
	}
	if _, err := os.Stat(dir); err == nil {
		t.Error("a run without a CLI created its working directory")
	}
}

// TestParseFlags: each command knows only its own options (another command's is a usage error), options stand
// before or after the architecture, --var repeats, and -h/--help is errHelp.
func TestParseFlags(t *testing.T) {
	for _, tc := range []struct {
		name       string
		args       []string
		positional int
		opts       []string
		want       flags
		wantErr    string // "" ok, "help" errHelp, else a usage error containing it
	}{
		{"options after the architecture", []string{"mytodolist", "--var", "name=a", "--var=tags={}", "--port", "4567", "--json"}, 1,
			[]string{optVar, optPort, optJSON}, flags{arch: "mytodolist", vars: map[string]string{"name": "a", "tags": "{}"}, port: 4567, json: true}, ""},
		{"options before the architecture", []string{"-dir", "/tmp/x", "--region=eu-west-1", "myblog"}, 1,
			[]string{optDir, optRegion, optVar, optJSON}, flags{arch: "myblog", vars: map[string]string{}, dir: "/tmp/x", region: "eu-west-1"}, ""},
		{"optional architecture left out", nil, -1, []string{optJSON}, flags{vars: map[string]string{}}, ""},
		{"another command's option", []string{"--port", "1"}, 0, []string{optJSON}, flags{}, "flag provided but not defined: -port"},
		{"json where the command prints no JSON", []string{"mytodolist", "--json"}, 1, []string{optKeep}, flags{}, "not defined: -json"},
		{"unknown option", []string{"mytodolist", "--bogus"}, 1, []string{optJSON}, flags{}, "not defined: -bogus"},
		{"var without a value", []string{"mytodolist", "--var"}, 1, []string{optVar}, flags{}, "flag needs an argument: -var"},
		{"var without =", []string{"mytodolist", "--var", "name"}, 1, []string{optVar}, flags{}, `want name=value, got "name"`},
		{"port not a number", []string{"mytodolist", "--port", "http"}, 1, []string{optPort}, flags{}, "invalid value"},
		{"port out of range", []string{"mytodolist", "--port", "70000"}, 1, []string{optPort}, flags{}, "want a port number"},
		{"no architecture", []string{"--json"}, 1, []string{optJSON}, flags{}, "name one architecture"},
		{"two architectures", []string{"myblog", "mytodolist"}, 1, nil, flags{}, "name one architecture"},
		{"an argument where none is wanted", []string{"extra"}, 0, nil, flags{}, `unexpected argument "extra"`},
		{"help", []string{"mytodolist", "-h"}, 1, nil, flags{}, "help"},
		{"long help", []string{"--help"}, 1, []string{optVar}, flags{}, "help"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseFlags("cmd", tc.args, tc.positional, tc.opts...)
			var ue usageError
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("error %v", err)
			case tc.wantErr == "help" && !errors.Is(err, errHelp):
				t.Fatalf("error %v, want errHelp", err)
			case tc.wantErr != "" && tc.wantErr != "help" && (!errors.As(err, &ue) || !strings.Contains(ue.msg, tc.wantErr) || !strings.HasPrefix(ue.msg, "cmd: ")):
				t.Fatalf("error %v, want a usage error \"cmd: …%s…\"", err, tc.wantErr)
			case tc.wantErr == "" && fmt.Sprint(got) != fmt.Sprint(tc.want):
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}
