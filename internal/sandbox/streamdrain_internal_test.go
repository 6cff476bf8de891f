package sandbox

import "testing"

func TestCompareSequence(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"", "000000000000000000001", -1},
		{"000000000000000000002", "000000000000000000010", -1}, // kumo: fixed width
		{"99", "100", -1}, // AWS: no fixed width
		{"100", "000000000000000000100", 0},
		{"49600000000000000000000000000000000000000000000000000000", "9", 1},
		{"x", "yy", -1},
	} {
		if got := compareSequence(c.a, c.b); got != c.want {
			t.Errorf("compareSequence(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
		if got := compareSequence(c.b, c.a); got != -c.want {
			t.Errorf("compareSequence(%q, %q) = %d, want %d", c.b, c.a, got, -c.want)
		}
	}
}
