// Command refarch drives refarch's reference architectures.
//
//	refarch sandbox demo mytodolist [--keep]   deploy to the local sandbox, walk a user journey, tear down
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

const usage = `usage: refarch sandbox demo <architecture> [--keep]

  sandbox demo   deploy examples/<architecture> to a local AWS sandbox (kumo), walk a user journey printing
                 each step and its HTTP status, then tear everything down (--keep: leave it running until Ctrl-C)

architectures: mytodolist`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		var ue usageError
		if errors.As(err, &ue) {
			fmt.Fprintln(os.Stderr, usage)
			os.Exit(2)
		}
		fmt.Fprintln(os.Stderr, "refarch:", err)
		os.Exit(1)
	}
}

type usageError struct{}

func (usageError) Error() string { return "usage" }

func run(ctx context.Context, args []string) error {
	if len(args) < 3 || args[0] != "sandbox" || args[1] != "demo" {
		return usageError{}
	}
	keep := false
	for _, a := range args[3:] {
		switch a {
		case "--keep", "-keep":
			keep = true
		default:
			return usageError{}
		}
	}
	j, ok := journeys[args[2]]
	if !ok {
		return fmt.Errorf("no demo for architecture %q (have: mytodolist)", args[2])
	}
	return demo(ctx, args[2], j, keep)
}
