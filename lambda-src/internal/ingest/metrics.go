package ingest

import (
	"encoding/json"
	"os"
	"sort"
	"time"
)

// logMetrics writes one CloudWatch embedded-metric-format line to stdout: RecordsOk, RecordsFailed and
// Rejected_<reason> per delivery stream, so CloudWatch counts bad records without an API call from the function.
func (t *Transformer) logMetrics(st Stats, stream string) {
	if t.MetricsNamespace == "" {
		return
	}
	metrics := []map[string]string{{"Name": "RecordsOk", "Unit": "Count"}, {"Name": "RecordsFailed", "Unit": "Count"}}
	doc := map[string]any{
		"DeliveryStream": stream,
		"RecordsOk":      st.OK,
		"RecordsFailed":  st.Failed,
	}
	reasons := make([]string, 0, len(st.ByReason))
	for r := range st.ByReason {
		reasons = append(reasons, string(r))
	}
	sort.Strings(reasons)
	for _, r := range reasons {
		name := "Rejected_" + r
		metrics = append(metrics, map[string]string{"Name": name, "Unit": "Count"})
		doc[name] = st.ByReason[Reason(r)]
	}
	doc["_aws"] = map[string]any{
		"Timestamp": time.Now().UnixMilli(),
		"CloudWatchMetrics": []any{map[string]any{
			"Namespace":  t.MetricsNamespace,
			"Dimensions": [][]string{{"DeliveryStream"}},
			"Metrics":    metrics,
		}},
	}
	b, err := json.Marshal(doc)
	if err != nil {
		return
	}
	_, _ = os.Stdout.Write(append(b, '\n'))
}
