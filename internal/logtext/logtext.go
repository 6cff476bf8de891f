// Package logtext bounds text that comes from outside a handler (request bodies, stream records, error messages
// that echo them) before it is logged, so that one hostile input cannot write an arbitrarily large or multi-line
// log entry.
package logtext

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

var oneLine = strings.NewReplacer("\r", " ", "\n", " ")

// Clip returns s on one line (CR and LF become spaces, invalid UTF-8 becomes U+FFFD) and at most about maxBytes
// long: cut on a rune boundary, with "…" appended, when it was longer.
func Clip(s string, maxBytes int) string {
	s, cut := prefix(s, maxBytes)
	s = oneLine.Replace(strings.ToValidUTF8(s, "\uFFFD"))
	if cut {
		s += "…"
	}
	return s
}

// Quote is s Go-quoted (control characters escaped) for a message, with at most maxBytes of it: a longer s is cut on
// a rune boundary and followed by its length, e.g. "aaaa…" (10000 bytes).
func Quote(s string, maxBytes int) string {
	p, cut := prefix(s, maxBytes)
	if !cut {
		return strconv.Quote(s)
	}
	return strconv.Quote(p+"…") + " (" + strconv.Itoa(len(s)) + " bytes)"
}

// prefix is the longest prefix of s of at most maxBytes that does not end inside a UTF-8 sequence, and whether s
// was longer.
func prefix(s string, maxBytes int) (string, bool) {
	if len(s) <= maxBytes {
		return s, false
	}
	s = s[:max(maxBytes, 0)]
	// Drop a sequence the cut split (at most utf8.UTFMax-1 bytes).
	for i := 0; i < utf8.UTFMax-1 && len(s) > 0; i++ {
		if r, size := utf8.DecodeLastRuneInString(s); r != utf8.RuneError || size != 1 {
			break
		}
		s = s[:len(s)-1]
	}
	return s, true
}
