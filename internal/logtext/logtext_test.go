package logtext

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestClip(t *testing.T) {
	for _, tc := range []struct {
		in   string
		max  int
		want string
	}{
		{"short", 10, "short"},
		{"a\r\nb", 10, "a  b"},
		{"bad \xff", 10, "bad \uFFFD"},
		{strings.Repeat("a", 20), 5, "aaaaa…"},
		{"ééé", 5, "éé…"}, // the cut would split the third é
		{"x", 0, "…"},
	} {
		if got := Clip(tc.in, tc.max); got != tc.want {
			t.Errorf("Clip(%q, %d) = %q, want %q", tc.in, tc.max, got, tc.want)
		}
	}
	long := strings.Repeat("€", 100000)
	if got := Clip(long, 200); len(got) > 200+len("…") || !utf8.ValidString(got) {
		t.Errorf("Clip of %d bytes gave %d bytes (valid UTF-8: %v)", len(long), len(got), utf8.ValidString(got))
	}
}

func TestQuote(t *testing.T) {
	for _, tc := range []struct {
		in   string
		max  int
		want string
	}{
		{"a@example.com", 64, `"a@example.com"`},
		{"a\r\nBcc: x", 64, `"a\r\nBcc: x"`},
		{strings.Repeat("a", 10000), 4, `"aaaa…" (10000 bytes)`},
	} {
		if got := Quote(tc.in, tc.max); got != tc.want {
			t.Errorf("Quote(%.20q, %d) = %q, want %q", tc.in, tc.max, got, tc.want)
		}
	}
}
