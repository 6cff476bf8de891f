// Command refarch drives refarch's reference architectures: on a local AWS sandbox (no account, no Docker) or on
// real AWS, through the typed Go API in pkg/refarch.
//
//	refarch architectures                                   the architectures and their variables
//	refarch sandbox up <architecture> [--var k=v]…          deploy to a local sandbox and keep it running (Ctrl-C or `down` ends it)
//	refarch sandbox status                                  the running sandboxes
//	refarch sandbox down [<architecture>]                   tear a running sandbox down
//	refarch sandbox demo <architecture> [--keep]            deploy, walk a user journey, tear down
//	refarch plan|apply|destroy <architecture> --dir D [--region R] [--var k=v]…   real AWS (the usual credential chain)
//	refarch sweep [--region R[,R]]… [--run ID] [--older-than 1h] [--dry-run=false]   delete what real-AWS test runs left
//
// --json prints one JSON object per line instead of text, an error too ({"event":"error","error":…,"exit":…} on
// stdout); -h after a command prints the usage (exit 0). Exit codes: 0 done; 1 failed (the message says what, and
// whether anything is left deployed); 2 bad usage or an invalid configuration (nothing was started); 3 `plan` found
// changes to make.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"

	"github.com/refarch/terraform-provider-refarch/pkg/refarch"
)

const usage = `usage:
  refarch architectures [--json]
  refarch sandbox up <architecture> [--var name=value]... [--port N] [--json]
  refarch sandbox status [--json]
  refarch sandbox down [<architecture>] [--json]
  refarch sandbox demo <architecture> [--keep]
  refarch plan|apply|destroy <architecture> --dir DIR [--region REGION] [--var name=value]... [--json]
  refarch sweep [--region REGION[,REGION]]... [--run ID] [--older-than 1h] [--dry-run=false] [--parallel 4] [--json]

exit codes: 0 done, 1 failed, 2 bad usage or invalid configuration (nothing started), 3 plan has changes`

// Exit codes scripts can rely on.
const (
	exitOK      = 0
	exitFailed  = 1
	exitUsage   = 2
	exitChanges = 3
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:]))
}

// usageError is a command line refarch cannot act on.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// errChanges is plan's "there is something to apply".
var errChanges = errors.New("the plan has changes")

// errHelp is -h or --help after a command: the usage, on stdout, and exit 0.
var errHelp = errors.New("help requested")

func run(ctx context.Context, args []string) int {
	return exitCode(dispatch(ctx, args), slices.Contains(args, "--json") || slices.Contains(args, "-json"), os.Stdout, os.Stderr)
}

// exitCode is the exit status for what a command returned, after printing the error: as text on stderr, or with
// --json as one JSON object on stdout ({"event":"error","error":…,"exit":…}) like every other line it prints.
func exitCode(err error, jsonOut bool, stdout, stderr io.Writer) int {
	var ue usageError
	var code int
	var msg string
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errHelp):
		fmt.Fprintln(stdout, usage)
		return exitOK
	case errors.Is(err, errChanges):
		return exitChanges
	case errors.As(err, &ue):
		code, msg = exitUsage, ue.msg
		if msg == "" {
			msg = "no command"
		}
	case errors.Is(err, refarch.ErrInvalid):
		code, msg = exitUsage, strings.TrimPrefix(err.Error(), "refarch: ")
	default:
		code, msg = exitFailed, strings.TrimPrefix(err.Error(), "refarch: ")
	}
	if jsonOut {
		b, _ := json.Marshal(map[string]any{"event": "error", "error": msg, "exit": code})
		fmt.Fprintln(stdout, string(b))
		return code
	}
	if errors.As(err, &ue) {
		if ue.msg != "" {
			fmt.Fprintln(stderr, "refarch:", ue.msg)
		}
		fmt.Fprintln(stderr, usage)
		return code
	}
	fmt.Fprintln(stderr, "refarch:", msg)
	return code
}

