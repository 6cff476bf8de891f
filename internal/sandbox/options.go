package sandbox

import "strings"

// WithRDSBackend has kumo answer every RDS instance and cluster of the engine (e.g. "postgres", "mysql"; "" for
// all engines) with addr (host:port) as its endpoint: kumo's KUMO_RDS_BACKEND, so that an app given the
// deployment's RDS endpoint reaches a real database the test started (see StartPostgres). kumo itself never
// creates users or databases there.
func (o Options) WithRDSBackend(engine, addr string) Options {
	entry := addr
	if engine != "" {
		entry = engine + "=" + addr
	}
	env := make([]string, 0, len(o.Env)+1)
	var prev string
	for _, kv := range o.Env {
		if v, ok := strings.CutPrefix(kv, "KUMO_RDS_BACKEND="); ok {
			prev = v
			continue
		}
		env = append(env, kv)
	}
	if prev != "" {
		entry = prev + "," + entry
	}
	o.Env = append(env, "KUMO_RDS_BACKEND="+entry)
	return o
}
