// Package sweep deletes what real-AWS test runs left behind, found by their refarch:test-run tag (TagKey), in
// dependency order — modelled on terraform-provider-aws's sweepers. Resources are found with the Resource Groups
// Tagging API in each region (CloudFront distributions through us-east-1), IAM roles and instance profiles with IAM's
// own listing (the Tagging API does not cover IAM), and Auto Scaling groups through their tagged launch templates (the
// AWS provider's default_tags do not reach Auto Scaling groups). Each kind of resource has its deletion steps (steps.go);
// all resources go through the steps in one global order, dependents first (a distribution before its bucket, a
// function before its role, a NAT gateway before its Elastic IP, subnets before their VPC). What waits uses the SDK's
// waiters under a deadline; what fails on a dependency still being deleted is retried by the SDK's retryer
// (NewRetryer); what still fails is reported and the sweep goes on — run it again later.
//
// The refarch provider's own resources tag what AWS can tag with the provider's default_tags (the tests pass the run
// tag there): the Secrets Manager secret of refarch_signed_url_keypair (found by the Tagging API, deleted with the
// other secrets) and the IAM role refarch_athena_report_schedule creates (found through IAM, deleted with its inline
// policy). What AWS cannot tag is not found here: the key pair's CloudFront public keys and key group, and the report
// schedule's EventBridge Scheduler schedule, go only with the resource's destroy; its Athena named query goes with its
// workgroup (a swept Athena workgroup takes its named queries; one in the account's primary workgroup stays).
package sweep

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
)

// Options say what to sweep.
type Options struct {
	// Regions to sweep (at least one). CloudFront distributions and IAM roles and instance profiles are global and
	// swept in any case.
	Regions []string
	// Run is the refarch:test-run value to sweep; "" sweeps every run.
	Run string
	// OlderThan spares runs that started less than this long ago (a suite may still be running). A run id without a
	// start time (see RunStarted) is swept only when Run names it or OlderThan is 0.
	OlderThan time.Duration
	// DryRun only reports what would be deleted: no call but the listings is made.
	DryRun bool
	// Parallel is how many resources of one step are deleted at once (0: 4).
	Parallel int
	// Now is the clock (nil: time.Now).
	Now func() time.Time
	// Progress, when set, is called with every result as it is known (from one goroutine at a time).
	Progress func(Result)
}

// Resource is one tagged resource.
type Resource struct {
	ARN    string
	Region string // "global" for IAM
	Kind   string // service:type as in the ARN, e.g. "ec2:vpc", "lambda:function"
	ID     string // what the service's delete call takes (a name, an id or the ARN)
	Run    string // its refarch:test-run value
}

func (r Resource) String() string {
	return fmt.Sprintf("%s %s (%s, run %s)", r.Kind, r.ID, r.Region, r.Run)
}

// Outcome is what became of a resource.
type Outcome string

// The outcomes. Failed and Unsupported make a sweep fail.
const (
	Deleted     Outcome = "deleted"
	WouldDelete Outcome = "would delete"
	Skipped     Outcome = "skipped"
	Failed      Outcome = "failed"
	Unsupported Outcome = "unsupported"
)

// Result is the outcome for one resource (or, with an empty Resource.ARN, of a listing that failed).
type Result struct {
	Resource Resource
	Outcome  Outcome
	Detail   string // why it was skipped, or what failed
	Err      error
}

func (r Result) String() string {
	s := string(r.Outcome) + " " + r.Resource.String()
	if r.Resource.ARN == "" {
		s = string(r.Outcome) + " " + r.Detail
	} else if r.Detail != "" {
		s += ": " + r.Detail
	}
	if r.Err != nil {
		s += ": " + r.Err.Error()
	}
	return s
}

// Report is every result of a sweep.
type Report struct{ Results []Result }

// Count is how many results have the outcome.
func (r Report) Count(o Outcome) int {
	n := 0
	for _, res := range r.Results {
		if res.Outcome == o {
			n++
		}
	}
	return n
}