func dispatch(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return usageError{}
	}
	switch args[0] {
	case "architectures":
		f, err := parseFlags("architectures", args[1:], 0, optJSON)
		if err != nil {
			return err
		}
		return listArchitectures(newReporter(f.json))
	case "sandbox":
		if len(args) < 2 {
			return usageError{"sandbox needs up, status, down or demo"}
		}
		switch args[1] {
		case "up":
			f, err := parseFlags("sandbox up", args[2:], 1, optVar, optPort, optJSON)
			if err != nil {
				return err
			}
			return sandboxUp(ctx, f)
		case "status":
			f, err := parseFlags("sandbox status", args[2:], 0, optJSON)
			if err != nil {
				return err
			}
			return sandboxStatus(newReporter(f.json))
		case "down":
			f, err := parseFlags("sandbox down", args[2:], -1, optJSON)
			if err != nil {
				return err
			}
			return sandboxDown(ctx, f)
		case "demo":
			f, err := parseFlags("sandbox demo", args[2:], 1, optKeep)
			if err != nil {
				return err
			}
			j, ok := journeys[f.arch]
			if !ok {
				return usageError{fmt.Sprintf("no demo for architecture %q (have: ingestion, mytodolist)", f.arch)}
			}
			return demo(ctx, f.arch, j, f.keep)
		}
		return usageError{fmt.Sprintf("unknown sandbox command %q", args[1])}
	case "plan", "apply", "destroy":
		f, err := parseFlags(args[0], args[1:], 1, optDir, optRegion, optVar, optJSON)
		if err != nil {
			return err
		}
		return deploy(ctx, args[0], f)
	case "sweep":
		return sweepCmd(ctx, args[1:], connectAWS)
	case "-h", "--help", "help":
		fmt.Println(usage)
		return nil
	}
	return usageError{fmt.Sprintf("unknown command %q", args[0])}
}

// flags are every command's options; each command uses its own.
type flags struct {
	arch   string
	vars   map[string]string
	dir    string
	region string
	port   int
	json   bool
	keep   bool
}

// Each command's options (every command takes -h/--help).
const (
	optJSON   = "json"
	optVar    = "var"
	optDir    = "dir"
	optRegion = "region"
	optPort   = "port"
	optKeep   = "keep"
)

// varFlag is the repeatable --var name=value.
type varFlag map[string]string

func (v varFlag) String() string { return "" }

func (v varFlag) Set(s string) error {
	k, val, ok := strings.Cut(s, "=")
	if !ok || k == "" {
		return fmt.Errorf("want name=value, got %q", s)
	}
	v[k] = val
	return nil
}

// parseFlags parses one command's arguments with a flag.FlagSet of its own that knows only the options named in
// opts (and -h/--help): any other option is a usage error. Options may stand before and after the
// architecture, the positional argument: positional is 1 (required), 0 (none) or -1 (optional).
func parseFlags(cmd string, args []string, positional int, opts ...string) (flags, error) {
	f := flags{vars: map[string]string{}}
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	for _, o := range opts {
		switch o {
		case optJSON:
			fs.BoolVar(&f.json, optJSON, false, "")
		case optVar:
			fs.Var(varFlag(f.vars), optVar, "")
		case optDir:
			fs.StringVar(&f.dir, optDir, "", "")
		case optRegion:
			fs.StringVar(&f.region, optRegion, "", "")
		case optPort:
			fs.IntVar(&f.port, optPort, 0, "")
		case optKeep:
			fs.BoolVar(&f.keep, optKeep, false, "")
		default:
			panic("parseFlags: unknown option " + o)
		}
	}
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return f, errHelp
			}
			return f, usageError{cmd + ": " + err.Error()}
		}
		if fs.NArg() == 0 {
			break
		}
		// flag stops at the first argument that is not an option: take it, and go on after it.
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if f.port < 0 || f.port > 65535 {
		return f, usageError{fmt.Sprintf("%s: --port %d: want a port number", cmd, f.port)}
	}
	switch {
	case positional == 1 && len(pos) != 1:
		return f, usageError{cmd + ": name one architecture (refarch architectures lists them)"}
	case positional == 0 && len(pos) != 0, positional == -1 && len(pos) > 1:
		return f, usageError{fmt.Sprintf("%s: unexpected argument %q", cmd, pos[len(pos)-1])}
	}
	if len(pos) == 1 {
		f.arch = pos[0]
	}
	return f, nil
}

func listArchitectures(r *reporter) error {
	for _, name := range refarch.Architectures() {
		a, _ := refarch.New(name, nil)
		r.result(name, map[string]any{"architecture": name, "example": a.Example(), "variables": refarch.VariableNames(name)})
	}
	return nil
}