// Err is nil when nothing failed, nothing was unsupported and no listing failed: a non-zero exit status otherwise.
func (r Report) Err() error {
	var parts []string
	if f := r.Count(Failed); f > 0 {
		parts = append(parts, fmt.Sprintf("%d failed", f))
	}
	if u := r.Count(Unsupported); u > 0 {
		parts = append(parts, fmt.Sprintf("%d of a kind it cannot delete (delete those by hand)", u))
	}
	if len(parts) == 0 {
		return nil
	}
	return errors.New("sweep: " + strings.Join(parts, ", "))
}

// globalRegion is where the clients for global services (IAM, CloudFront) are made.
const globalRegion = "us-east-1"

// Sweep finds the tagged resources and deletes them (or, with DryRun, lists what it would delete), one step at a
// time in the global order of steps. A resource whose step fails is reported and skips its later steps; the sweep
// goes on with the others.
func Sweep(ctx context.Context, clients ClientsFor, o Options) Report {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Parallel <= 0 {
		o.Parallel = 4
	}
	var (
		mu  sync.Mutex
		rep Report
	)
	emit := func(r Result) {
		mu.Lock()
		defer mu.Unlock()
		rep.Results = append(rep.Results, r)
		if o.Progress != nil {
			o.Progress(r)
		}
	}
	if len(o.Regions) == 0 {
		emit(Result{Outcome: Failed, Detail: "no region to sweep", Err: errors.New("set at least one region")})
		return rep
	}

	plan := steps()
	found := find(ctx, clients, o, emit)
	now := o.Now()
	var todo []Resource
	for _, r := range found {
		if skip := o.spare(r, now); skip != "" {
			emit(Result{Resource: r, Outcome: Skipped, Detail: skip})
			continue
		}
		switch {
		case childOf(r.Kind) != "":
			// Deleted with its parent (e.g. an API's stage with the API).
		case !slices.ContainsFunc(plan, func(s step) bool { return s.kind == r.Kind }):
			emit(Result{Resource: r, Outcome: Unsupported, Detail: "the sweep has no deleter for this kind"})
		default:
			todo = append(todo, r)
		}
	}
	slices.SortStableFunc(todo, func(a, b Resource) int {
		return cmp.Or(cmp.Compare(a.Region, b.Region), cmp.Compare(a.ID, b.ID))
	})

	if o.DryRun {
		// In the order a real sweep would delete them: by each kind's first step.
		seen := map[string]bool{}
		for _, s := range plan {
			if seen[s.kind] {
				continue
			}
			seen[s.kind] = true
			for _, r := range todo {
				if r.Kind == s.kind {
					emit(Result{Resource: r, Outcome: WouldDelete})
				}
			}
		}
		return rep
	}

	failed := map[string]bool{}
	for i, s := range plan {
		var batch []Resource
		for _, r := range todo {
			if r.Kind == s.kind && !failed[r.ARN] {
				batch = append(batch, r)
			}
		}
		last := !slices.ContainsFunc(plan[i+1:], func(n step) bool { return n.kind == s.kind })
		sem := make(chan struct{}, o.Parallel)
		var wg sync.WaitGroup
		for _, r := range batch {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				err := s.do(ctx, clientsIn(clients, r.Region), r)
				switch {
				case err != nil && !notFound(err):
					mu.Lock()
					failed[r.ARN] = true
					mu.Unlock()
					emit(Result{Resource: r, Outcome: Failed, Detail: s.action, Err: err})
				case last:
					emit(Result{Resource: r, Outcome: Deleted})
				}
			}()
		}
		wg.Wait()
	}
	return rep
}

// clientsIn are the clients for a resource's region ("global": us-east-1's).
func clientsIn(clients ClientsFor, region string) *Clients {
	if region == "global" {
		region = globalRegion
	}
	return clients(region)
}

// spare says why r is not swept now ("" to sweep it).
func (o Options) spare(r Resource, now time.Time) string {
	started, ok := RunStarted(r.Run)
	switch {
	case ok:
		if age := now.Sub(started); age < o.OlderThan {
			return fmt.Sprintf("its run started %s ago, less than -older-than %s: it may still be running", age.Round(time.Second), o.OlderThan)
		}
	case o.Run == "" && o.OlderThan > 0:
		return fmt.Sprintf("run id %q carries no start time: name it with -run (or pass -older-than 0) to sweep it", r.Run)
	}
	return ""
}
